/**
 * A key store backed by a PKCS#11 token (SoftHSM2 in tests, any module in production).
 *
 * Binding: `pkcs11js` (Peculiar Ventures), not `graphene-pk11`. graphene is an object layer over
 * pkcs11js itself; we need a dozen calls with exact templates and the raw CK_GCM_PARAMS, which
 * pkcs11js exposes one-to-one, so one native dependency and no layer between us and the token.
 *
 * The share is encrypted in the token with CKM_AES_GCM under an AES-256 key that never leaves it
 * (./pkcs11-key.ts); the IV is 12 fresh random bytes per seal from the OS CSPRNG (NIST SP 800-38D
 * allows 2^32 random 96-bit IVs per key; a node seals a handful of shares and nonces), and the GCM
 * additional data binds the blob to its id and purpose (./blob.ts).
 * SoftHSM2's RFC 5649 wrap-with-padding is not used (its mechanism code is non-standard).
 *
 * Calls are synchronous (a few microseconds for 32 bytes in SoftHSM2) so that an encrypt or
 * decrypt operation never interleaves with another on the one session. Plaintext returned by
 * open() is a buffer the caller zeroes; buffers we fill are zeroed (best effort: the token and
 * the binding may hold copies we cannot reach).
 */
import { randomBytes } from 'node:crypto';
import pkcs11js from 'pkcs11js';
import { utf8 } from '../../core/index.ts';
import {
  BlobAlgorithm,
  encodeBlob,
  encodeHeader,
  gcmAad,
  NONCE_LENGTH,
  type SealedBlob,
  TAG_LENGTH,
} from './blob.ts';
import { checkPlaintext } from './checks.ts';
import { KeyStoreErrorCode, keyStoreError } from './errors.ts';
import { decodeBlobFor, type KeyStore } from './keystore.ts';
import { decryptError, pkcs11Error } from './pkcs11-errors.ts';
import { findOrCreateKey } from './pkcs11-key.ts';
import { acquireModule, type Handle, type ModuleLease, type Pkcs11 } from './pkcs11-module.ts';

export const SOFTHSM2_MODULE = '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so';

export interface Pkcs11KeyStoreOptions {
  /** Path of the PKCS#11 module (.so). */
  module: string;
  /** CKA_LABEL of the token (as given to `softhsm2-util --init-token --label`). */
  tokenLabel: string;
  /** The user PIN. Never logged, never in an error. */
  pin: string;
  /** CKA_LABEL of the AES-256 sealing key on the token. */
  keyLabel: string;
  /** Generate the key in the token when none has that label (provisioning); default false. */
  createKey?: boolean;
}

function findSlot(lib: Pkcs11, tokenLabel: string): Handle {
  let slots: Handle[];
  try {
    slots = lib.C_GetSlotList(true);
  } catch (e) {
    throw pkcs11Error(e, 'C_GetSlotList');
  }
  for (const slot of slots) {
    let info: pkcs11js.TokenInfo;
    try {
      info = lib.C_GetTokenInfo(slot);
    } catch {
      continue;
    }
    const initialized = (info.flags & pkcs11js.CKF_TOKEN_INITIALIZED) !== 0;
    if (initialized && info.label.trimEnd() === tokenLabel) return slot;
  }
  throw keyStoreError(
    KeyStoreErrorCode.TokenNotFound,
    `no initialised PKCS#11 token is labelled "${tokenLabel}"`,
    {
      details: { tokenLabel },
    },
  );
}

function view(b: Uint8Array): Buffer {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

export class Pkcs11KeyStore implements KeyStore {
  readonly kind = 'pkcs11' as const;
  /** Whether connect() generated the key (first provisioning). */
  readonly createdKey: boolean;
  readonly keyLabel: string;
  #lease: ModuleLease | undefined;
  readonly #session: Handle;
  readonly #key: Handle;

  private constructor(lease: ModuleLease, session: Handle, key: Handle, keyLabel: string, created: boolean) {
    this.#lease = lease;
    this.#session = session;
    this.#key = key;
    this.keyLabel = keyLabel;
    this.createdKey = created;
  }

  /** Loads the module, finds the token, logs in, finds (or creates) the key. */
  static async connect(opts: Pkcs11KeyStoreOptions): Promise<Pkcs11KeyStore> {
    const lease = acquireModule(opts.module);
    const lib = lease.lib;
    let session: Handle | undefined;
    let loggedIn = false;
    try {
      const slot = findSlot(lib, opts.tokenLabel);
      lease.claimSlot(slot);
      try {
        session = lib.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
      } catch (e) {
        throw pkcs11Error(e, 'C_OpenSession');
      }
      try {
        lib.C_Login(session, pkcs11js.CKU_USER, opts.pin);
      } catch (e) {
        throw pkcs11Error(e, 'C_Login');
      }
      loggedIn = true;
      const { key, created } = findOrCreateKey(lib, session, opts.keyLabel, opts.createKey ?? false);
      return new Pkcs11KeyStore(lease, session, key, opts.keyLabel, created);
    } catch (e) {
      if (session) {
        try {
          if (loggedIn) lib.C_Logout(session);
          lib.C_CloseSession(session);
        } catch {}
      }
      lease.release();
      throw e;
    }
  }

  #lib(): Pkcs11 {
    if (!this.#lease) throw keyStoreError(KeyStoreErrorCode.Closed, 'the key store is closed');
    return this.#lease.lib;
  }

  #mechanism(nonce: Uint8Array, aad: Uint8Array): pkcs11js.Mechanism {
    // CK_GCM_PARAMS as in PKCS#11 v2.40 errata / v3.0 (with ulIvBits), which SoftHSM2 2.6 implements.
    const parameter: pkcs11js.GcmParams = {
      type: pkcs11js.CK_PARAMS_GCM,
      iv: Buffer.from(nonce),
      ivBits: NONCE_LENGTH * 8,
      aad: Buffer.from(aad),
      tagBits: TAG_LENGTH * 8,
    };
    return { mechanism: pkcs11js.CKM_AES_GCM, parameter };
  }

  async seal(id: string, plaintext: Uint8Array, aad: Uint8Array): Promise<SealedBlob> {
    checkPlaintext(plaintext);
    const lib = this.#lib();
    const nonce = new Uint8Array(randomBytes(NONCE_LENGTH));
    const header = encodeHeader({
      algorithm: BlobAlgorithm.Pkcs11AesGcm,
      id,
      keyRef: utf8(this.keyLabel),
      nonce,
    });
    let sealed: Buffer;
    try {
      lib.C_EncryptInit(this.#session, this.#mechanism(nonce, gcmAad(header, aad)), this.#key);
      sealed = lib.C_Encrypt(this.#session, view(plaintext), Buffer.alloc(plaintext.length + TAG_LENGTH));
    } catch (e) {
      throw pkcs11Error(e, 'C_Encrypt');
    }
    return encodeBlob(header, sealed);
  }

  async open(id: string, blob: SealedBlob, aad: Uint8Array): Promise<Uint8Array> {
    const lib = this.#lib();
    const b = decodeBlobFor(blob, id, BlobAlgorithm.Pkcs11AesGcm);
    const keyLabel = new TextDecoder().decode(b.keyRef);
    if (keyLabel !== this.keyLabel)
      throw keyStoreError(
        KeyStoreErrorCode.BlobWrongStore,
        'the sealed blob was made under another token key',
        {
          details: { keyLabel: this.keyLabel, blobKeyLabel: keyLabel },
        },
      );
    const out = Buffer.alloc(b.sealed.length);
    let plain: Buffer;
    try {
      lib.C_DecryptInit(this.#session, this.#mechanism(b.nonce, gcmAad(b.header, aad)), this.#key);
    } catch (e) {
      throw pkcs11Error(e, 'C_DecryptInit');
    }
    try {
      plain = lib.C_Decrypt(this.#session, view(b.sealed), out);
    } catch (e) {
      out.fill(0);
      throw decryptError(e);
    }
    const result = new Uint8Array(plain.length);
    result.set(plain);
    out.fill(0);
    return result;
  }

  async close(): Promise<void> {
    const lease = this.#lease;
    if (!lease) return;
    this.#lease = undefined;
    try {
      lease.lib.C_Logout(this.#session);
    } catch {}
    try {
      lease.lib.C_CloseSession(this.#session);
    } catch {}
    lease.release();
  }
}
