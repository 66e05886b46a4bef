/**
 * Step-up refusals: one stable code each, so a caller (and a test) can tell a replay from an
 * assertion made for another action. Messages say what was refused, never cryptographic detail
 * (that goes to the server log and the ledger's `access.stepup.refused` entry).
 */
import { RampartError } from '../../core/index.ts';

export type StepUpErrorCode =
  /** The route needs a step-up and none came with the request (or there is no console session). */
  | 'STEPUP_REQUIRED'
  /** The action to step up for is not a small flat JSON object with an `action` name. */
  | 'STEPUP_ACTION_INVALID'
  | 'STEPUP_UNKNOWN'
  /** Issued to another session: a step-up is answered from the session that asked for it. */
  | 'STEPUP_SESSION_MISMATCH'
  /** Valid once: this step-up was already used (or refused). */
  | 'STEPUP_USED'
  | 'STEPUP_EXPIRED'
  /** The action being executed is not the one the step-up was issued for (another request or digest). */
  | 'STEPUP_ACTION_MISMATCH'
  /** The assertion answers another challenge than the step-up named with it. */
  | 'STEPUP_CHALLENGE_MISMATCH'
  | 'STEPUP_CREDENTIAL_UNKNOWN'
  /** A passkey of another person. */
  | 'STEPUP_WRONG_PERSON'
  | 'STEPUP_CREDENTIAL_REVOKED'
  /** The signature, origin, RP id or user-verification flag does not verify. */
  | 'STEPUP_ASSERTION_INVALID'
  /** This very assertion was accepted before (for an earlier step-up of the same action). */
  | 'STEPUP_ASSERTION_REPLAYED';

const STATUS: Record<StepUpErrorCode, number> = {
  STEPUP_REQUIRED: 403,
  STEPUP_ACTION_INVALID: 400,
  STEPUP_UNKNOWN: 403,
  STEPUP_SESSION_MISMATCH: 403,
  STEPUP_USED: 403,
  STEPUP_EXPIRED: 403,
  STEPUP_ACTION_MISMATCH: 403,
  STEPUP_CHALLENGE_MISMATCH: 403,
  STEPUP_CREDENTIAL_UNKNOWN: 403,
  STEPUP_WRONG_PERSON: 403,
  STEPUP_CREDENTIAL_REVOKED: 403,
  STEPUP_ASSERTION_INVALID: 403,
  STEPUP_ASSERTION_REPLAYED: 403,
};

export class StepUpError extends RampartError {
  override readonly name = 'StepUpError';
  declare readonly code: StepUpErrorCode;
  constructor(
    code: StepUpErrorCode,
    message: string,
    opts: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(code, message, { status: STATUS[code], ...opts });
  }
}

export function isStepUpError(e: unknown): e is StepUpError {
  return e instanceof StepUpError;
}
