/**
 * Why a signer node refuses to contribute a share. Every refusal is a RampartError with its own
 * stable code, so a test (and an operator) can tell a forged approval from a stale policy.
 */
import { RampartError } from '../../core/index.ts';

export const REFUSAL_CODES = {
  /** the request does not parse (shape, encodings) */
  SIGNING_REQUEST_INVALID: 400,
  /** the request was made under another policy version than the node's current one */
  SIGNING_POLICY_STALE: 409,
  /** this request id (and part) was already signed by this node (outside the retry window, or other bytes) */
  SIGNING_REQUEST_REPLAYED: 409,
  /** the bytes the node was asked to sign are not the message recomputed from the approved request */
  SIGNING_MESSAGE_MISMATCH: 422,
  /** the digest recomputed from the raw payload is not the digest the request says was approved */
  SIGNING_DIGEST_MISMATCH: 422,
  /** the node's own analysis of the payload says deny */
  SIGNING_ANALYSIS_DENIED: 403,
  /** the node's own evaluation of its current policy says deny */
  SIGNING_POLICY_DENIED: 403,
  /** the payload does not spend / belong to the key the node holds */
  SIGNING_KEY_MISMATCH: 422,
  /** an approval names a principal the node has not enrolled */
  APPROVER_NOT_ENROLLED: 403,
  /** two approvals from the same principal */
  APPROVAL_DUPLICATE_APPROVER: 403,
  /** an approval covers another digest than the one recomputed here */
  APPROVAL_DIGEST_MISMATCH: 403,
  /** an approval's signature (or passkey assertion) does not verify with the approver's enrolled keys */
  APPROVAL_SIGNATURE_INVALID: 403,
  /** enough approvals, but not enough from approvers holding the required role */
  APPROVER_ROLE_MISSING: 403,
  /** fewer distinct valid approvals than the policy requires */
  APPROVAL_QUORUM_NOT_MET: 403,
} as const;

export type RefusalCode = keyof typeof REFUSAL_CODES;

export class SigningRefusedError extends RampartError {
  override readonly name = 'SigningRefusedError';
  constructor(code: RefusalCode, message: string, details?: Record<string, unknown>) {
    super(code, message, { status: REFUSAL_CODES[code], ...(details ? { details } : {}) });
  }
}

export function refuse(code: RefusalCode, message: string, details?: Record<string, unknown>): never {
  throw new SigningRefusedError(code, message, details);
}
