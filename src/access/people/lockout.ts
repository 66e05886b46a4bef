/**
 * Lock-out after repeated authentication failures (sign-in and step-up), per source address, per
 * credential and per person. Counters live in the store (`access_lockouts`), so they survive a
 * restart and hold across several server processes: each failure is one atomic upsert.
 *
 * A key counts failures in a window that starts with its first failure; when the count reaches the
 * limit, the key is locked for a whole window from that moment (a ledger entry `access.lockout`),
 * and every attempt under it is refused with LOCKED_OUT (HTTP 429, Retry-After) before anything is
 * verified. A success clears the credential's and the person's counters, never the address's.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import { RampartError } from '../../core/index.ts';
import type { Database } from '../../store/index.ts';
import type { AccessContext } from './context.ts';
import type { AccessDatabase } from './tables.ts';

export interface LockoutTable {
  key: string;
  scope: string;
  window_start: string;
  failures: number;
  locked_until: string | null;
  updated_at: string;
}

interface LockoutDatabase extends AccessDatabase {
  access_lockouts: LockoutTable;
}

function ldb(d: Kysely<Database> | Transaction<Database>): Kysely<LockoutDatabase> {
  return d as unknown as Kysely<LockoutDatabase>;
}

export interface LockoutPolicy {
  windowMs: number;
  /** Failures allowed per key scope within one window; the limit-th failure locks. */
  address: number;
  credential: number;
  person: number;
  /** Ceremony starts (sign-in, enrollment, step-up options) per source address per minute. */
  startsPerMinute: number;
}

export const DEFAULT_LOCKOUT: LockoutPolicy = {
  windowMs: 15 * 60_000,
  address: 20,
  credential: 5,
  person: 5,
  startsPerMinute: 60,
};

/** The keys an attempt is counted under; any may be missing (an unknown credential has no person). */
export interface AttemptKeys {
  address?: string | undefined;
  credentialId?: string | undefined;
  personId?: string | undefined;
}

type Scope = 'address' | 'credential' | 'person';

export class LockedOutError extends RampartError {
  override readonly name = 'LockedOutError';
  constructor(retryAfterSeconds: number, scope: Scope) {
    super('LOCKED_OUT', 'too many failed authentication attempts; try again later', {
      status: 429,
      details: { retryAfterSeconds, scope },
    });
  }
}

function keysOf(k: AttemptKeys): Array<{ key: string; scope: Scope }> {
  const out: Array<{ key: string; scope: Scope }> = [];
  if (k.address) out.push({ key: `address:${k.address}`, scope: 'address' });
  if (k.credentialId) out.push({ key: `credential:${k.credentialId.slice(0, 400)}`, scope: 'credential' });
  if (k.personId) out.push({ key: `person:${k.personId}`, scope: 'person' });
  return out;
}

function policyOf(ctx: AccessContext): LockoutPolicy {
  return ctx.lockout ?? DEFAULT_LOCKOUT;
}

/** Refuses (LOCKED_OUT) if any of the attempt's keys is locked now. */
export async function assertNotLocked(ctx: AccessContext, keys: AttemptKeys): Promise<void> {
  const ks = keysOf(keys);
  if (ks.length === 0) return;
  const now = ctx.clock.now();
  const rows = await ldb(ctx.ledger.store.db)
    .selectFrom('access_lockouts')
    .select(['scope', 'locked_until'])
    .where(
      'key',
      'in',
      ks.map((k) => k.key),
    )
    .where('locked_until', '>', now.toISOString())
    .execute();
  if (rows.length === 0) return;
  const longest = rows.reduce((a, b) => ((a.locked_until ?? '') >= (b.locked_until ?? '') ? a : b));
  const seconds = Math.max(1, Math.ceil((Date.parse(longest.locked_until!) - now.getTime()) / 1000));
  throw new LockedOutError(seconds, longest.scope as Scope);
}

/**
 * Counts one failed attempt under each key; a key reaching its limit is locked for a window and the
 * lock-out is a ledger entry. `what` names the ceremony (signin, stepup) in that entry.
 */
export async function recordAuthFailure(
  ctx: AccessContext,
  keys: AttemptKeys,
  what: 'signin' | 'stepup',
): Promise<void> {
  const policy = policyOf(ctx);
  const now = ctx.clock.now();
  const iso = now.toISOString();
  const cutoff = new Date(now.getTime() - policy.windowMs).toISOString();
  for (const { key, scope } of keysOf(keys)) {
    // One statement per key: a fresh window when the last one has passed, else one more failure.
    const row = await ldb(ctx.ledger.store.db)
      .insertInto('access_lockouts')
      .values({ key, scope, window_start: iso, failures: 1, locked_until: null, updated_at: iso })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          failures: sql<number>`case when access_lockouts.window_start <= ${cutoff} then 1 else access_lockouts.failures + 1 end`,
          window_start: sql<string>`case when access_lockouts.window_start <= ${cutoff} then ${iso} else access_lockouts.window_start end`,
          updated_at: iso,
        }),
      )
      .returning(['failures', 'locked_until'])
      .executeTakeFirstOrThrow();
    const lockedNow = row.locked_until !== null && row.locked_until > iso;
    if (Number(row.failures) < policy[scope] || lockedNow) continue;
    const until = new Date(now.getTime() + policy.windowMs).toISOString();
    try {
      await ctx.ledger.record(
        {
          actor: 'system',
          action: 'access.lockout',
          subject: scope === 'person' ? `user:${key.slice('person:'.length)}` : key,
          payload: { scope, key, failures: Number(row.failures), lockedUntil: until, after: what },
        },
        async (trx) => {
          // Exactly one process starts the lock-out (and writes its ledger entry).
          const r = await ldb(trx)
            .updateTable('access_lockouts')
            .set({ locked_until: until, updated_at: iso })
            .where('key', '=', key)
            .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', iso)]))
            .executeTakeFirst();
          if (Number(r.numUpdatedRows) !== 1) throw new AlreadyLocked();
        },
      );
    } catch (e) {
      if (!(e instanceof AlreadyLocked)) throw e;
    }
  }
}

class AlreadyLocked extends Error {}

/** After a success: the credential's and the person's counters start again (the address's do not). */
export async function clearAuthFailures(ctx: AccessContext, keys: AttemptKeys): Promise<void> {
  const ks = keysOf({ credentialId: keys.credentialId, personId: keys.personId }).map((k) => k.key);
  if (ks.length === 0) return;
  await ldb(ctx.ledger.store.db)
    .deleteFrom('access_lockouts')
    .where('key', 'in', ks)
    .where((eb) =>
      eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', ctx.clock.now().toISOString())]),
    )
    .execute();
}

/**
 * The keys a sign-in attempt counts under: the source address, and the credential and its person
 * when the credential is registered (unknown credential ids count under the address only, so an
 * attacker cannot fill the table with made-up ids).
 */
export async function signInAttemptKeys(
  ctx: AccessContext,
  address: string,
  credentialId: string,
): Promise<AttemptKeys> {
  const row = credentialId
    ? await ldb(ctx.ledger.store.db)
        .selectFrom('passkeys')
        .select(['id', 'person_id'])
        .where('id', '=', credentialId.slice(0, 400))
        .executeTakeFirst()
    : undefined;
  return row ? { address, credentialId: row.id, personId: row.person_id } : { address };
}

export class RateLimitedError extends RampartError {
  override readonly name = 'RateLimitedError';
  constructor(retryAfterSeconds: number) {
    super('RATE_LIMITED', 'too many requests from this address; try again later', {
      status: 429,
      details: { retryAfterSeconds },
    });
  }
}

/**
 * Rate limit on starting a ceremony (each start stores a challenge): at most
 * `startsPerMinute` per source address in a fixed one-minute window, counted in the store like the
 * failures (key `rate:<what>:<address>`). Over the limit: RATE_LIMITED (429, Retry-After).
 */
export async function limitStarts(ctx: AccessContext, what: string, address: string): Promise<void> {
  const limit = policyOf(ctx).startsPerMinute;
  const now = ctx.clock.now();
  const iso = now.toISOString();
  const cutoff = new Date(now.getTime() - 60_000).toISOString();
  const row = await ldb(ctx.ledger.store.db)
    .insertInto('access_lockouts')
    .values({
      key: `rate:${what}:${address}`,
      scope: 'rate',
      window_start: iso,
      failures: 1,
      locked_until: null,
      updated_at: iso,
    })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        failures: sql<number>`case when access_lockouts.window_start <= ${cutoff} then 1 else access_lockouts.failures + 1 end`,
        window_start: sql<string>`case when access_lockouts.window_start <= ${cutoff} then ${iso} else access_lockouts.window_start end`,
        updated_at: iso,
      }),
    )
    .returning(['failures', 'window_start'])
    .executeTakeFirstOrThrow();
  if (Number(row.failures) <= limit) return;
  const seconds = Math.max(1, Math.ceil((Date.parse(row.window_start) + 60_000 - now.getTime()) / 1000));
  throw new RateLimitedError(seconds);
}
