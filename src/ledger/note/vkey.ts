/**
 * Key names, key IDs and the text encodings of note keys (c2sp.org/signed-note, "Signatures",
 * "Verifier keys"), independent of the signature algorithm:
 *
 *   verifier key: <name>+hex(key ID)+base64(signature type || public key)
 *   signer key:   PRIVATE+KEY+<name>+hex(key ID)+base64(signature type || private key)
 *
 * The signer-key form is the one of golang.org/x/mod/sumdb/note (GenerateKey / NewSigner).
 * key ID = SHA-256(name || 0x0A || signature type || public key)[:4], read big-endian.
 */
import {
  base64ToBytes,
  bytesToBase64,
  concatBytes,
  InvalidInputError,
  sha256,
  utf8,
} from '../../core/index.ts';

/** Signature type identifier bytes (signed-note, "Signature types"). */
export const SIG_TYPE_ED25519 = 0x01;
export const SIG_TYPE_COSIGNATURE_V1 = 0x04;

/**
 * signed-note "Format": key names MUST be non-empty and contain no Unicode spaces and no `+`.
 * We also refuse control characters and unpaired surrogates, which could never appear in a
 * well-formed note (it must be valid UTF-8 with no control character but newline).
 */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\p{White_Space}+\p{Cs}]/u.test(name) && !hasControlChar(name);
}

/** True if `s` has a character below U+0020 (signed-note "Format" allows only newline, in text). */
export function hasControlChar(s: string, allowNewline = false): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 && !(allowNewline && c === 0x0a)) return true;
  }
  return false;
}

/** signed-note "Signatures": SHA-256(name || 0x0A || type || public key)[:4] as a uint32. */
export function computeKeyId(name: string, type: number, publicKey: Uint8Array): number {
  const h = sha256(concatBytes(utf8(name), Uint8Array.of(0x0a, type), publicKey));
  return new DataView(h.buffer, h.byteOffset, 4).getUint32(0, false);
}

/** The fixed-length lowercase hex of a key ID (signed-note "Conventions"). */
export function formatKeyId(keyId: number): string {
  return (keyId >>> 0).toString(16).padStart(8, '0');
}

/** A key string split into its parts; nothing about the algorithm is checked yet. */
export interface DecodedKey {
  name: string;
  keyId: number;
  /** The signature type byte. */
  type: number;
  /** The key material after the type byte (public key, or private seed for signer keys). */
  material: Uint8Array;
}

export function keyInvalid(message: string, reason: string): InvalidInputError {
  return new InvalidInputError('NOTE_KEY_INVALID', message, { reason });
}

function cut(s: string): [string, string | undefined] {
  const i = s.indexOf('+');
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

function decodeParts(name: string, hex: string | undefined, b64: string | undefined): DecodedKey {
  if (!isValidKeyName(name))
    throw keyInvalid('key name is empty or has a space, plus or control character', 'name');
  if (hex === undefined || b64 === undefined) throw keyInvalid('key is not name+id+key', 'shape');
  if (!/^[0-9a-f]{8}$/.test(hex)) throw keyInvalid('key ID is not 8 lowercase hex digits', 'key-id');
  let raw: Uint8Array;
  try {
    raw = base64ToBytes(b64);
  } catch {
    throw keyInvalid('key material is not standard base64', 'base64');
  }
  if (raw.length < 2) throw keyInvalid('key material is empty', 'length');
  return { name, keyId: Number.parseInt(hex, 16), type: raw[0]!, material: raw.subarray(1) };
}

/** Split `<name>+<hex id>+<base64(type || key)>` (signed-note "Verifier keys"). */
export function decodeVerifierKey(s: string): DecodedKey {
  const [name, rest] = cut(s);
  const [hex, b64] = rest === undefined ? [undefined, undefined] : cut(rest);
  return decodeParts(name, hex, b64);
}

/** Split `PRIVATE+KEY+<name>+<hex id>+<base64(type || private key)>`. */
export function decodeSignerKey(s: string): DecodedKey {
  if (!s.startsWith('PRIVATE+KEY+')) throw keyInvalid('signer key does not start with PRIVATE+KEY+', 'shape');
  return decodeVerifierKey(s.slice('PRIVATE+KEY+'.length));
}

export function encodeVerifierKey(name: string, keyId: number, type: number, publicKey: Uint8Array): string {
  if (!isValidKeyName(name))
    throw keyInvalid('key name is empty or has a space, plus or control character', 'name');
  return `${name}+${formatKeyId(keyId)}+${bytesToBase64(concatBytes(Uint8Array.of(type), publicKey))}`;
}

export function encodeSignerKey(name: string, keyId: number, type: number, privateKey: Uint8Array): string {
  return `PRIVATE+KEY+${encodeVerifierKey(name, keyId, type, privateKey)}`;
}
