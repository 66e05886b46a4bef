/**
 * The access module's refusals: one stable code each. Messages say what was refused, never why in
 * cryptographic detail (that goes to the server log).
 */
import { RampartError } from '../../core/index.ts';

export type AccessErrorCode =
  | 'ENROLLMENT_TOKEN_INVALID'
  | 'ENROLLMENT_TOKEN_USED'
  | 'ENROLLMENT_TOKEN_EXPIRED'
  | 'ENROLLMENT_CLOSED'
  | 'CHALLENGE_UNKNOWN'
  | 'CHALLENGE_USED'
  | 'CHALLENGE_EXPIRED'
  | 'CHALLENGE_MISMATCH'
  | 'CREDENTIAL_UNKNOWN'
  | 'CREDENTIAL_REVOKED'
  | 'CREDENTIAL_EXISTS'
  | 'ASSERTION_INVALID'
  | 'ATTESTATION_INVALID'
  | 'PERSON_INACTIVE'
  | 'SESSION_INVALID'
  | 'SESSION_EXPIRED'
  | 'SESSION_REVOKED'
  | 'CSRF_TOKEN_INVALID'
  | 'PASSKEY_NOT_FOUND'
  | 'PASSKEY_LAST'
  | 'INVITATION_INVALID'
  | 'INVITATION_PRIVILEGED';

const STATUS: Record<AccessErrorCode, number> = {
  ENROLLMENT_TOKEN_INVALID: 401,
  ENROLLMENT_TOKEN_USED: 401,
  ENROLLMENT_TOKEN_EXPIRED: 401,
  ENROLLMENT_CLOSED: 409,
  CHALLENGE_UNKNOWN: 401,
  CHALLENGE_USED: 401,
  CHALLENGE_EXPIRED: 401,
  CHALLENGE_MISMATCH: 401,
  CREDENTIAL_UNKNOWN: 401,
  CREDENTIAL_REVOKED: 401,
  CREDENTIAL_EXISTS: 409,
  ASSERTION_INVALID: 401,
  ATTESTATION_INVALID: 400,
  PERSON_INACTIVE: 401,
  SESSION_INVALID: 401,
  SESSION_EXPIRED: 401,
  SESSION_REVOKED: 401,
  CSRF_TOKEN_INVALID: 403,
  PASSKEY_NOT_FOUND: 404,
  PASSKEY_LAST: 409,
  INVITATION_INVALID: 400,
  INVITATION_PRIVILEGED: 403,
};

export class AccessError extends RampartError {
  override readonly name = 'AccessError';
  declare readonly code: AccessErrorCode;
  constructor(code: AccessErrorCode, message: string, opts: { cause?: unknown } = {}) {
    super(code, message, { status: STATUS[code], ...opts });
  }
}

export function isAccessError(e: unknown): e is AccessError {
  return e instanceof AccessError;
}
