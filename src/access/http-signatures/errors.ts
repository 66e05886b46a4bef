/**
 * Refusals of a signed service request (RFC 9421 §3.2 verification, RFC 9530 digests, replay).
 * Each refusal has a stable code; the message is generic per code so that nothing about why a
 * request failed leaks to the caller beyond the code. The precise reason is kept in `reason`
 * (for the server's log), never in `details` or the message, which are what leave the process.
 */
import { RampartError } from '../../core/index.ts';

export const SIGNATURE_REFUSAL_CODES = [
  'SIGNATURE_MISSING',
  'SIGNATURE_MALFORMED',
  'SIGNATURE_UNKNOWN_KEY',
  'SIGNATURE_INVALID',
  'SIGNATURE_COMPONENT_MISSING',
  'SIGNATURE_EXPIRED',
  'SIGNATURE_FROM_FUTURE',
  'SIGNATURE_NONCE_MISSING',
  'SIGNATURE_REPLAYED',
  'CONTENT_DIGEST_MISMATCH',
  'CONTENT_DIGEST_MISSING',
] as const;

export type SignatureRefusalCode = (typeof SIGNATURE_REFUSAL_CODES)[number];

const MESSAGES: Record<SignatureRefusalCode, string> = {
  SIGNATURE_MISSING: 'the request is not signed',
  SIGNATURE_MALFORMED: 'the request signature is malformed',
  SIGNATURE_UNKNOWN_KEY: 'the request is signed with an unknown key',
  SIGNATURE_INVALID: 'the request signature does not verify',
  SIGNATURE_COMPONENT_MISSING: 'the request signature does not cover a required component',
  SIGNATURE_EXPIRED: 'the request signature has expired',
  SIGNATURE_FROM_FUTURE: 'the request signature was created in the future',
  SIGNATURE_NONCE_MISSING: 'the request signature has no nonce',
  SIGNATURE_REPLAYED: 'the request has already been received',
  CONTENT_DIGEST_MISMATCH: 'the request content does not match its digest',
  CONTENT_DIGEST_MISSING: 'the request content is not covered by a digest',
};

/** A signed request refused: HTTP 401, a stable code, a generic message, the reason kept for logs. */
export class SignatureRefusal extends RampartError {
  override readonly name = 'SignatureRefusal';
  override readonly code: SignatureRefusalCode;
  /** Why, in detail: for the server's log only (never serialised by toJSON). */
  readonly reason: string;

  constructor(code: SignatureRefusalCode, reason: string, opts: { cause?: unknown } = {}) {
    super(code, MESSAGES[code], { status: 401, cause: opts.cause });
    this.code = code;
    this.reason = reason;
  }
}

export function refuse(code: SignatureRefusalCode, reason: string, cause?: unknown): never {
  throw new SignatureRefusal(code, reason, { cause });
}

export function isSignatureRefusal(e: unknown): e is SignatureRefusal {
  return e instanceof SignatureRefusal;
}
