/**
 * Ed25519 for RFC 9421 (§3.3.6, algorithm name `ed25519`): the signature base bytes are signed
 * as is with the raw 32-byte key (RFC 8032 §5.1). Adapters between @noble/curves and the
 * library's Signer / Verifier interfaces.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import type { SignerSync, Verifier } from 'http-message-sig';
import { InvalidInputError } from '../../core/index.ts';

export const ED25519 = 'ed25519';

function checkKey(key: Uint8Array, what: string): void {
  if (!(key instanceof Uint8Array) || key.length !== 32)
    throw new InvalidInputError('SIGNATURE_KEY_INVALID', `an Ed25519 ${what} key is 32 bytes`);
}

export function ed25519Signer(privateKey: Uint8Array): SignerSync {
  checkKey(privateKey, 'private');
  return { algorithm: ED25519, sign: (data) => ed25519.sign(data, privateKey) };
}

export function ed25519Verifier(publicKey: Uint8Array): Verifier {
  checkKey(publicKey, 'public');
  return {
    algorithm: ED25519,
    verify(data, signature) {
      if (signature.length !== 64) return false;
      try {
        // zip215: false is RFC 8032's strict verification (no non-canonical encodings).
        return ed25519.verify(signature, data, publicKey, { zip215: false });
      } catch {
        return false;
      }
    },
  };
}

/** The public key of a 32-byte Ed25519 private key. */
export function ed25519PublicKey(privateKey: Uint8Array): Uint8Array {
  checkKey(privateKey, 'private');
  return ed25519.getPublicKey(privateKey);
}
