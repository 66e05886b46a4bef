/**
 * What a step-up assertion signs (pure; runs in the browser and in tests alike).
 *
 * An action is a small flat JSON object naming exactly what is being done, for example
 *   { "action": "custody.request.approve", "requestId": "req_…", "digest": "<64 hex>" }.
 * The WebAuthn challenge is SHA-256 over the RFC 8785 canonical JSON of the step-up statement
 *   { "action": <the action>, "nonce": <base64url, 16 random bytes>,
 *     "session": <session id>, "type": "rampart.stepup.v1" }
 * so the authenticator's signature (WebAuthn §6.3.3: over authenticatorData ‖ SHA-256(clientDataJSON),
 * and clientDataJSON carries the challenge) covers that exact action, for that session. The nonce
 * keeps challenges unique and unpredictable as WebAuthn §13.4.3 requires: two step-ups for the same
 * action never share a challenge, so an old assertion can never answer a new one.
 */
import { base64urlnopad } from '@scure/base';
import { canonicalJsonBytes, sha256 } from '../../core/index.ts';
import { StepUpError } from './errors.ts';

export type StepUpAction = { action: string } & Record<string, string | number | boolean | null>;

export const STATEMENT_TYPE = 'rampart.stepup.v1';

export interface StepUpStatement {
  action: StepUpAction;
  nonce: string;
  session: string;
  type: typeof STATEMENT_TYPE;
}

const NAME = /^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)+$/;
const MAX_FIELDS = 16;
const MAX_TEXT = 512;

/** Checks an action's shape; throws STEPUP_ACTION_INVALID naming what is wrong. */
export function checkAction(v: unknown): StepUpAction {
  const bad = (why: string) => new StepUpError('STEPUP_ACTION_INVALID', `step-up action: ${why}`);
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad('expected a JSON object');
  const o = v as Record<string, unknown>;
  if (typeof o['action'] !== 'string' || !NAME.test(o['action']))
    throw bad('"action" must be a dotted lowercase name such as custody.request.approve');
  const keys = Object.keys(o);
  if (keys.length > MAX_FIELDS) throw bad(`at most ${MAX_FIELDS} fields`);
  for (const k of keys) {
    const x = o[k];
    if (k.length > 64) throw bad(`field name ${k.slice(0, 64)}… is too long`);
    if (
      typeof x === 'string'
        ? x.length > MAX_TEXT
        : x !== null && typeof x !== 'boolean' && !Number.isSafeInteger(x)
    )
      throw bad(
        `"${k}" must be a string (at most ${MAX_TEXT} characters), a safe integer, a boolean or null`,
      );
  }
  return o as StepUpAction;
}

export function stepUpStatement(action: StepUpAction, nonce: string, session: string): StepUpStatement {
  return { action, nonce, session, type: STATEMENT_TYPE };
}

/** The WebAuthn challenge bytes: SHA-256 of the statement's canonical JSON. */
export function statementHash(s: StepUpStatement): Uint8Array {
  return sha256(canonicalJsonBytes(s));
}

/** The challenge as it appears in the options and in clientDataJSON (base64url, no padding). */
export function statementChallenge(s: StepUpStatement): string {
  return base64urlnopad.encode(statementHash(s));
}

/** SHA-256 (base64url) of the action alone: names the action in the ledger without repeating it. */
export function actionHash(a: StepUpAction): string {
  return base64urlnopad.encode(sha256(canonicalJsonBytes(a)));
}
