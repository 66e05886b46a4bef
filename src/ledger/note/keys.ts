/**
 * Ed25519 note keys (c2sp.org/signed-note, "Ed25519 signatures", "Verifier keys"), in the text
 * formats of golang.org/x/mod/sumdb/note:
 *
 *   signer:   PRIVATE+KEY+<name>+<hex key ID>+base64(0x01 || 32-byte seed)
 *   verifier: <name>+<hex key ID>+base64(0x01 || 32-byte public key)
 *
 * key ID = SHA-256(name || 0x0A || 0x01 || public key)[:4]. The seed lives only inside the
 * signer's closure, never on a property, so a signer object can be logged without leaking it.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import {
  computeKeyId,
  type DecodedKey,
  decodeSignerKey,
  decodeVerifierKey,
  encodeSignerKey,
  encodeVerifierKey,
  isValidKeyName,
  keyInvalid,
  SIG_TYPE_ED25519,
} from './vkey.ts';

/** Anything that can add a signature line to a note (signed-note "Signatures"). */
export interface NoteSigner {
  readonly name: string;
  /** uint32 key ID, written big-endian before the signature. */
  readonly keyId: number;
  /** The signature over the note text (without the key ID prefix). */
  sign(msg: Uint8Array): Uint8Array;
}

/** Anything that can check a signature line of a note. */
export interface NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  /** `sig` is the signature without the 4-byte key ID; false for any bad or malformed signature. */
  verify(msg: Uint8Array, sig: Uint8Array): boolean;
}

export interface Ed25519NoteSigner extends NoteSigner {
  readonly publicKey: Uint8Array;
}

export interface Ed25519NoteVerifier extends NoteVerifier {
  readonly publicKey: Uint8Array;
}

const KEY_BYTES = 32;

/** RFC 8032 verification (strict encodings, not ZIP-215), never throwing. */
export function ed25519Verify(publicKey: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
  if (sig.length !== 64) return false;
  try {
    return ed25519.verify(sig, msg, publicKey, { zip215: false });
  } catch {
    return false;
  }
}

/** Check the type byte and length shared by signer and verifier keys (0x01, 32 bytes). */
export function checkEd25519Material(k: DecodedKey, type: number): void {
  if (k.type !== type) throw keyInvalid(`unsupported signature type 0x${k.type.toString(16)}`, 'algorithm');
  if (k.material.length !== KEY_BYTES) throw keyInvalid('Ed25519 key is not 32 bytes', 'length');
}

/** Check that a 32-byte string is a valid Ed25519 point encoding. */
export function checkEd25519PublicKey(publicKey: Uint8Array): void {
  if (!ed25519.utils.isValidPublicKey(publicKey, false))
    throw keyInvalid('not an Ed25519 public key', 'point');
}

/** A fresh Ed25519 key pair for `name`: the secret signer key string and its verifier key string. */
export function generateSignerKey(name: string): { signerKey: string; verifierKey: string } {
  if (!isValidKeyName(name))
    throw keyInvalid('key name is empty or has a space, plus or control character', 'name');
  const seed = ed25519.utils.randomSecretKey();
  const publicKey = ed25519.getPublicKey(seed);
  const keyId = computeKeyId(name, SIG_TYPE_ED25519, publicKey);
  const signerKey = encodeSignerKey(name, keyId, SIG_TYPE_ED25519, seed);
  seed.fill(0);
  return { signerKey, verifierKey: encodeVerifierKey(name, keyId, SIG_TYPE_ED25519, publicKey) };
}

/** Parse `PRIVATE+KEY+…`; the key ID must match the public key derived from the seed. */
export function parseSignerKey(s: string): Ed25519NoteSigner {
  const k = decodeSignerKey(s);
  checkEd25519Material(k, SIG_TYPE_ED25519);
  const seed = Uint8Array.from(k.material);
  const publicKey = ed25519.getPublicKey(seed);
  if (computeKeyId(k.name, SIG_TYPE_ED25519, publicKey) !== k.keyId) {
    throw keyInvalid('key ID does not match the key', 'key-id');
  }
  return {
    name: k.name,
    keyId: k.keyId,
    publicKey,
    sign: (msg) => ed25519.sign(msg, seed),
  };
}

/** Parse `<name>+<hex id>+base64(0x01 || public key)`; the key ID must match the key. */
export function parseVerifierKey(s: string): Ed25519NoteVerifier {
  const k = decodeVerifierKey(s);
  checkEd25519Material(k, SIG_TYPE_ED25519);
  if (computeKeyId(k.name, SIG_TYPE_ED25519, k.material) !== k.keyId) {
    throw keyInvalid('key ID does not match the key', 'key-id');
  }
  const publicKey = Uint8Array.from(k.material);
  checkEd25519PublicKey(publicKey);
  return {
    name: k.name,
    keyId: k.keyId,
    publicKey,
    verify: (msg, sig) => ed25519Verify(publicKey, msg, sig),
  };
}

/** The verifier key string for a signer (what others configure to trust it). */
export function verifierKeyFor(signer: Ed25519NoteSigner): string {
  return encodeVerifierKey(signer.name, signer.keyId, SIG_TYPE_ED25519, signer.publicKey);
}
