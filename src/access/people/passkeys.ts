/**
 * A signed-in person's passkeys: several per person, each can be revoked, but never the last one
 * (a person without a passkey could not sign in again). Revoking a passkey ends the sessions it
 * opened.
 */
import type {
  PublicKeyCredentialCreationOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { loadChallenge, saveChallenge, spendChallenge } from './challenges.ts';
import { type AccessContext, db, nowIso } from './context.ts';
import { AccessError } from './errors.ts';
import { auditRefusal } from './refusals.ts';
import { insertPasskey, passkeyPayload, registrationOptions, verifyRegistration } from './registration.ts';
import { revokeSessionsOfPasskey } from './sessions.ts';
import { accessDb } from './tables.ts';

export interface PasskeyView {
  id: string;
  label: string;
  createdAt: string;
  lastUsedAt: string | null;
  backedUp: boolean;
  transports: string[];
}

export async function listPasskeys(ctx: AccessContext, personId: string): Promise<PasskeyView[]> {
  const rows = await db(ctx)
    .selectFrom('passkeys')
    .selectAll()
    .where('person_id', '=', personId)
    .where('revoked_at', 'is', null)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    label: r.label,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    backedUp: r.backed_up === 1,
    transports: JSON.parse(r.transports) as string[],
  }));
}

export async function startAddPasskey(
  ctx: AccessContext,
  personId: string,
): Promise<{ challengeId: string; options: PublicKeyCredentialCreationOptionsJSON }> {
  const person = await db(ctx)
    .selectFrom('people')
    .select(['name', 'user_handle'])
    .where('id', '=', personId)
    .executeTakeFirstOrThrow();
  const existing = await db(ctx)
    .selectFrom('passkeys')
    .select('id')
    .where('person_id', '=', personId)
    .execute();
  const options = await registrationOptions(ctx, {
    handle: person.user_handle,
    name: person.name,
    exclude: existing.map((k) => k.id),
  });
  const challengeId = await saveChallenge(ctx, {
    purpose: 'passkey',
    challenge: options.challenge,
    personId,
  });
  return { challengeId, options };
}

export async function finishAddPasskey(
  ctx: AccessContext,
  input: { personId: string; challengeId: string; response: RegistrationResponseJSON; label?: string },
): Promise<PasskeyView> {
  const user = `user:${input.personId}`;
  try {
    const challenge = await loadChallenge(ctx, input.challengeId, 'passkey');
    if (challenge.person_id !== input.personId)
      throw new AccessError('CHALLENGE_UNKNOWN', 'unknown challenge');
    const pk = await verifyRegistration(ctx, input.response, challenge.challenge);
    const label = (input.label ?? '').trim().slice(0, 100) || 'passkey';
    const now = nowIso(ctx);
    await ctx.ledger.transact(async (tx) => {
      await spendChallenge(tx.db, challenge.id, now);
      await insertPasskey(tx.db, input.personId, pk, label, now);
      tx.audit({
        actor: user,
        action: 'access.passkey.registered',
        subject: user,
        payload: passkeyPayload(pk, label),
      });
    });
    return {
      id: pk.id,
      label,
      createdAt: now,
      lastUsedAt: null,
      backedUp: pk.backedUp,
      transports: pk.transports,
    };
  } catch (e) {
    if (e instanceof AccessError)
      return auditRefusal(
        ctx,
        { action: 'access.passkey.failed', challengeId: input.challengeId, subject: user },
        e,
      );
    throw e;
  }
}

export async function revokePasskey(
  ctx: AccessContext,
  input: { personId: string; passkeyId: string; actor: string },
): Promise<void> {
  const now = nowIso(ctx);
  const user = `user:${input.personId}`;
  await ctx.ledger.transact(async (tx) => {
    const trx = accessDb(tx.db);
    const live = await trx
      .selectFrom('passkeys')
      .select('id')
      .where('person_id', '=', input.personId)
      .where('revoked_at', 'is', null)
      // PostgreSQL: lock the person's passkeys so two revocations cannot both leave "one more".
      .$if(ctx.ledger.store.dialect === 'postgres', (q) => q.forUpdate())
      .execute();
    if (!live.some((k) => k.id === input.passkeyId))
      throw new AccessError('PASSKEY_NOT_FOUND', 'no such passkey');
    if (live.length === 1)
      throw new AccessError(
        'PASSKEY_LAST',
        'this is the last passkey: register another one before revoking it',
      );
    await trx.updateTable('passkeys').set({ revoked_at: now }).where('id', '=', input.passkeyId).execute();
    const sessions = await revokeSessionsOfPasskey(tx.db, input.passkeyId, now);
    tx.audit({
      actor: input.actor,
      action: 'access.passkey.revoked',
      subject: user,
      payload: { credentialId: input.passkeyId, sessionsEnded: sessions },
    });
  });
}
