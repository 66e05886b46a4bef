/**
 * OpenSSL's Ed25519 (node:crypto) where there is one: about 15× faster than JavaScript on this
 * project's machine (0.08 ms against 1.3 ms per check). node:crypto is reached through
 * `process.getBuiltinModule`, so that what imports this file still loads in a browser, where
 * `nodeCrypto` is undefined and @noble/curves does the work.
 *
 * Keys are imported as is: the caller refuses what strict RFC 8032 refuses (a non-canonical or
 * small-order key) before its bytes come here, since OpenSSL's check alone does not.
 */
import type { KeyObject } from 'node:crypto';

type NodeCrypto = typeof import('node:crypto');

/** node:crypto, or undefined outside Node. */
export const nodeCrypto = (
  globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
).process?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined;

/** RFC 8410 §4: an Ed25519 SubjectPublicKeyInfo is this DER prefix, then the raw 32-byte key. */
const SPKI_ED25519_PREFIX = Uint8Array.from([
  0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
]);

/** The OpenSSL key for a raw 32-byte Ed25519 public key (Node only). */
export function ed25519KeyObject(publicKey: Uint8Array): KeyObject {
  if (!nodeCrypto) throw new Error('OpenSSL (node:crypto) is not available here');
  if (publicKey.length !== 32) throw new RangeError('an Ed25519 public key is 32 bytes');
  const der = new Uint8Array(SPKI_ED25519_PREFIX.length + 32);
  der.set(SPKI_ED25519_PREFIX);
  der.set(publicKey, SPKI_ED25519_PREFIX.length);
  return nodeCrypto.createPublicKey({ key: Buffer.from(der.buffer), format: 'der', type: 'spki' });
}

/** OpenSSL's check of an Ed25519 signature: false, never a throw, for anything malformed. */
export function opensslVerify(key: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    return nodeCrypto!.verify(null, data, key, signature);
  } catch {
    return false;
  }
}
