/** Checks shared by the stores before sealing (pure). */
import { MAX_PLAINTEXT_LENGTH } from './blob.ts';
import { KeyStoreErrorCode, keyStoreError } from './errors.ts';

export function checkPlaintext(plaintext: Uint8Array): void {
  if (!(plaintext instanceof Uint8Array) || plaintext.length === 0 || plaintext.length > MAX_PLAINTEXT_LENGTH)
    throw keyStoreError(
      KeyStoreErrorCode.BlobInvalid,
      `a sealed value must be 1 to ${MAX_PLAINTEXT_LENGTH} bytes`,
    );
}
