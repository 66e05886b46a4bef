/** Errors a signer node answers with (stable codes; never a secret in message or details). */
import { type ErrorDetails, RampartError } from '../../core/index.ts';

/** A state conflict: a session or nonce already used, a ceremony in another state (HTTP 409). */
export class ConflictError extends RampartError {
  override readonly name = 'ConflictError';
  constructor(code: string, message: string, details?: ErrorDetails) {
    super(code, message, { details, status: 409 });
  }
}
