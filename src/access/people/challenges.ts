/**
 * WebAuthn challenges, kept server-side: random (from @simplewebauthn/server), bound to one
 * purpose, valid for five minutes, usable once. A used challenge is kept for a day so that a replay
 * is reported as a replay (CHALLENGE_USED), then forgotten.
 */
import type { Transaction } from 'kysely';
import type { Database } from '../../store/index.ts';
import { type AccessContext, db, laterIso, nowIso } from './context.ts';
import { AccessError } from './errors.ts';
import { newId } from './secrets.ts';
import { accessDb, type ChallengeTable } from './tables.ts';

export const CHALLENGE_TTL_MS = 5 * 60_000;
const KEEP_MS = 24 * 3600_000;

export type ChallengePurpose = 'signin' | 'enroll' | 'passkey';

export interface NewChallenge {
  purpose: ChallengePurpose;
  challenge: string;
  personId?: string;
  enrollmentId?: string;
  userHandle?: string;
  name?: string;
}

export async function saveChallenge(ctx: AccessContext, c: NewChallenge): Promise<string> {
  const id = newId('ch');
  const now = ctx.clock.now();
  await db(ctx)
    .deleteFrom('access_challenges')
    .where('expires_at', '<', new Date(now.getTime() - KEEP_MS).toISOString())
    .execute();
  await db(ctx)
    .insertInto('access_challenges')
    .values({
      id,
      purpose: c.purpose,
      challenge: c.challenge,
      person_id: c.personId ?? null,
      enrollment_id: c.enrollmentId ?? null,
      user_handle: c.userHandle ?? null,
      name: c.name ?? null,
      created_at: now.toISOString(),
      expires_at: laterIso(ctx, CHALLENGE_TTL_MS),
      used_at: null,
    })
    .execute();
  return id;
}

/** The challenge if it can still be answered: known, of this purpose, unused and unexpired. */
export async function loadChallenge(
  ctx: AccessContext,
  id: string,
  purpose: ChallengePurpose,
): Promise<ChallengeTable> {
  const row = await db(ctx)
    .selectFrom('access_challenges')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row || row.purpose !== purpose) throw new AccessError('CHALLENGE_UNKNOWN', 'unknown challenge');
  if (row.used_at !== null) throw new AccessError('CHALLENGE_USED', 'this challenge was already used');
  if (row.expires_at <= nowIso(ctx)) throw new AccessError('CHALLENGE_EXPIRED', 'this challenge has expired');
  return row;
}

/** Spend the challenge inside the ceremony's transaction; exactly one caller ever succeeds. */
export async function spendChallenge(trx: Transaction<Database>, id: string, now: string): Promise<void> {
  const r = await accessDb(trx)
    .updateTable('access_challenges')
    .set({ used_at: now })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1)
    throw new AccessError('CHALLENGE_USED', 'this challenge was already used');
}

/** The challenge a response answers, read from its clientDataJSON (base64url JSON). */
export function answeredChallenge(clientDataJSON: string): string | undefined {
  try {
    const c = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8')) as {
      challenge?: unknown;
    };
    return typeof c.challenge === 'string' ? c.challenge : undefined;
  } catch {
    return undefined;
  }
}
