/**
 * Re-verifying a used step-up later, from what was kept: the action, the assertion as received
 * and the passkey's public key. Anyone holding those can check that the
 * person's authenticator signed exactly that action (WebAuthn §7.2 steps, through
 * @simplewebauthn/server), without trusting the row that says it was accepted.
 */
import { verifyAuthenticationResponse } from '@simplewebauthn/server';
import type { AccessContext } from '../people/index.ts';
import { StepUpError } from './errors.ts';
import { actionChallenge } from './statement.ts';
import { stepUpDb } from './tables.ts';
import type { StepUpEvidence } from './verify.ts';

export async function reverifyEvidence(
  evidence: StepUpEvidence,
  publicKey: Uint8Array,
  rp: { id: string; origin: string },
): Promise<boolean> {
  const challenge = actionChallenge(evidence.action);
  try {
    const r = await verifyAuthenticationResponse({
      response: {
        id: evidence.credentialId,
        rawId: evidence.credentialId,
        type: 'public-key',
        clientExtensionResults: {},
        response: {
          clientDataJSON: evidence.clientDataJSON,
          authenticatorData: evidence.authenticatorData,
          signature: evidence.signature,
        },
      },
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: true,
      // The counter was checked when the assertion was used; here only the signature matters.
      credential: { id: evidence.credentialId, publicKey: new Uint8Array(publicKey), counter: 0 },
    });
    return r.verified;
  } catch {
    return false;
  }
}

/** Re-verify a used step-up by id, from the store: its kept assertion against its passkey's key. */
export async function reverifyStepUp(
  ctx: AccessContext,
  id: string,
): Promise<{ verified: boolean; evidence: StepUpEvidence }> {
  const db = stepUpDb(ctx.ledger.store.db);
  const row = await db.selectFrom('access_stepups').selectAll().where('id', '=', id).executeTakeFirst();
  if (row?.outcome !== 'used' || !row.assertion || !row.credential_id)
    throw new StepUpError('STEPUP_UNKNOWN', `no used step-up ${id}`);
  const key = await db
    .selectFrom('passkeys')
    .select('public_key')
    .where('id', '=', row.credential_id)
    .executeTakeFirstOrThrow();
  const evidence = JSON.parse(row.assertion) as StepUpEvidence;
  return {
    verified: await reverifyEvidence(evidence, new Uint8Array(key.public_key), ctx.relyingParty()),
    evidence,
  };
}
