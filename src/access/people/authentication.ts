/**
 * Sign-in with a passkey: WebAuthn authentication with a discoverable credential (no user name
 * typed), user verification required. The challenge is stored server-side and spent by the
 * attempt, whatever its outcome; success creates a session. Success and failure are ledger entries.
 */
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  type PublicKeyCredentialRequestOptionsJSON,
  verifyAuthenticationResponse,
} from '@simplewebauthn/server';
import { answeredChallenge, loadChallenge, saveChallenge, spendChallenge } from './challenges.ts';
import { type AccessContext, db } from './context.ts';
import { AccessError } from './errors.ts';
import { auditRefusal } from './refusals.ts';
import { createSession, type NewSession } from './sessions.ts';
import { accessDb } from './tables.ts';

const TIMEOUT_MS = 5 * 60_000;

export async function startSignIn(
  ctx: AccessContext,
): Promise<{ challengeId: string; options: PublicKeyCredentialRequestOptionsJSON }> {
  const options = await generateAuthenticationOptions({
    rpID: ctx.relyingParty().id,
    userVerification: 'required',
    timeout: TIMEOUT_MS,
    allowCredentials: [],
  });
  const challengeId = await saveChallenge(ctx, { purpose: 'signin', challenge: options.challenge });
  return { challengeId, options };
}

export interface SignedIn {
  person: { id: string; name: string };
  passkeyId: string;
  session: NewSession;
}

export async function finishSignIn(
  ctx: AccessContext,
  input: { challengeId: string; response: AuthenticationResponseJSON },
): Promise<SignedIn> {
  const credentialId = typeof input.response?.id === 'string' ? input.response.id.slice(0, 200) : '';
  const refusal = { action: 'access.signin.failed', challengeId: input.challengeId, credentialId };
  try {
    const challenge = await loadChallenge(ctx, input.challengeId, 'signin');
    if (answeredChallenge(input.response.response.clientDataJSON) !== challenge.challenge)
      throw new AccessError('CHALLENGE_MISMATCH', 'the response answers another challenge');
    const row = await db(ctx)
      .selectFrom('passkeys as k')
      .innerJoin('people as p', 'p.id', 'k.person_id')
      .select([
        'k.id',
        'k.person_id',
        'k.public_key',
        'k.counter',
        'k.transports',
        'k.revoked_at',
        'p.name',
        'p.status',
        'p.user_handle',
      ])
      .where('k.id', '=', input.response.id)
      .executeTakeFirst();
    if (!row) throw new AccessError('CREDENTIAL_UNKNOWN', 'this passkey is not registered');
    if (row.revoked_at !== null) throw new AccessError('CREDENTIAL_REVOKED', 'this passkey was revoked');
    if (row.status !== 'active') throw new AccessError('PERSON_INACTIVE', 'this person cannot sign in');
    const userHandle = input.response.response.userHandle;
    if (userHandle !== undefined && userHandle !== row.user_handle)
      throw new AccessError('ASSERTION_INVALID', 'the passkey response does not verify');
    const rp = ctx.relyingParty();
    let verified: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
    try {
      verified = await verifyAuthenticationResponse({
        response: input.response,
        expectedChallenge: challenge.challenge,
        expectedOrigin: rp.origin,
        expectedRPID: rp.id,
        requireUserVerification: true,
        credential: {
          id: row.id,
          publicKey: new Uint8Array(row.public_key),
          counter: Number(row.counter),
          transports: JSON.parse(row.transports) as never,
        },
      });
    } catch (e) {
      throw new AccessError('ASSERTION_INVALID', 'the passkey response does not verify', { cause: e });
    }
    if (!verified.verified)
      throw new AccessError('ASSERTION_INVALID', 'the passkey response does not verify');
    const now = ctx.clock.now();
    const iso = now.toISOString();
    const { result } = await ctx.ledger.transact(async (tx) => {
      await spendChallenge(tx.db, challenge.id, iso);
      const k = await accessDb(tx.db)
        .updateTable('passkeys')
        .set({ counter: verified.authenticationInfo.newCounter, last_used_at: iso })
        .where('id', '=', row.id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(k.numUpdatedRows) !== 1)
        throw new AccessError('CREDENTIAL_REVOKED', 'this passkey was revoked');
      const session = await createSession(tx.db, { personId: row.person_id, passkeyId: row.id, now });
      const user = `user:${row.person_id}`;
      tx.audit({
        actor: user,
        action: 'access.signin',
        subject: user,
        payload: { session: session.id, credentialId: row.id, via: 'passkey', expiresAt: session.expiresAt },
      });
      return session;
    });
    return { person: { id: row.person_id, name: row.name }, passkeyId: row.id, session: result };
  } catch (e) {
    if (e instanceof AccessError) return auditRefusal(ctx, refusal, e);
    throw e;
  }
}
