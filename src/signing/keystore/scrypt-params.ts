/**
 * The passphrase store's key reference (pure): scrypt parameters, salt and a key check value,
 * kept in each blob's header so that the cost can be raised later without breaking old blobs.
 *
 *   u8 log2N ‖ u32 r ‖ u32 p ‖ u8 saltLength ‖ salt ‖ 16-byte check
 *
 * scrypt derives 64 bytes: the first 32 are the AES-256-GCM key; the check value is the first 16
 * bytes of SHA-256(domain ‖ last 32), which tells a wrong passphrase from a tampered blob without
 * helping a guesser (each guess still costs one scrypt).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8 } from '../../core/index.ts';
import { KeyStoreErrorCode, keyStoreError } from './errors.ts';

export interface ScryptParams {
  log2N: number;
  r: number;
  p: number;
}

export interface ScryptKeyRef extends ScryptParams {
  salt: Uint8Array;
  check: Uint8Array;
}

/** The floor asked for (N = 2^15, r = 8, p = 1: 32 MiB per derivation). */
export const MIN_SCRYPT: ScryptParams = { log2N: 15, r: 8, p: 1 };
export const DEFAULT_SCRYPT: ScryptParams = { log2N: 17, r: 8, p: 1 };
/** A blob may not make us spend more than this memory (128·r·N bytes) or parallelism. */
const MAX_MEMORY = 1 << 30;
const MAX_P = 16;
export const SALT_LENGTH = 16;
export const CHECK_LENGTH = 16;
export const DERIVED_LENGTH = 64;
const CHECK_DOMAIN = utf8('rampart/keystore/passphrase-check\0');

/** Whether parameters are within [MIN_SCRYPT, the memory and parallelism caps]; returns a reason if not. */
export function scryptParamsProblem(s: ScryptParams): string | undefined {
  if (!Number.isInteger(s.log2N) || !Number.isInteger(s.r) || !Number.isInteger(s.p))
    return 'scrypt parameters must be integers';
  if (s.log2N < MIN_SCRYPT.log2N || s.r < MIN_SCRYPT.r || s.p < MIN_SCRYPT.p)
    return `scrypt parameters below the minimum N=2^${MIN_SCRYPT.log2N}, r=${MIN_SCRYPT.r}, p=${MIN_SCRYPT.p}`;
  if (s.log2N > 30 || 128 * s.r * 2 ** s.log2N > MAX_MEMORY || s.p > MAX_P)
    return 'scrypt parameters above the limit (1 GiB, p ≤ 16)';
  return undefined;
}

export function encodeScryptKeyRef(k: ScryptKeyRef): Uint8Array {
  const problem = scryptParamsProblem(k);
  if (problem) throw keyStoreError(KeyStoreErrorCode.PassphraseWeak, problem);
  const head = new Uint8Array(10);
  const v = new DataView(head.buffer);
  v.setUint8(0, k.log2N);
  v.setUint32(1, k.r);
  v.setUint32(5, k.p);
  v.setUint8(9, k.salt.length);
  return concatBytes(head, k.salt, k.check);
}

export function decodeScryptKeyRef(b: Uint8Array): ScryptKeyRef {
  const bad = (m: string) => keyStoreError(KeyStoreErrorCode.BlobInvalid, m);
  if (b.length < 10) throw bad('scrypt key reference is truncated');
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const log2N = v.getUint8(0);
  const r = v.getUint32(1);
  const p = v.getUint32(5);
  const saltLength = v.getUint8(9);
  if (saltLength < SALT_LENGTH || b.length !== 10 + saltLength + CHECK_LENGTH)
    throw bad('scrypt key reference has a bad length');
  const problem = scryptParamsProblem({ log2N, r, p });
  if (problem) throw bad(problem);
  return {
    log2N,
    r,
    p,
    salt: b.slice(10, 10 + saltLength),
    check: b.slice(10 + saltLength),
  };
}

/** Splits scrypt's 64-byte output into the AES key (a view) and the check value. */
export function splitDerived(derived: Uint8Array): { key: Uint8Array; check: Uint8Array } {
  if (derived.length !== DERIVED_LENGTH) throw new TypeError('derived key must be 64 bytes');
  const input = concatBytes(CHECK_DOMAIN, derived.subarray(32));
  const check = sha256(input).slice(0, CHECK_LENGTH);
  input.fill(0);
  return { key: derived.subarray(0, 32), check };
}
