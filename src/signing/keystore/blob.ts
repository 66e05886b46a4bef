/**
 * The sealed blob: one stable, versioned binary layout for every key store (pure, no I/O).
 *
 * Version 1, integers big-endian:
 *
 *   offset  size  field
 *   0       1     version = 0x01
 *   1       1     algorithm: 0x01 = AES-256-GCM under a PKCS#11 token key,
 *                            0x02 = AES-256-GCM under a key derived with scrypt from a passphrase
 *   2       2     idLength, then idLength bytes: the id (UTF-8) the blob was sealed for
 *   …       2     keyRefLength, then keyRefLength bytes: which key, per algorithm
 *                   0x01: the token key's CKA_LABEL (UTF-8)
 *                   0x02: the scrypt parameters, salt and key check value (./scrypt-params.ts)
 *   …       12    nonce (GCM IV), fresh and random for every seal
 *   …       n+16  ciphertext followed by the 16-byte GCM tag
 *
 * Everything before the ciphertext is the header. The GCM additional data is
 * `"rampart/keystore/v1\0" ‖ u32 len(aad) ‖ aad ‖ header`, so the tag covers the version, the
 * algorithm, the id, the key reference and the nonce as well as the caller's additional data
 * (the purpose, e.g. "frost-share/ed25519"): a blob moved to another id or another purpose, or with
 * its parameters edited, does not open. The id is also readable in clear so that a blob for
 * another id is reported as such (it is not secret), before any decryption.
 *
 * A new layout gets a new version byte; version 1 stays readable.
 */
import { concatBytes, fromUtf8, utf8 } from '../../core/index.ts';
import { KeyStoreErrorCode, keyStoreError } from './errors.ts';

export const BLOB_VERSION = 1;
export const NONCE_LENGTH = 12;
export const TAG_LENGTH = 16;
export const MAX_PLAINTEXT_LENGTH = 1 << 20;

export const BlobAlgorithm = { Pkcs11AesGcm: 1, ScryptAesGcm: 2 } as const;
export type BlobAlgorithm = (typeof BlobAlgorithm)[keyof typeof BlobAlgorithm];

/** The encoded bytes of a sealed value: store them as they are. */
export type SealedBlob = Uint8Array;

export interface BlobFields {
  algorithm: BlobAlgorithm;
  id: string;
  keyRef: Uint8Array;
  nonce: Uint8Array;
}

export interface DecodedBlob extends BlobFields {
  version: number;
  /** The bytes the GCM additional data covers (version through nonce). */
  header: Uint8Array;
  /** Ciphertext followed by the tag. */
  sealed: Uint8Array;
}

const AAD_DOMAIN = utf8('rampart/keystore/v1\0');

function u16(n: number): Uint8Array {
  return new Uint8Array([n >>> 8, n & 0xff]);
}

function u32(n: number): Uint8Array {
  return new Uint8Array([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
}

function invalid(message: string): never {
  throw keyStoreError(KeyStoreErrorCode.BlobInvalid, message);
}

/** Checks an id before sealing: non-empty UTF-8, at most 65535 bytes. */
export function checkId(id: string): Uint8Array {
  const b = utf8(id);
  if (b.length === 0 || b.length > 0xffff) invalid('a key store id must be 1 to 65535 bytes of UTF-8');
  return b;
}

export function encodeHeader(f: BlobFields): Uint8Array {
  const id = checkId(f.id);
  if (f.keyRef.length > 0xffff) invalid('key reference too long');
  if (f.nonce.length !== NONCE_LENGTH) invalid(`nonce must be ${NONCE_LENGTH} bytes`);
  return concatBytes(
    new Uint8Array([BLOB_VERSION, f.algorithm]),
    u16(id.length),
    id,
    u16(f.keyRef.length),
    f.keyRef,
    f.nonce,
  );
}

export function encodeBlob(header: Uint8Array, sealed: Uint8Array): SealedBlob {
  return concatBytes(header, sealed);
}

/** The additional data given to AES-GCM: domain, the caller's aad (length-prefixed), the header. */
export function gcmAad(header: Uint8Array, aad: Uint8Array): Uint8Array {
  return concatBytes(AAD_DOMAIN, u32(aad.length), aad, header);
}

export function decodeBlob(blob: Uint8Array): DecodedBlob {
  let o = 0;
  const need = (n: number): void => {
    if (o + n > blob.length) invalid('sealed blob is truncated');
  };
  const readU16 = (): number => {
    need(2);
    const v = (blob[o]! << 8) | blob[o + 1]!;
    o += 2;
    return v;
  };
  const take = (n: number): Uint8Array => {
    need(n);
    const v = blob.slice(o, o + n);
    o += n;
    return v;
  };
  need(2);
  const version = blob[0]!;
  const algorithm = blob[1]!;
  o = 2;
  if (version !== BLOB_VERSION) invalid(`unknown sealed blob version ${version}`);
  if (algorithm !== BlobAlgorithm.Pkcs11AesGcm && algorithm !== BlobAlgorithm.ScryptAesGcm)
    invalid(`unknown sealed blob algorithm ${algorithm}`);
  let id: string;
  try {
    id = fromUtf8(take(readU16()));
  } catch (e) {
    if (e instanceof TypeError) invalid('sealed blob id is not UTF-8');
    throw e;
  }
  const keyRef = take(readU16());
  const nonce = take(NONCE_LENGTH);
  const header = blob.slice(0, o);
  const sealed = blob.slice(o);
  if (sealed.length < TAG_LENGTH) invalid('sealed blob is truncated');
  return { version, algorithm, id, keyRef, nonce, header, sealed };
}
