/**
 * Grants of a role to a principal, with separation of duties:
 *  - nobody grants a role to themselves (GRANT_SELF);
 *  - a privileged role (see PRIVILEGED_PERMISSIONS) stays `pending` until a second administrator
 *    approves it: not the one who asked (GRANT_FOUR_EYES), not the grantee (GRANT_SELF);
 *  - no principal may end up holding `access:roles:write` together with transfer permissions
 *    (SEPARATION_OF_DUTIES), whichever grant would complete the pair;
 *  - grants can be time-bound; past `expires_at` a grant is not effective at once, and the sweep
 *    marks it `expired` with an `access.grant.expired` ledger entry.
 * Every change is a ledger entry written in the same transaction as the change.
 */
import type { Transaction } from 'kysely';
import { InvalidInputError, NotFoundError, RampartError } from '../../core/index.ts';
import type { Ledger } from '../../ledger/index.ts';
import type { Database } from '../../store/index.ts';
import { bumpGeneration } from '../authz/generation.ts';
import { getRole, rolePermissionMap } from '../authz/role-store.ts';
import { authzDb, type GrantStatus, type GrantTable } from '../authz/tables.ts';
import { newId } from '../people/secrets.ts';
import { dutyConflict, isPrivileged } from '../roles.ts';
import { knownPrincipal } from './principals.ts';

export interface Grant {
  id: string;
  principal: string;
  role: string;
  status: GrantStatus;
  privileged: boolean;
  reason: string | null;
  requestedBy: string;
  requestedAt: string;
  approvedBy: string | null;
  approvedAt: string | null;
  expiresAt: string | null;
  revokedBy: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export function grantView(r: GrantTable): Grant {
  return {
    id: r.id,
    principal: r.principal,
    role: r.role,
    status: r.status as GrantStatus,
    privileged: r.privileged === 1,
    reason: r.reason,
    requestedBy: r.requested_by,
    requestedAt: r.requested_at,
    approvedBy: r.approved_by,
    approvedAt: r.approved_at,
    expiresAt: r.expires_at,
    revokedBy: r.revoked_by,
    revokedAt: r.revoked_at,
    lastUsedAt: r.last_used_at,
  };
}

const refused = (code: string, message: string, details?: Record<string, unknown>) =>
  new RampartError(code, message, { status: 403, details });
const conflict = (code: string, message: string, details?: Record<string, unknown>) =>
  new RampartError(code, message, { status: 409, details });

/** Live grants (pending or active) of a principal, read inside a transaction. */
async function liveGrants(trx: Transaction<Database>, principal: string): Promise<GrantTable[]> {
  return authzDb(trx)
    .selectFrom('access_grants')
    .selectAll()
    .where('principal', '=', principal)
    .where('status', 'in', ['pending', 'active'])
    .execute();
}

/** Marks live grants past their end as expired, each with its ledger entry (inside `tx`). */
async function expireIn(
  tx: { db: Transaction<Database>; audit: (e: import('../../ledger/index.ts').EntryInput) => void },
  now: string,
  principal?: string,
): Promise<number> {
  let q = authzDb(tx.db)
    .selectFrom('access_grants')
    .selectAll()
    .where('status', 'in', ['pending', 'active'])
    .where('expires_at', 'is not', null)
    .where('expires_at', '<=', now);
  if (principal) q = q.where('principal', '=', principal);
  const due = await q.execute();
  for (const g of due) {
    await authzDb(tx.db)
      .updateTable('access_grants')
      .set({ status: 'expired' })
      .where('id', '=', g.id)
      .where('status', '=', g.status)
      .execute();
    tx.audit({
      actor: 'system',
      action: 'access.grant.expired',
      subject: g.principal,
      payload: { grant: g.id, role: g.role, expiresAt: g.expires_at, wasStatus: g.status },
    });
  }
  return due.length;
}

/** The sweep: every live grant past its end becomes `expired` (audited). Returns how many. */
export async function expireGrants(ledger: Ledger): Promise<number> {
  const now = ledger.clock.now().toISOString();
  const due = await authzDb(ledger.store.db)
    .selectFrom('access_grants')
    .select('id')
    .where('status', 'in', ['pending', 'active'])
    .where('expires_at', 'is not', null)
    .where('expires_at', '<=', now)
    .limit(1)
    .execute();
  if (due.length === 0) return 0;
  const { result } = await ledger.transact((tx) => expireIn(tx, now));
  bumpGeneration(ledger);
  return result;
}

function checkExpiry(expiresAt: string | undefined, now: Date): string | null {
  if (expiresAt === undefined) return null;
  const t = Date.parse(expiresAt);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(expiresAt) || Number.isNaN(t))
    throw new InvalidInputError('GRANT_EXPIRY_INVALID', `"${expiresAt}" is not an ISO 8601 time`);
  if (t <= now.getTime())
    throw new InvalidInputError('GRANT_EXPIRY_INVALID', `the grant would end at ${expiresAt}, which is past`);
  return new Date(t).toISOString();
}

/** `perms` is read before the transaction: on SQLite the store has one connection, held by it. */
async function checkDuties(
  perms: Map<string, readonly string[]>,
  trx: Transaction<Database>,
  principal: string,
  role: string,
  except?: string,
): Promise<void> {
  const roles = (await liveGrants(trx, principal)).filter((g) => g.id !== except).map((g) => g.role);
  const all = [...roles, role].flatMap((r) => perms.get(r) ?? []);
  const c = dutyConflict(all);
  if (c)
    throw refused(
      'SEPARATION_OF_DUTIES',
      `${principal} would hold ${c.join(' and ')} (roles ${[...new Set([...roles, role])].sort().join(', ')}): whoever manages roles must not initiate, approve or configure transfers`,
      { principal, permissions: c },
    );
}

/**
 * Request a grant. A non-privileged role is active at once (one administrator suffices); a
 * privileged one is `pending` until a second administrator approves it.
 */
export async function requestGrant(
  ledger: Ledger,
  input: { principal: string; role: string; actor: string; expiresAt?: string; reason?: string },
): Promise<Grant> {
  const nowDate = ledger.clock.now();
  const now = nowDate.toISOString();
  const expiresAt = checkExpiry(input.expiresAt, nowDate);
  await knownPrincipal(ledger, input.principal);
  const role = await getRole(ledger, input.role);
  if (input.actor === input.principal)
    throw refused('GRANT_SELF', 'nobody grants a role to themselves', { principal: input.principal });
  const privileged = isPrivileged(role.permissions);
  const reason = input.reason?.trim().slice(0, 500) || null;
  const id = newId('g');
  const perms = await rolePermissionMap(ledger);
  await ledger.transact(async (tx) => {
    await expireIn(tx, now, input.principal);
    const live = await liveGrants(tx.db, input.principal);
    const same = live.find((g) => g.role === input.role);
    if (same)
      throw conflict(
        'GRANT_EXISTS',
        `${input.principal} already has a ${same.status} grant of ${input.role}`,
        {
          grant: same.id,
          status: same.status,
        },
      );
    await checkDuties(perms, tx.db, input.principal, input.role);
    const status: GrantStatus = privileged ? 'pending' : 'active';
    await authzDb(tx.db)
      .insertInto('access_grants')
      .values({
        id,
        principal: input.principal,
        role: input.role,
        status,
        privileged: privileged ? 1 : 0,
        reason,
        requested_by: input.actor,
        requested_at: now,
        approved_by: privileged ? null : input.actor,
        approved_at: privileged ? null : now,
        expires_at: expiresAt,
        revoked_by: null,
        revoked_at: null,
        last_used_at: null,
      })
      .execute();
    tx.audit({
      actor: input.actor,
      action: 'access.grant.requested',
      subject: input.principal,
      payload: { grant: id, role: input.role, privileged, status, expiresAt, reason },
    });
    if (!privileged)
      tx.audit({
        actor: input.actor,
        action: 'access.grant.approved',
        subject: input.principal,
        payload: { grant: id, role: input.role, privileged: false, secondApprover: false },
      });
  });
  bumpGeneration(ledger);
  return getGrant(ledger, id);
}

export async function getGrant(ledger: Ledger, id: string): Promise<Grant> {
  const r = await authzDb(ledger.store.db)
    .selectFrom('access_grants')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!r) throw new NotFoundError('GRANT_NOT_FOUND', `no grant ${id}`, { grant: id });
  return grantView(r);
}

/** The second administrator's approval of a pending (privileged) grant. */
export async function approveGrant(ledger: Ledger, input: { id: string; actor: string }): Promise<Grant> {
  const g = await getGrant(ledger, input.id);
  const now = ledger.clock.now().toISOString();
  if (g.status === 'pending' && g.expiresAt !== null && g.expiresAt <= now) {
    await expireGrants(ledger);
    throw conflict('GRANT_EXPIRED', `grant ${g.id} expired at ${g.expiresAt} before it was approved`);
  }
  if (g.status !== 'pending')
    throw conflict('GRANT_NOT_PENDING', `grant ${g.id} is ${g.status}; only a pending grant is approved`, {
      status: g.status,
    });
  if (input.actor === g.principal)
    throw refused('GRANT_SELF', 'nobody approves a grant to themselves', { principal: g.principal });
  if (input.actor === g.requestedBy)
    throw refused(
      'GRANT_FOUR_EYES',
      'a privileged grant needs a second administrator: the one who asked cannot approve it',
      { requestedBy: g.requestedBy },
    );
  const perms = await rolePermissionMap(ledger);
  await ledger.transact(async (tx) => {
    await checkDuties(perms, tx.db, g.principal, g.role, g.id);
    const r = await authzDb(tx.db)
      .updateTable('access_grants')
      .set({ status: 'active', approved_by: input.actor, approved_at: now })
      .where('id', '=', g.id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1)
      throw conflict('GRANT_NOT_PENDING', `grant ${g.id} changed meanwhile`);
    tx.audit({
      actor: input.actor,
      action: 'access.grant.approved',
      subject: g.principal,
      payload: {
        grant: g.id,
        role: g.role,
        privileged: g.privileged,
        requestedBy: g.requestedBy,
        secondApprover: true,
      },
    });
  });
  bumpGeneration(ledger);
  return getGrant(ledger, g.id);
}

/** Revoke a pending or active grant: it stops working with the next request. */
export async function revokeGrant(
  ledger: Ledger,
  input: { id: string; actor: string; reason?: string },
): Promise<Grant> {
  const g = await getGrant(ledger, input.id);
  if (g.status !== 'pending' && g.status !== 'active')
    throw conflict('GRANT_NOT_LIVE', `grant ${g.id} is ${g.status} already`, { status: g.status });
  const now = ledger.clock.now().toISOString();
  const reason = input.reason?.trim().slice(0, 500) || null;
  await ledger.transact(async (tx) => {
    const r = await authzDb(tx.db)
      .updateTable('access_grants')
      .set({ status: 'revoked', revoked_by: input.actor, revoked_at: now })
      .where('id', '=', g.id)
      .where('status', 'in', ['pending', 'active'])
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw conflict('GRANT_NOT_LIVE', `grant ${g.id} changed meanwhile`);
    tx.audit({
      actor: input.actor,
      action: 'access.grant.revoked',
      subject: g.principal,
      payload: { grant: g.id, role: g.role, wasStatus: g.status, reason },
    });
  });
  bumpGeneration(ledger);
  return getGrant(ledger, g.id);
}

export async function listGrants(
  ledger: Ledger,
  filter: { status?: GrantStatus; principal?: string } = {},
): Promise<Grant[]> {
  let q = authzDb(ledger.store.db).selectFrom('access_grants').selectAll();
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.principal) q = q.where('principal', '=', filter.principal);
  const rows = await q.orderBy('requested_at').orderBy('id').execute();
  return rows.map(grantView);
}

/** The grants in force for a principal now: active and not past their end. */
export async function effectiveGrants(
  ledger: Ledger,
  principal: string,
  now: string,
): Promise<Array<{ id: string; role: string; expiresAt: string | null }>> {
  const rows = await authzDb(ledger.store.db)
    .selectFrom('access_grants')
    .select(['id', 'role', 'expires_at'])
    .where('principal', '=', principal)
    .where('status', '=', 'active')
    .execute();
  return rows
    .filter((r) => r.expires_at === null || r.expires_at > now)
    .map((r) => ({ id: r.id, role: r.role, expiresAt: r.expires_at }))
    .sort((a, b) => (a.role < b.role ? -1 : a.role > b.role ? 1 : 0));
}

/** Active roles of a principal (for display: the session, the people list). */
export async function activeRolesOf(ledger: Ledger, principal: string): Promise<string[]> {
  const now = ledger.clock.now().toISOString();
  return (await effectiveGrants(ledger, principal, now)).map((g) => g.role);
}

/** Inside a transaction: insert an already-decided grant (enrollment, break-glass). */
export async function insertGrant(
  trx: Transaction<Database>,
  g: {
    principal: string;
    role: string;
    status: GrantStatus;
    privileged: boolean;
    requestedBy: string;
    approvedBy: string | null;
    now: string;
    expiresAt?: string | null;
    reason?: string;
  },
): Promise<string> {
  const id = newId('g');
  await authzDb(trx)
    .insertInto('access_grants')
    .values({
      id,
      principal: g.principal,
      role: g.role,
      status: g.status,
      privileged: g.privileged ? 1 : 0,
      reason: g.reason ?? null,
      requested_by: g.requestedBy,
      requested_at: g.now,
      approved_by: g.approvedBy,
      approved_at: g.approvedBy ? g.now : null,
      expires_at: g.expiresAt ?? null,
      revoked_by: null,
      revoked_at: null,
      last_used_at: null,
    })
    .execute();
  return id;
}
