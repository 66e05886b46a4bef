/** Turns a pkcs11js failure into a typed key store error (pure). */
import type { RampartError } from '../../core/index.ts';
import { KeyStoreErrorCode, keyStoreError } from './errors.ts';

/** The CKR_* name of a pkcs11js Pkcs11Error (its message is the name), or undefined. */
export function ckrName(e: unknown): string | undefined {
  if (e instanceof Error && /^CKR_[A-Z0-9_]+$/.test(e.message)) return e.message;
  return undefined;
}

const BY_CKR: Record<string, [KeyStoreErrorCode, string]> = {
  CKR_PIN_INCORRECT: [KeyStoreErrorCode.PinIncorrect, 'the token refused the PIN'],
  CKR_PIN_LEN_RANGE: [KeyStoreErrorCode.PinIncorrect, 'the token refused the PIN'],
  CKR_PIN_INVALID: [KeyStoreErrorCode.PinIncorrect, 'the token refused the PIN'],
  CKR_PIN_LOCKED: [KeyStoreErrorCode.PinLocked, 'the token PIN is locked'],
  CKR_USER_PIN_NOT_INITIALIZED: [KeyStoreErrorCode.PinIncorrect, 'the token has no user PIN'],
  CKR_USER_ALREADY_LOGGED_IN: [
    KeyStoreErrorCode.TokenInUse,
    'this process is already logged in to the token',
  ],
  // GCM tag mismatch: SoftHSM2 reports CKR_ENCRYPTED_DATA_INVALID, others may use the next two.
  CKR_ENCRYPTED_DATA_INVALID: [KeyStoreErrorCode.BlobTampered, 'the sealed blob does not authenticate'],
  CKR_ENCRYPTED_DATA_LEN_RANGE: [KeyStoreErrorCode.BlobTampered, 'the sealed blob does not authenticate'],
  CKR_AEAD_DECRYPT_FAILED: [KeyStoreErrorCode.BlobTampered, 'the sealed blob does not authenticate'],
  CKR_TOKEN_NOT_PRESENT: [KeyStoreErrorCode.TokenNotFound, 'the token is not present'],
  CKR_DEVICE_REMOVED: [KeyStoreErrorCode.TokenNotFound, 'the token was removed'],
};

/** `during` says what was being done (e.g. "C_Login"); it goes into details, with the CKR name. */
export function pkcs11Error(e: unknown, during: string): RampartError {
  const ckr = ckrName(e);
  const known = ckr === undefined ? undefined : BY_CKR[ckr];
  if (known) return keyStoreError(known[0], known[1], { details: { ckr, during }, cause: e });
  return keyStoreError(KeyStoreErrorCode.Pkcs11Failed, `PKCS#11 ${during} failed${ckr ? ` (${ckr})` : ''}`, {
    details: { ckr: ckr ?? null, during },
    cause: e,
  });
}

/**
 * A failed C_Decrypt of a well-formed blob under AES-GCM is a tag mismatch. SoftHSM2 2.6 reports
 * it as CKR_GENERAL_ERROR (OpenSSL's EVP_DecryptFinal fails), so that counts as tampering here,
 * and only here; the CKR name stays in details.
 */
export function decryptError(e: unknown): RampartError {
  const ckr = ckrName(e);
  if (ckr === 'CKR_GENERAL_ERROR' || ckr === 'CKR_FUNCTION_FAILED')
    return keyStoreError(KeyStoreErrorCode.BlobTampered, 'the sealed blob does not authenticate', {
      details: { ckr, during: 'C_Decrypt' },
      cause: e,
    });
  return pkcs11Error(e, 'C_Decrypt');
}
