/**
 * Ed25519 verification of approvals (RFC 8032 §5.1.7), strict: a non-canonical or small-order
 * public key is refused. Every node checks every approval of every share it releases, so on Node
 * the check goes to OpenSSL (node:crypto, reached through `process.getBuiltinModule` so this file
 * still loads in a browser), about 15× faster than JavaScript; elsewhere @noble/curves verifies
 * (zip215: false, the same strict rule). Prepared keys (checked and imported) are kept in a small
 * map keyed by their bytes: public data only.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex } from '../../core/index.ts';

type NodeCrypto = typeof import('node:crypto');
const nodeCrypto = (
  globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
).process?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined;

// DER SubjectPublicKeyInfo prefix for an Ed25519 key (RFC 8410 §4).
const SPKI_ED25519_PREFIX = Uint8Array.from([
  0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
]);

type Check = (message: Uint8Array, signature: Uint8Array) => boolean;
const MAX_KEYS = 1024;
const prepared = new Map<string, Check>();

function prepare(publicKey: Uint8Array): Check {
  try {
    const point = ed25519.Point.fromBytes(publicKey);
    if (point.isSmallOrder()) return () => false;
  } catch {
    return () => false;
  }
  if (!nodeCrypto) return (m, s) => ed25519.verify(s, m, publicKey, { zip215: false });
  const der = new Uint8Array(SPKI_ED25519_PREFIX.length + 32);
  der.set(SPKI_ED25519_PREFIX);
  der.set(publicKey, SPKI_ED25519_PREFIX.length);
  const key = nodeCrypto.createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' });
  return (m, s) => nodeCrypto.verify(null, m, key, s);
}

/** False for anything that does not verify or is malformed; never throws. */
export function verifyEd25519(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  const id = bytesToHex(publicKey);
  let check = prepared.get(id);
  if (!check) {
    check = prepare(publicKey);
    if (prepared.size >= MAX_KEYS) prepared.delete(prepared.keys().next().value!);
    prepared.set(id, check);
  }
  try {
    return check(message, signature);
  } catch {
    return false;
  }
}
