/**
 * Issuing a step-up: WebAuthn authentication options whose challenge is the hash of the exact
 * action (see statement.ts), for one session, offering only the person's own live passkeys, user
 * verification required, valid for STEPUP_TTL_MS and once. Issuing is a ledger entry.
 */
import {
  generateAuthenticationOptions,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import { canonicalJson } from '../../core/index.ts';
import type { AccessContext } from '../people/index.ts';
import { newId } from '../people/secrets.ts';
import { actionChallenge, actionChallengeBytes, checkAction } from './statement.ts';
import { stepUpDb } from './tables.ts';

/** How long a step-up can be answered: short, a person at the screen answers within seconds. */
export const STEPUP_TTL_MS = 3 * 60_000;
/** Used and expired step-ups are kept this long (so a replay is reported as such), then deleted. */
const KEEP_MS = 24 * 3600_000;

export interface StepUpSession {
  /** The session id (public handle, not the cookie secret). */
  id: string;
  personId: string;
}

export interface IssuedStepUp {
  challengeId: string;
  options: PublicKeyCredentialRequestOptionsJSON;
  /** base64url SHA-256 of the action's canonical JSON: the challenge. */
  actionHash: string;
  expiresAt: string;
}

export async function issueStepUp(
  ctx: AccessContext,
  session: StepUpSession,
  rawAction: unknown,
): Promise<IssuedStepUp> {
  const action = checkAction(rawAction);
  const db = stepUpDb(ctx.ledger.store.db);
  const keys = await db
    .selectFrom('passkeys')
    .select(['id', 'transports'])
    .where('person_id', '=', session.personId)
    .where('revoked_at', 'is', null)
    .execute();
  const options = await generateAuthenticationOptions({
    rpID: ctx.relyingParty().id,
    challenge: new Uint8Array(actionChallengeBytes(action)),
    userVerification: 'required',
    timeout: STEPUP_TTL_MS,
    allowCredentials: keys.map((k) => ({ id: k.id, transports: JSON.parse(k.transports) as never })),
  });
  const id = newId('su');
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + STEPUP_TTL_MS).toISOString();
  const hash = actionChallenge(action);
  await ctx.ledger.record(
    {
      actor: `user:${session.personId}`,
      action: 'access.stepup.issued',
      subject: `user:${session.personId}`,
      payload: { stepUp: id, action: action.action, actionHash: hash, session: session.id, expiresAt },
    },
    async (trx) => {
      await stepUpDb(trx)
        .deleteFrom('access_stepups')
        .where('expires_at', '<', new Date(now.getTime() - KEEP_MS).toISOString())
        .execute();
      await stepUpDb(trx)
        .insertInto('access_stepups')
        .values({
          id,
          person_id: session.personId,
          session_id: session.id,
          action_name: action.action,
          action: canonicalJson(action),
          challenge: hash,
          created_at: now.toISOString(),
          expires_at: expiresAt,
          used_at: null,
          outcome: null,
          credential_id: null,
          assertion: null,
          assertion_key: null,
        })
        .execute();
    },
  );
  return { challengeId: id, options, actionHash: hash, expiresAt };
}
