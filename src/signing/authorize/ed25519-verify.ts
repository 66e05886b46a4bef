/**
 * Ed25519 verification of approvals (RFC 8032 §5.1.7), strict: a non-canonical or small-order
 * public key is refused. Every node checks every approval of every share it releases, so on Node
 * the check goes to OpenSSL (core/ed25519-openssl.ts, which still loads in a browser), about 15×
 * faster than JavaScript; elsewhere @noble/curves verifies
 * (zip215: false, the same strict rule). Prepared keys (checked and imported) are kept in a small
 * map keyed by their bytes: public data only.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex, ed25519KeyObject, nodeCrypto, opensslVerify } from '../../core/index.ts';

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
  const key = ed25519KeyObject(publicKey);
  return (m, s) => opensslVerify(key, m, s);
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
