/**
 * What every key store does: seal a secret (a FROST share, a nonce) for an id and a purpose, and
 * open it again. Implementations: PKCS#11 (./pkcs11-store.ts), passphrase (./passphrase-store.ts).
 */
import { type BlobAlgorithm, type DecodedBlob, decodeBlob, type SealedBlob } from './blob.ts';
import { KeyStoreErrorCode, keyStoreError } from './errors.ts';

export interface KeyStore {
  readonly kind: 'pkcs11' | 'passphrase';
  /**
   * Encrypts `plaintext` for `id`; `aad` names the purpose (e.g. utf8("frost-share/ed25519")) and
   * must be given again to open. The store neither keeps nor zeroes `plaintext`: the caller does.
   */
  seal(id: string, plaintext: Uint8Array, aad: Uint8Array): Promise<SealedBlob>;
  /**
   * Decrypts a blob sealed for `id` with the same `aad`. The result is a fresh buffer the caller
   * owns and must zero (`result.fill(0)`) as soon as it is used.
   * Refuses with KEYSTORE_BLOB_WRONG_ID, KEYSTORE_BLOB_WRONG_STORE, KEYSTORE_BLOB_TAMPERED,
   * KEYSTORE_BLOB_INVALID, KEYSTORE_PASSPHRASE_INCORRECT.
   */
  open(id: string, blob: SealedBlob, aad: Uint8Array): Promise<Uint8Array>;
  /** Releases the key (zeroes derived keys, logs out of the token). Idempotent. */
  close(): Promise<void>;
}

/** Decodes a blob and checks it was sealed for `id` by a store of this algorithm. */
export function decodeBlobFor(blob: Uint8Array, id: string, algorithm: BlobAlgorithm): DecodedBlob {
  const d = decodeBlob(blob);
  if (d.id !== id)
    throw keyStoreError(KeyStoreErrorCode.BlobWrongId, 'the sealed blob belongs to another id', {
      details: { id, blobId: d.id },
    });
  if (d.algorithm !== algorithm)
    throw keyStoreError(
      KeyStoreErrorCode.BlobWrongStore,
      'the sealed blob was made by another kind of key store',
      {
        details: { algorithm: d.algorithm, expected: algorithm },
      },
    );
  return d;
}
