/**
 * Ed25519 cosigner keys (c2sp.org/tlog-cosignature, "Format"): the vkey format of signed-note
 * with signature type 0x04, and the key ID
 *
 *   SHA-256(name || "\n" || 0x04 || 32-byte Ed25519 cosigner public key)[:4]
 *
 * Signer keys use the same PRIVATE+KEY+<name>+<id>+base64(0x04 || seed) layout as note keys.
 * Only type 0x04 is accepted: a note key (0x01) is not silently reused as a cosigner key.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import {
  cosignatureMessage,
  decodeTimestampedSignature,
  encodeTimestampedSignature,
} from './cosignature-message.ts';
import { checkEd25519Material, checkEd25519PublicKey, ed25519Verify, type NoteVerifier } from './keys.ts';
import {
  computeKeyId,
  decodeSignerKey,
  decodeVerifierKey,
  encodeSignerKey,
  encodeVerifierKey,
  isValidKeyName,
  keyInvalid,
  SIG_TYPE_COSIGNATURE_V1,
} from './vkey.ts';

/** A witness (cosigner) key able to produce timestamped_signature values. */
export interface Cosigner {
  readonly name: string;
  /** Key ID with type byte 0x04. */
  readonly keyId: number;
  readonly publicKey: Uint8Array;
  /** timestamped_signature (8-byte time || 64-byte Ed25519) over the v1 message for `body`. */
  cosign(body: string, timeSeconds: number): Uint8Array;
}

/**
 * Verifies v1 cosignatures. As a NoteVerifier, `verify(text, sig)` takes the note text and the
 * timestamped_signature, so cosignatures can be checked with openNote like any note signature.
 */
export interface CosignerVerifier extends NoteVerifier {
  readonly publicKey: Uint8Array;
}

/** A fresh cosigner key pair: the secret signer key string and its verifier key string. */
export function generateCosignerKey(name: string): { signerKey: string; verifierKey: string } {
  if (!isValidKeyName(name))
    throw keyInvalid('key name is empty or has a space, plus or control character', 'name');
  const seed = ed25519.utils.randomSecretKey();
  const publicKey = ed25519.getPublicKey(seed);
  const keyId = computeKeyId(name, SIG_TYPE_COSIGNATURE_V1, publicKey);
  const signerKey = encodeSignerKey(name, keyId, SIG_TYPE_COSIGNATURE_V1, seed);
  seed.fill(0);
  return { signerKey, verifierKey: encodeVerifierKey(name, keyId, SIG_TYPE_COSIGNATURE_V1, publicKey) };
}

/** Parse a cosigner signer key `PRIVATE+KEY+<name>+<id>+base64(0x04 || seed)`. */
export function parseCosignerKey(s: string): Cosigner {
  const k = decodeSignerKey(s);
  checkEd25519Material(k, SIG_TYPE_COSIGNATURE_V1);
  const seed = Uint8Array.from(k.material);
  const publicKey = ed25519.getPublicKey(seed);
  if (computeKeyId(k.name, SIG_TYPE_COSIGNATURE_V1, publicKey) !== k.keyId) {
    throw keyInvalid('key ID does not match the key', 'key-id');
  }
  return {
    name: k.name,
    keyId: k.keyId,
    publicKey,
    cosign: (body, timeSeconds) =>
      encodeTimestampedSignature(timeSeconds, ed25519.sign(cosignatureMessage(body, timeSeconds), seed)),
  };
}

/** Parse a cosigner verifier key `<name>+<id>+base64(0x04 || public key)`. */
export function parseCosignerVerifierKey(s: string): CosignerVerifier {
  const k = decodeVerifierKey(s);
  checkEd25519Material(k, SIG_TYPE_COSIGNATURE_V1);
  if (computeKeyId(k.name, SIG_TYPE_COSIGNATURE_V1, k.material) !== k.keyId) {
    throw keyInvalid('key ID does not match the key', 'key-id');
  }
  const publicKey = Uint8Array.from(k.material);
  checkEd25519PublicKey(publicKey);
  return {
    name: k.name,
    keyId: k.keyId,
    publicKey,
    verify(msg, sig) {
      const ts = decodeTimestampedSignature(sig);
      if (ts === undefined) return false;
      return ed25519Verify(publicKey, cosignatureMessage(msg, ts.timestamp), ts.signature);
    },
  };
}

/** The verifier key string for a cosigner (what log clients configure to trust it). */
export function cosignerVerifierKeyFor(cosigner: Cosigner): string {
  return encodeVerifierKey(cosigner.name, cosigner.keyId, SIG_TYPE_COSIGNATURE_V1, cosigner.publicKey);
}
