/**
 * Sessions, stored server-side: the cookie holds a random secret, the store only its hash. A
 * session ends after 15 minutes without a request, after 8 hours in any case, or when revoked
 * (sign-out, a revoked passkey).
 */
import type { Transaction } from 'kysely';
import type { Database } from '../../store/index.ts';
import { activeRolesOf } from '../grants/grants.ts';
import { type AccessContext, db, nowIso } from './context.ts';
import { AccessError } from './errors.ts';
import { csrfTokenFor, hashSecret, newId, newSecret } from './secrets.ts';
import { accessDb } from './tables.ts';

export const SESSION_IDLE_MS = 15 * 60_000;
export const SESSION_ABSOLUTE_MS = 8 * 3600_000;
/** last_seen_at is written at most this often (not on every request). */
const TOUCH_EVERY_MS = 30_000;

export interface NewSession {
  id: string;
  /** The cookie value: shown once, never stored. */
  secret: string;
  expiresAt: string;
}

export async function createSession(
  trx: Transaction<Database>,
  s: { personId: string; passkeyId: string; now: Date },
): Promise<NewSession> {
  const secret = newSecret();
  const id = newId('ses');
  const expiresAt = new Date(s.now.getTime() + SESSION_ABSOLUTE_MS).toISOString();
  await accessDb(trx)
    .insertInto('access_sessions')
    .values({
      id,
      token_hash: hashSecret(secret),
      person_id: s.personId,
      passkey_id: s.passkeyId,
      created_at: s.now.toISOString(),
      last_seen_at: s.now.toISOString(),
      expires_at: expiresAt,
      revoked_at: null,
      revoked_reason: null,
    })
    .execute();
  return { id, secret, expiresAt };
}

export interface ResolvedSession {
  id: string;
  personId: string;
  name: string;
  roles: string[];
  passkeyId: string;
  csrfToken: string;
  /** When it ends at the latest (absolute), and when it ends without activity (idle). */
  expiresAt: string;
  idleExpiresAt: string;
}

/** The live session behind a cookie secret; refreshes its idle timer. */
export async function resolveSession(ctx: AccessContext, secret: string): Promise<ResolvedSession> {
  const row = await db(ctx)
    .selectFrom('access_sessions as s')
    .innerJoin('people as p', 'p.id', 's.person_id')
    .select([
      's.id',
      's.person_id',
      's.passkey_id',
      's.last_seen_at',
      's.expires_at',
      's.revoked_at',
      'p.name',
      'p.status',
    ])
    .where('s.token_hash', '=', hashSecret(secret))
    .executeTakeFirst();
  if (!row) throw new AccessError('SESSION_INVALID', 'not a session');
  if (row.revoked_at !== null) throw new AccessError('SESSION_REVOKED', 'this session was ended');
  const now = ctx.clock.now();
  const idleEnd = new Date(row.last_seen_at).getTime() + SESSION_IDLE_MS;
  if (row.expires_at <= now.toISOString() || idleEnd <= now.getTime())
    throw new AccessError('SESSION_EXPIRED', 'this session has expired; sign in again');
  if (row.status !== 'active') throw new AccessError('PERSON_INACTIVE', 'this person cannot sign in');
  let lastSeen = row.last_seen_at;
  if (now.getTime() - new Date(lastSeen).getTime() >= TOUCH_EVERY_MS) {
    lastSeen = now.toISOString();
    await db(ctx)
      .updateTable('access_sessions')
      .set({ last_seen_at: lastSeen })
      .where('id', '=', row.id)
      .execute();
  }
  const roles = await activeRolesOf(ctx.ledger, `user:${row.person_id}`);
  return {
    id: row.id,
    personId: row.person_id,
    name: row.name,
    roles,
    passkeyId: row.passkey_id,
    csrfToken: csrfTokenFor(secret),
    expiresAt: row.expires_at,
    idleExpiresAt: new Date(new Date(lastSeen).getTime() + SESSION_IDLE_MS).toISOString(),
  };
}

/** Sign-out: the session is revoked, audited as `access.signout`. */
export async function signOut(ctx: AccessContext, session: { id: string; personId: string }): Promise<void> {
  const now = nowIso(ctx);
  await ctx.ledger.record(
    {
      actor: `user:${session.personId}`,
      action: 'access.signout',
      subject: `user:${session.personId}`,
      payload: { session: session.id },
    },
    async (trx) => {
      await accessDb(trx)
        .updateTable('access_sessions')
        .set({ revoked_at: now, revoked_reason: 'signed out' })
        .where('id', '=', session.id)
        .where('revoked_at', 'is', null)
        .execute();
    },
  );
}

/** Revoke every live session created with a passkey (inside the passkey's revocation). */
export async function revokeSessionsOfPasskey(
  trx: Transaction<Database>,
  passkeyId: string,
  now: string,
): Promise<number> {
  const r = await accessDb(trx)
    .updateTable('access_sessions')
    .set({ revoked_at: now, revoked_reason: 'passkey revoked' })
    .where('passkey_id', '=', passkeyId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}
