/**
 * A key store without an HSM: AES-256-GCM under a key derived with scrypt (@noble/hashes) from a
 * passphrase. The scrypt parameters and salt travel in each blob (./scrypt-params.ts), so the cost
 * can be raised later and old blobs still open. One salt per store instance: blobs sealed by one
 * instance share one derived key (random 96-bit nonces keep GCM safe far beyond the number of
 * shares a node seals). Derived keys are cached per salt and parameters (the last
 * eight), and the cached ones are zeroed on close.
 *
 * Zeroing is best effort: JS strings (a passphrase given as a string) cannot be wiped, and the
 * engine may have copied buffers; give the passphrase as bytes to let close() wipe our copy.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { scryptAsync } from '@noble/hashes/scrypt.js';
import { bytesToHex, utf8 } from '../../core/index.ts';
import { aesGcmOpen, aesGcmSeal } from './aes-gcm.ts';
import { BlobAlgorithm, encodeBlob, encodeHeader, gcmAad, NONCE_LENGTH, type SealedBlob } from './blob.ts';
import { checkPlaintext } from './checks.ts';
import { KeyStoreErrorCode, keyStoreError } from './errors.ts';
import { decodeBlobFor, type KeyStore } from './keystore.ts';
import {
  DEFAULT_SCRYPT,
  DERIVED_LENGTH,
  decodeScryptKeyRef,
  encodeScryptKeyRef,
  SALT_LENGTH,
  type ScryptParams,
  scryptParamsProblem,
  splitDerived,
} from './scrypt-params.ts';

export interface PassphraseKeyStoreOptions {
  /** At least 8 characters (or bytes). Bytes are copied and the copy is zeroed on close. */
  passphrase: string | Uint8Array;
  /** Cost for new seals; default N = 2^17, r = 8, p = 1; at least N = 2^15, r = 8, p = 1. */
  scrypt?: ScryptParams;
}

interface Derived {
  key: Uint8Array;
  check: Uint8Array;
  derived: Uint8Array;
}

const MIN_PASSPHRASE = 8;
const CACHE_SIZE = 8;

export class PassphraseKeyStore implements KeyStore {
  readonly kind = 'passphrase' as const;
  #passphrase: Uint8Array | undefined;
  readonly #params: ScryptParams;
  readonly #salt = new Uint8Array(randomBytes(SALT_LENGTH));
  readonly #cache = new Map<string, Promise<Derived>>();

  constructor(opts: PassphraseKeyStoreOptions) {
    const pass =
      typeof opts.passphrase === 'string' ? utf8(opts.passphrase.normalize('NFC')) : opts.passphrase.slice();
    if (pass.length < MIN_PASSPHRASE) {
      pass.fill(0);
      throw keyStoreError(
        KeyStoreErrorCode.PassphraseWeak,
        `a passphrase needs at least ${MIN_PASSPHRASE} characters`,
      );
    }
    const params = opts.scrypt ?? DEFAULT_SCRYPT;
    const problem = scryptParamsProblem(params);
    if (problem) {
      pass.fill(0);
      throw keyStoreError(KeyStoreErrorCode.PassphraseWeak, problem);
    }
    this.#passphrase = pass;
    this.#params = { ...params };
  }

  async seal(id: string, plaintext: Uint8Array, aad: Uint8Array): Promise<SealedBlob> {
    checkPlaintext(plaintext);
    const d = await this.#derive(this.#params, this.#salt);
    const keyRef = encodeScryptKeyRef({ ...this.#params, salt: this.#salt, check: d.check });
    const nonce = new Uint8Array(randomBytes(NONCE_LENGTH));
    const header = encodeHeader({ algorithm: BlobAlgorithm.ScryptAesGcm, id, keyRef, nonce });
    return encodeBlob(header, aesGcmSeal(d.key, nonce, gcmAad(header, aad), plaintext));
  }

  async open(id: string, blob: SealedBlob, aad: Uint8Array): Promise<Uint8Array> {
    const b = decodeBlobFor(blob, id, BlobAlgorithm.ScryptAesGcm);
    const ref = decodeScryptKeyRef(b.keyRef);
    const d = await this.#derive(ref, ref.salt);
    if (!timingSafeEqual(d.check, ref.check))
      throw keyStoreError(
        KeyStoreErrorCode.PassphraseIncorrect,
        'the passphrase does not open this sealed blob',
      );
    return aesGcmOpen(d.key, b.nonce, gcmAad(b.header, aad), b.sealed);
  }

  async close(): Promise<void> {
    const pending = [...this.#cache.values()];
    this.#cache.clear();
    this.#passphrase?.fill(0);
    this.#passphrase = undefined;
    for (const p of pending) (await p.catch(() => undefined))?.derived.fill(0);
  }

  #derive(params: ScryptParams, salt: Uint8Array): Promise<Derived> {
    const pass = this.#passphrase;
    if (!pass) return Promise.reject(keyStoreError(KeyStoreErrorCode.Closed, 'the key store is closed'));
    const cacheKey = `${params.log2N}/${params.r}/${params.p}/${bytesToHex(salt)}`;
    let hit = this.#cache.get(cacheKey);
    if (hit) {
      // Most recently used last.
      this.#cache.delete(cacheKey);
      this.#cache.set(cacheKey, hit);
      return hit;
    }
    hit = scryptAsync(pass, salt, {
      N: 2 ** params.log2N,
      r: params.r,
      p: params.p,
      dkLen: DERIVED_LENGTH,
    }).then((derived) => ({ ...splitDerived(derived), derived }));
    this.#cache.set(cacheKey, hit);
    hit.catch(() => this.#cache.delete(cacheKey));
    // An evicted key may still be in use by a pending seal or open, so it is not zeroed here.
    while (this.#cache.size > CACHE_SIZE) this.#cache.delete(this.#cache.keys().next().value as string);
    return hit;
  }
}
