/**
 * AES-256-GCM in the process, for the passphrase store (the PKCS#11 store encrypts in the token).
 * node:crypto (OpenSSL, AES-NI, constant time) rather than a JS cipher: key stores only run in
 * Node (signer nodes), and this adds no dependency.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { NONCE_LENGTH, TAG_LENGTH } from './blob.ts';
import { KeyStoreErrorCode, keyStoreError } from './errors.ts';

/** Returns ciphertext ‖ 16-byte tag. */
export function aesGcmSeal(
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
): Uint8Array {
  if (key.length !== 32 || nonce.length !== NONCE_LENGTH)
    throw new TypeError('AES-256-GCM: bad key or nonce');
  const c = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_LENGTH });
  c.setAAD(aad);
  const out = new Uint8Array(plaintext.length + TAG_LENGTH);
  const body = c.update(plaintext);
  const fin = c.final();
  out.set(body, 0);
  out.set(fin, body.length);
  out.set(c.getAuthTag(), plaintext.length);
  return out;
}

/** Returns the plaintext (the caller zeroes it), or throws KEYSTORE_BLOB_TAMPERED. */
export function aesGcmOpen(
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  sealed: Uint8Array,
): Uint8Array {
  if (key.length !== 32 || nonce.length !== NONCE_LENGTH)
    throw new TypeError('AES-256-GCM: bad key or nonce');
  const n = sealed.length - TAG_LENGTH;
  const d = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_LENGTH });
  d.setAAD(aad);
  d.setAuthTag(sealed.subarray(n));
  const body = d.update(sealed.subarray(0, n));
  try {
    d.final();
  } catch (cause) {
    body.fill(0);
    throw keyStoreError(KeyStoreErrorCode.BlobTampered, 'the sealed blob does not authenticate', { cause });
  }
  const out = new Uint8Array(n);
  out.set(body);
  body.fill(0);
  return out;
}
