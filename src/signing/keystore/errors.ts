/**
 * The key stores' typed errors. Codes are stable. Messages and details never carry a secret: no
 * PIN, no passphrase, no plaintext, no key bytes (a blob's id and its key label are not secret).
 */
import { type ErrorDetails, RampartError } from '../../core/index.ts';

export const KeyStoreErrorCode = {
  /** Not a blob this code can read: truncated, unknown version or algorithm, parameters out of range. */
  BlobInvalid: 'KEYSTORE_BLOB_INVALID',
  /** The blob does not authenticate: altered bytes, or opened with other additional data. */
  BlobTampered: 'KEYSTORE_BLOB_TAMPERED',
  /** The blob was sealed for another id. */
  BlobWrongId: 'KEYSTORE_BLOB_WRONG_ID',
  /** The blob was sealed by another kind of store, or under another key. */
  BlobWrongStore: 'KEYSTORE_BLOB_WRONG_STORE',
  /** The passphrase does not derive the key the blob was sealed under. */
  PassphraseIncorrect: 'KEYSTORE_PASSPHRASE_INCORRECT',
  /** A passphrase or scrypt parameters below the minimum. */
  PassphraseWeak: 'KEYSTORE_PASSPHRASE_WEAK',
  /** The PKCS#11 module file cannot be found or loaded. */
  ModuleMissing: 'KEYSTORE_PKCS11_MODULE_MISSING',
  /** No token with that label in any slot of the module. */
  TokenNotFound: 'KEYSTORE_TOKEN_NOT_FOUND',
  /** This process already holds a store on that token (PKCS#11 login is per process and token). */
  TokenInUse: 'KEYSTORE_TOKEN_IN_USE',
  PinIncorrect: 'KEYSTORE_PIN_INCORRECT',
  PinLocked: 'KEYSTORE_PIN_LOCKED',
  /** No AES key with that label on the token (and creating one was not asked for). */
  KeyNotFound: 'KEYSTORE_KEY_NOT_FOUND',
  /** More than one AES key with that label on the token. */
  KeyAmbiguous: 'KEYSTORE_KEY_AMBIGUOUS',
  /** The token's key with that label is extractable, not sensitive, not AES-256 or cannot encrypt. */
  KeyUnsafe: 'KEYSTORE_KEY_UNSAFE',
  /** Any other PKCS#11 failure; details.ckr names the return value. */
  Pkcs11Failed: 'KEYSTORE_PKCS11_FAILED',
  Closed: 'KEYSTORE_CLOSED',
} as const;
export type KeyStoreErrorCode = (typeof KeyStoreErrorCode)[keyof typeof KeyStoreErrorCode];

/** Configuration and token problems are the operator's (500); a bad blob is checked data (422). */
const STATUS: Record<KeyStoreErrorCode, number> = {
  KEYSTORE_BLOB_INVALID: 422,
  KEYSTORE_BLOB_TAMPERED: 422,
  KEYSTORE_BLOB_WRONG_ID: 422,
  KEYSTORE_BLOB_WRONG_STORE: 422,
  KEYSTORE_PASSPHRASE_INCORRECT: 500,
  KEYSTORE_PASSPHRASE_WEAK: 500,
  KEYSTORE_PKCS11_MODULE_MISSING: 500,
  KEYSTORE_TOKEN_NOT_FOUND: 500,
  KEYSTORE_TOKEN_IN_USE: 500,
  KEYSTORE_PIN_INCORRECT: 500,
  KEYSTORE_PIN_LOCKED: 500,
  KEYSTORE_KEY_NOT_FOUND: 500,
  KEYSTORE_KEY_AMBIGUOUS: 500,
  KEYSTORE_KEY_UNSAFE: 500,
  KEYSTORE_PKCS11_FAILED: 500,
  KEYSTORE_CLOSED: 500,
};

export function keyStoreError(
  code: KeyStoreErrorCode,
  message: string,
  opts: { details?: ErrorDetails; cause?: unknown } = {},
): RampartError {
  return new RampartError(code, message, { ...opts, status: STATUS[code] });
}
