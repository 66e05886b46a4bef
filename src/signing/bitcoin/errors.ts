/** Typed errors of the Bitcoin module; codes are stable. */
import { InvalidInputError, VerificationError } from '../../core/index.ts';

export type BitcoinInputCode =
  | 'BTC_NETWORK_UNKNOWN'
  | 'BTC_KEY_INVALID'
  | 'BTC_UTXO_INVALID'
  | 'BTC_OUTPUT_INVALID'
  | 'BTC_PSBT_INVALID'
  | 'BTC_PREVOUT_MISSING'
  | 'BTC_INPUT_NOT_TAPROOT'
  | 'BTC_INPUT_INDEX_INVALID'
  | 'BTC_FEE_INVALID';

export type BitcoinVerifyCode = 'BTC_KEY_MISMATCH' | 'BTC_SIGNATURE_INVALID' | 'BTC_WITNESS_INVALID';

export function bitcoinInput(code: BitcoinInputCode, message: string, details?: Record<string, unknown>) {
  return new InvalidInputError(code, message, details);
}

export function bitcoinVerify(code: BitcoinVerifyCode, message: string, details?: Record<string, unknown>) {
  return new VerificationError(code, message, details);
}

/** The library's own error text, for `details` (never carries a secret: inputs here are public). */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
