/**
 * Typed errors. Every error Rampart raises on purpose is a RampartError with a stable,
 * machine-readable `code` (SCREAMING_SNAKE, never renamed once released), a human message,
 * optional structured `details` (never secrets) and an optional `cause`.
 */
export type ErrorDetails = Record<string, unknown>;

export class RampartError extends Error {
  override readonly name: string = 'RampartError';
  readonly code: string;
  readonly details: ErrorDetails | undefined;
  /** HTTP status the server maps this error to. */
  readonly status: number;

  constructor(
    code: string,
    message: string,
    opts: { details?: ErrorDetails; cause?: unknown; status?: number } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.details = opts.details;
    this.status = opts.status ?? 400;
  }

  /** The only shape an error ever leaves the process in: no stack, no cause. */
  toJSON(): { code: string; message: string; details?: ErrorDetails } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** Bad input from a caller: an API body, a query, a CLI argument, a file. */
export class InvalidInputError extends RampartError {
  override readonly name = 'InvalidInputError';
  constructor(code: string, message: string, details?: ErrorDetails) {
    super(code, message, { details, status: 400 });
  }
}

export class NotFoundError extends RampartError {
  override readonly name = 'NotFoundError';
  constructor(code: string, message: string, details?: ErrorDetails) {
    super(code, message, { details, status: 404 });
  }
}

/** Something that was checked and does not hold: a bad signature, a proof that does not verify. */
export class VerificationError extends RampartError {
  override readonly name = 'VerificationError';
  constructor(code: string, message: string, details?: ErrorDetails) {
    super(code, message, { details, status: 422 });
  }
}

export class ConfigError extends RampartError {
  override readonly name = 'ConfigError';
  constructor(message: string, details?: ErrorDetails) {
    super('CONFIG_INVALID', message, { details, status: 500 });
  }
}

export function isRampartError(e: unknown): e is RampartError {
  return e instanceof RampartError;
}
