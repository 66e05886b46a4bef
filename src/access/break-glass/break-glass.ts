/**
 * Break-glass: an account for when nobody who should can sign in (lost passkeys, an emergency
 * at night). It is created on the server's machine by the CLI, with a sealed credential: a 256-bit
 * secret shown once (print it, seal it in an envelope, put it in the safe); only its hash is kept.
 *
 * It is time-limited twice: it can be opened only until `valid_until` (rotate it before), and once
 * first used it works for `ttl_seconds`, then never again. Every use — every request made with it —
 * is a ledger entry `access.break-glass.used` in the same transaction that counts the use, and the
 * HTTP layer logs an error-level line with the stable code BREAK_GLASS_USED: the use always raises
 * an alert, and the access review lists it.
 *
 * Its permissions are grants to `user:bg_<…>` (made at creation, ending with it), so the review
 * shows them with their last use like any other grant. (Ledger actors are `user:`, `service:`, …;
 * the `bg_` prefix is what tells a break-glass account from a person, whose ids start `p_`.)
 */
import { InvalidInputError, NotFoundError, RampartError } from '../../core/index.ts';
import type { Ledger } from '../../ledger/index.ts';
import { bumpGeneration } from '../authz/generation.ts';
import { getRole } from '../authz/role-store.ts';
import { authzDb, type BreakGlassTable } from '../authz/tables.ts';
import { insertGrant } from '../grants/grants.ts';
import { hashSecret, newId, newSecret } from '../people/secrets.ts';

export const BREAK_GLASS_PREFIX = 'rbg_';

/** Whether a principal id is a break-glass account's. */
export function isBreakGlassPrincipal(principal: string): boolean {
  return principal.startsWith('user:bg_');
}
export const BREAK_GLASS_DEFAULT_TTL_S = 3600;
export const BREAK_GLASS_MAX_TTL_S = 24 * 3600;

export interface BreakGlassView {
  id: string;
  principal: string;
  roles: string[];
  createdAt: string;
  createdBy: string;
  validUntil: string;
  ttlSeconds: number;
  activatedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  uses: number;
  lastUsedAt: string | null;
  state: 'sealed' | 'open' | 'spent' | 'revoked' | 'lapsed';
}

function state(r: BreakGlassTable, now: string): BreakGlassView['state'] {
  if (r.revoked_at) return 'revoked';
  if (r.activated_at) return r.expires_at && r.expires_at > now ? 'open' : 'spent';
  return r.valid_until > now ? 'sealed' : 'lapsed';
}

function view(r: BreakGlassTable, now: string): BreakGlassView {
  return {
    id: r.id,
    principal: `user:${r.id}`,
    roles: JSON.parse(r.roles) as string[],
    createdAt: r.created_at,
    createdBy: r.created_by,
    validUntil: r.valid_until,
    ttlSeconds: Number(r.ttl_seconds),
    activatedAt: r.activated_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
    uses: Number(r.uses),
    lastUsedAt: r.last_used_at,
    state: state(r, now),
  };
}

export async function createBreakGlass(
  ledger: Ledger,
  input: { roles: string[]; actor: string; ttlSeconds?: number; validDays?: number },
): Promise<BreakGlassView & { secret: string }> {
  const roles = [...new Set(input.roles)].sort();
  if (roles.length === 0)
    throw new InvalidInputError('BREAK_GLASS_INVALID', 'a break-glass account holds at least one role');
  const ttl = input.ttlSeconds ?? BREAK_GLASS_DEFAULT_TTL_S;
  if (!Number.isInteger(ttl) || ttl < 60 || ttl > BREAK_GLASS_MAX_TTL_S)
    throw new InvalidInputError('BREAK_GLASS_INVALID', 'the time it works once opened is 60 s to 24 h');
  const validDays = input.validDays ?? 90;
  if (!Number.isInteger(validDays) || validDays < 1 || validDays > 366)
    throw new InvalidInputError('BREAK_GLASS_INVALID', 'it stays valid (unopened) 1 to 366 days');
  const privileged = new Map<string, boolean>();
  for (const r of roles) privileged.set(r, (await getRole(ledger, r)).privileged);
  const now = ledger.clock.now();
  const iso = now.toISOString();
  const validUntil = new Date(now.getTime() + validDays * 86_400_000).toISOString();
  const id = newId('bg');
  const secret = `${BREAK_GLASS_PREFIX}${newSecret()}`;
  const principal = `user:${id}`;
  await ledger.transact(async (tx) => {
    await authzDb(tx.db)
      .insertInto('access_break_glass')
      .values({
        id,
        secret_hash: hashSecret(secret),
        roles: JSON.stringify(roles),
        created_at: iso,
        created_by: input.actor,
        valid_until: validUntil,
        ttl_seconds: ttl,
        activated_at: null,
        expires_at: null,
        revoked_at: null,
        revoked_by: null,
        uses: 0,
        last_used_at: null,
      })
      .execute();
    for (const role of roles)
      await insertGrant(tx.db, {
        principal,
        role,
        status: 'active',
        privileged: privileged.get(role) ?? false,
        requestedBy: input.actor,
        approvedBy: 'break-glass:sealed',
        now: iso,
        expiresAt: validUntil,
        reason: 'break-glass account',
      });
    tx.audit({
      actor: input.actor,
      action: 'access.break-glass.created',
      subject: principal,
      payload: { roles, validUntil, ttlSeconds: ttl },
    });
  });
  bumpGeneration(ledger);
  return { ...(await getBreakGlass(ledger, id)), secret };
}

export async function getBreakGlass(ledger: Ledger, id: string): Promise<BreakGlassView> {
  const r = await authzDb(ledger.store.db)
    .selectFrom('access_break_glass')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!r) throw new NotFoundError('BREAK_GLASS_NOT_FOUND', `no break-glass account ${id}`);
  return view(r, ledger.clock.now().toISOString());
}

export async function listBreakGlass(ledger: Ledger): Promise<BreakGlassView[]> {
  const now = ledger.clock.now().toISOString();
  const rows = await authzDb(ledger.store.db)
    .selectFrom('access_break_glass')
    .selectAll()
    .orderBy('created_at')
    .execute();
  return rows.map((r) => view(r, now));
}

const unauthorized = (code: string, message: string) => new RampartError(code, message, { status: 401 });

/**
 * One use of the break-glass credential: opens it on first use, counts and records every use.
 * Returns the principal id. Refusals of a known account are recorded too (`access.break-glass.refused`).
 */
export async function admitBreakGlass(
  ledger: Ledger,
  secret: string,
  request: { method: string; url: string; ip: string },
): Promise<BreakGlassView> {
  const t = authzDb(ledger.store.db);
  const r = await t
    .selectFrom('access_break_glass')
    .selectAll()
    .where('secret_hash', '=', hashSecret(secret))
    .executeTakeFirst();
  if (!r) throw unauthorized('BREAK_GLASS_INVALID', 'not a break-glass credential');
  const now = ledger.clock.now();
  const iso = now.toISOString();
  const s = state(r, iso);
  if (s !== 'sealed' && s !== 'open') {
    const code = s === 'revoked' ? 'BREAK_GLASS_REVOKED' : 'BREAK_GLASS_EXPIRED';
    await ledger.record({
      actor: `user:${r.id}`,
      action: 'access.break-glass.refused',
      subject: `user:${r.id}`,
      payload: { code, method: request.method, url: request.url.slice(0, 200), ip: request.ip },
    });
    throw unauthorized(
      code,
      s === 'revoked' ? 'this break-glass account was revoked' : 'this break-glass account has expired',
    );
  }
  const activatedAt = r.activated_at ?? iso;
  const expiresAt = r.expires_at ?? new Date(now.getTime() + Number(r.ttl_seconds) * 1000).toISOString();
  const use = Number(r.uses) + 1;
  await ledger.transact(async (tx) => {
    const db = authzDb(tx.db);
    const u = await db
      .updateTable('access_break_glass')
      .set({ activated_at: activatedAt, expires_at: expiresAt, uses: use, last_used_at: iso })
      .where('id', '=', r.id)
      .where('uses', '=', r.uses)
      .executeTakeFirst();
    if (Number(u.numUpdatedRows) !== 1)
      throw new RampartError('BREAK_GLASS_BUSY', 'a concurrent use; retry', { status: 409 });
    if (!r.activated_at)
      // Opened: its grants now end with the window, not with the account's validity.
      await db
        .updateTable('access_grants')
        .set({ expires_at: expiresAt })
        .where('principal', '=', `user:${r.id}`)
        .where('status', '=', 'active')
        .execute();
    tx.audit({
      actor: `user:${r.id}`,
      action: 'access.break-glass.used',
      subject: `user:${r.id}`,
      payload: {
        use,
        opened: !r.activated_at,
        expiresAt,
        method: request.method,
        url: request.url.slice(0, 200),
        ip: request.ip,
      },
    });
  });
  if (!r.activated_at) bumpGeneration(ledger);
  return getBreakGlass(ledger, r.id);
}

export async function revokeBreakGlass(
  ledger: Ledger,
  input: { id: string; actor: string },
): Promise<BreakGlassView> {
  const bg = await getBreakGlass(ledger, input.id);
  if (bg.state === 'revoked')
    throw new RampartError('BREAK_GLASS_REVOKED', 'revoked already', { status: 409 });
  const now = ledger.clock.now().toISOString();
  await ledger.transact(async (tx) => {
    const db = authzDb(tx.db);
    await db
      .updateTable('access_break_glass')
      .set({ revoked_at: now, revoked_by: input.actor })
      .where('id', '=', bg.id)
      .execute();
    await db
      .updateTable('access_grants')
      .set({ status: 'revoked', revoked_at: now, revoked_by: input.actor })
      .where('principal', '=', bg.principal)
      .where('status', 'in', ['pending', 'active'])
      .execute();
    tx.audit({
      actor: input.actor,
      action: 'access.break-glass.revoked',
      subject: bg.principal,
      payload: { roles: bg.roles },
    });
  });
  bumpGeneration(ledger);
  return getBreakGlass(ledger, bg.id);
}

/** The secret from `Authorization: Break-Glass <secret>`; undefined when the header is something else. */
export function breakGlassSecret(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const m = /^Break-Glass\s+(\S+)$/i.exec(authorization.trim());
  return m ? m[1] : undefined;
}
