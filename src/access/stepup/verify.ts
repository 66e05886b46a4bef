/**
 * Checking a step-up against the action actually being executed, then using it once.
 *
 * The protected route recomputes the action from the request it is executing (never from what the
 * client says it approved) and calls verifyStepUp; the challenge is recomputed from that action, so
 * an assertion made for another action or another digest does not verify; the step-up must have
 * been issued to the caller's session. consumeStepUp marks it used inside the domain change's own
 * transaction (a use is a ledger entry there, fail closed) and records the assertion's replay key
 * (unique in the store), so the same assertion is never accepted twice. Every refusal spends the
 * step-up, is a ledger entry (`access.stepup.refused` with its code) and counts toward lock-out.
 */
import { type AuthenticationResponseJSON, verifyAuthenticationResponse } from '@simplewebauthn/server';
import { canonicalJson } from '../../core/index.ts';
import type { AuditedTx } from '../../ledger/index.ts';
import type { AccessContext } from '../people/index.ts';
import { assertNotLocked, clearAuthFailures, recordAuthFailure } from '../people/lockout.ts';
import { StepUpError } from './errors.ts';
import type { StepUpSession } from './issue.ts';
import { actionChallenge, replayKey, type StepUpAction } from './statement.ts';
import { stepUpDb } from './tables.ts';

export interface StepUpProof {
  challengeId: string;
  response: AuthenticationResponseJSON;
}

/** The assertion as received, kept with what it approved so anyone can re-verify it later. */
export interface StepUpEvidence {
  stepUp: string;
  /** The action signed: the challenge is SHA-256 of its canonical JSON. */
  action: StepUpAction;
  credentialId: string;
  authenticatorData: string;
  clientDataJSON: string;
  signature: string;
}

export interface VerifiedStepUp {
  id: string;
  personId: string;
  action: StepUpAction;
  actionHash: string;
  credentialId: string;
  newCounter: number;
  replayKey: string;
  evidence: StepUpEvidence;
}

function clientChallenge(clientDataJSON: string): string | undefined {
  try {
    const c = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8')) as {
      challenge?: unknown;
    };
    return typeof c.challenge === 'string' ? c.challenge : undefined;
  } catch {
    return undefined;
  }
}

export async function verifyStepUp(
  ctx: AccessContext,
  input: { session: StepUpSession; action: StepUpAction; proof: StepUpProof; address?: string },
): Promise<VerifiedStepUp> {
  const { session, action, proof } = input;
  const credentialId = typeof proof.response?.id === 'string' ? proof.response.id.slice(0, 400) : '';
  await assertNotLocked(ctx, { address: input.address, personId: session.personId });
  const db = stepUpDb(ctx.ledger.store.db);
  let rowId: string | undefined;
  try {
    const row = await db
      .selectFrom('access_stepups')
      .selectAll()
      .where('id', '=', String(proof.challengeId).slice(0, 100))
      .executeTakeFirst();
    if (!row) throw new StepUpError('STEPUP_UNKNOWN', 'unknown step-up');
    rowId = row.id;
    if (row.session_id !== session.id || row.person_id !== session.personId)
      throw new StepUpError('STEPUP_SESSION_MISMATCH', 'this step-up was issued to another session');
    if (row.used_at !== null) throw new StepUpError('STEPUP_USED', 'this step-up was already used');
    if (row.expires_at <= ctx.clock.now().toISOString())
      throw new StepUpError('STEPUP_EXPIRED', 'this step-up has expired; confirm again');
    if (actionChallenge(action) !== row.challenge)
      throw new StepUpError(
        'STEPUP_ACTION_MISMATCH',
        `this step-up was issued for another action than ${action.action} with these details`,
      );
    if (clientChallenge(proof.response.response.clientDataJSON) !== row.challenge)
      throw new StepUpError('STEPUP_CHALLENGE_MISMATCH', 'the assertion answers another step-up');
    const key = await db
      .selectFrom('passkeys')
      .select(['id', 'person_id', 'public_key', 'counter', 'transports', 'revoked_at'])
      .where('id', '=', credentialId)
      .executeTakeFirst();
    if (!key) throw new StepUpError('STEPUP_CREDENTIAL_UNKNOWN', 'this passkey is not registered');
    if (key.person_id !== session.personId)
      throw new StepUpError('STEPUP_WRONG_PERSON', 'this passkey belongs to someone else');
    if (key.revoked_at !== null)
      throw new StepUpError('STEPUP_CREDENTIAL_REVOKED', 'this passkey was revoked');
    // Before the signature: a replay is named as such even when the counter would also catch it.
    const key_ = replayKey(key.id, proof.response.response.signature);
    const seen = await db
      .selectFrom('access_stepups')
      .select('id')
      .where('assertion_key', '=', key_)
      .executeTakeFirst();
    if (seen)
      throw new StepUpError('STEPUP_ASSERTION_REPLAYED', 'this passkey assertion was already used once');
    const rp = ctx.relyingParty();
    let verified: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
    try {
      verified = await verifyAuthenticationResponse({
        response: proof.response,
        expectedChallenge: row.challenge,
        expectedOrigin: rp.origin,
        expectedRPID: rp.id,
        requireUserVerification: true,
        credential: {
          id: key.id,
          publicKey: new Uint8Array(key.public_key),
          counter: Number(key.counter),
          transports: JSON.parse(key.transports) as never,
        },
      });
    } catch (e) {
      throw new StepUpError('STEPUP_ASSERTION_INVALID', 'the passkey assertion does not verify', {
        cause: e,
      });
    }
    if (!verified.verified)
      throw new StepUpError('STEPUP_ASSERTION_INVALID', 'the passkey assertion does not verify');
    const r = proof.response.response;
    return {
      id: row.id,
      personId: session.personId,
      action,
      actionHash: row.challenge,
      credentialId: key.id,
      newCounter: verified.authenticationInfo.newCounter,
      replayKey: key_,
      evidence: {
        stepUp: row.id,
        action,
        credentialId: key.id,
        authenticatorData: r.authenticatorData,
        clientDataJSON: r.clientDataJSON,
        signature: r.signature,
      },
    };
  } catch (e) {
    if (!(e instanceof StepUpError)) throw e;
    await refuseStepUp(ctx, { session, action, rowId, credentialId, address: input.address }, e);
    throw e;
  }
}

async function refuseStepUp(
  ctx: AccessContext,
  info: {
    session: StepUpSession;
    action: StepUpAction;
    rowId: string | undefined;
    credentialId: string;
    address?: string | undefined;
  },
  e: StepUpError,
): Promise<void> {
  const now = ctx.clock.now().toISOString();
  const user = `user:${info.session.personId}`;
  await ctx.ledger.record(
    {
      actor: user,
      action: 'access.stepup.refused',
      subject: user,
      payload: {
        code: e.code,
        action: info.action.action,
        actionHash: actionChallenge(info.action),
        session: info.session.id,
        ...(info.rowId ? { stepUp: info.rowId } : {}),
        ...(info.credentialId ? { credentialId: info.credentialId } : {}),
      },
    },
    async (trx) => {
      // A refused attempt spends the step-up: it can never be retried, whatever was wrong.
      if (info.rowId && e.code !== 'STEPUP_USED')
        await stepUpDb(trx)
          .updateTable('access_stepups')
          .set({ used_at: now, outcome: `refused:${e.code}` })
          .where('id', '=', info.rowId)
          .where('used_at', 'is', null)
          .execute();
    },
  );
  await recordAuthFailure(ctx, { address: info.address, personId: info.session.personId }, 'stepup');
}

/**
 * Use the step-up inside the transaction of the change it authorises: marks it used (exactly one
 * caller succeeds), advances the passkey's counter and queues `access.stepup.used` with the
 * evidence. Throws STEPUP_USED if a concurrent request used it first (the change rolls back).
 */
export async function consumeStepUp(ctx: AccessContext, tx: AuditedTx, v: VerifiedStepUp): Promise<void> {
  const now = ctx.clock.now().toISOString();
  const db = stepUpDb(tx.db);
  // The unique assertion_key makes a concurrent second use of the same assertion fail here.
  const dup = await db
    .selectFrom('access_stepups')
    .select('id')
    .where('assertion_key', '=', v.replayKey)
    .executeTakeFirst();
  if (dup) throw new StepUpError('STEPUP_ASSERTION_REPLAYED', 'this passkey assertion was already used once');
  const r = await db
    .updateTable('access_stepups')
    .set({
      used_at: now,
      outcome: 'used',
      credential_id: v.credentialId,
      assertion: canonicalJson(v.evidence),
      assertion_key: v.replayKey,
    })
    .where('id', '=', v.id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) throw new StepUpError('STEPUP_USED', 'this step-up was already used');
  await db
    .updateTable('passkeys')
    .set({ counter: v.newCounter, last_used_at: now })
    .where('id', '=', v.credentialId)
    .execute();
  const user = `user:${v.personId}`;
  tx.audit({
    actor: user,
    action: 'access.stepup.used',
    subject: user,
    payload: { stepUp: v.id, action: v.action, actionHash: v.actionHash, credentialId: v.credentialId },
  });
}

/** Verify and use in one go, in a transaction of its own; clears the person's failure counters. */
export async function verifyAndUseStepUp(
  ctx: AccessContext,
  input: { session: StepUpSession; action: StepUpAction; proof: StepUpProof; address?: string },
): Promise<VerifiedStepUp> {
  const v = await verifyStepUp(ctx, input);
  await ctx.ledger.transact((tx) => consumeStepUp(ctx, tx, v));
  await clearAuthFailures(ctx, { personId: v.personId, credentialId: v.credentialId });
  return v;
}
