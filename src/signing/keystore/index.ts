/** Sealed storage for secrets at rest (FROST shares, signing nonces): PKCS#11 or passphrase. */
export {
  BLOB_VERSION,
  BlobAlgorithm,
  type DecodedBlob,
  decodeBlob,
  MAX_PLAINTEXT_LENGTH,
  type SealedBlob,
} from './blob.ts';
export { KeyStoreErrorCode } from './errors.ts';
export type { KeyStore } from './keystore.ts';
export { PassphraseKeyStore, type PassphraseKeyStoreOptions } from './passphrase-store.ts';
export { Pkcs11KeyStore, type Pkcs11KeyStoreOptions, SOFTHSM2_MODULE } from './pkcs11-store.ts';
export { DEFAULT_SCRYPT, MIN_SCRYPT, type ScryptParams } from './scrypt-params.ts';
