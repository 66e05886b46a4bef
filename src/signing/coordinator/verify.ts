/**
 * Checking a group signature the way an outside verifier will: Ed25519 (RFC 8032) with OpenSSL
 * through node:crypto; BIP340 with noble's `schnorr.verify`; secp256k1 (RFC 9591 §6.5) with the
 * suite's own verifier (no other standard exists for it).
 */
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { schnorr } from '@noble/curves/secp256k1.js';
import { base64urlnopad } from '@scure/base';
import type { FrostSuite } from '../frost/index.ts';

export function standardVerify(
  suite: FrostSuite,
  signature: Uint8Array,
  message: Uint8Array,
  verifierKey: Uint8Array,
): boolean {
  try {
    if (suite.name === 'ed25519') {
      const key = createPublicKey({
        key: { kty: 'OKP', crv: 'Ed25519', x: base64urlnopad.encode(verifierKey) },
        format: 'jwk',
      });
      return nodeVerify(null, message, key, signature);
    }
    if (suite.name === 'secp256k1-tr') return schnorr.verify(signature, message, verifierKey);
    return suite.frost.verify(signature, message, verifierKey);
  } catch {
    return false;
  }
}
