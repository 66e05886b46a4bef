/**
 * What a step-up assertion signs (pure; runs in the browser, in signer nodes and in tests alike).
 *
 * An action is a small flat JSON object naming exactly what is being done, for example
 *   { "action": "custody.request.approve", "requestId": "req_…", "digest": "<64 hex>" }.
 * The WebAuthn challenge is SHA-256 over the action's RFC 8785 canonical JSON. The authenticator's
 * signature (WebAuthn §6.3.3: over authenticatorData ‖ SHA-256(clientDataJSON), and clientDataJSON
 * carries the challenge) therefore covers that exact action, and anyone can recompute the challenge
 * from the action alone: for an approval it is SHA-256 of custody's canonical approval message
 * (custody/requests/approval.ts), which signer nodes check independently.
 *
 * A challenge derived from the action is not random, so freshness comes from the server instead
 * (WebAuthn §13.4.3): a step-up is issued to one session, expires, is used once, and an assertion
 * once accepted is never accepted again (replayKey below), even for a new step-up of the same action.
 */
import { p256 } from '@noble/curves/nist.js';
import { base64urlnopad } from '@scure/base';
import { canonicalJsonBytes, concatBytes, sha256, utf8 } from '../../core/index.ts';
import { StepUpError } from './errors.ts';

export type StepUpAction = { action: string } & Record<string, string | number | boolean | null>;

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

/** The WebAuthn challenge bytes: SHA-256 of the action's canonical JSON. */
export function actionChallengeBytes(a: StepUpAction): Uint8Array {
  return sha256(canonicalJsonBytes(a));
}

/** The challenge as it appears in the options and in clientDataJSON (base64url, no padding). */
export function actionChallenge(a: StepUpAction): string {
  return base64urlnopad.encode(actionChallengeBytes(a));
}

const N = p256.Point.Fn.ORDER;

/**
 * What makes an accepted assertion unique: the credential and its signature, with an ECDSA
 * signature's s normalised to the low half (an (r, s) signature is equally valid as (r, n−s), so a
 * captured assertion could otherwise come back with a "new" signature). EdDSA signatures are not
 * malleable; other formats are taken as bytes.
 */
export function replayKey(credentialId: string, signatureB64url: string): string {
  let sig = base64urlnopad.decode(signatureB64url.replace(/=+$/, ''));
  if (sig[0] === 0x30) {
    try {
      const s = p256.Signature.fromBytes(sig, 'der');
      const low = s.s > N / 2n ? N - s.s : s.s;
      sig = concatBytes(utf8('p256:'), bigint32(s.r), bigint32(low));
    } catch {
      // not a P-256 DER signature: keep the bytes
    }
  }
  return base64urlnopad.encode(sha256(concatBytes(utf8(`${credentialId}\u0000`), sig)));
}

function bigint32(x: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 31; i >= 0; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}
