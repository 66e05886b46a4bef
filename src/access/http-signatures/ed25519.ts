/**
 * Ed25519 for RFC 9421 (§3.3.6, algorithm name `ed25519`): the signature base bytes are signed
 * as is with the raw 32-byte key (RFC 8032 §5.1). Adapters between @noble/curves and the
 * library's Signer / Verifier interfaces.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import type { SignerSync, Verifier } from 'http-message-sig';
import { ed25519KeyObject, InvalidInputError, nodeCrypto, opensslVerify } from '../../core/index.ts';
import { ED25519 } from './algorithm.ts';
import {
  checkSpinMicros,
  DEFAULT_SPIN_MICROS,
  Ed25519VerifyPool,
  verifyPoolAvailable,
} from './verify-pool.ts';

export { ED25519 };

function checkKey(key: Uint8Array, what: string): void {
  if (!(key instanceof Uint8Array) || key.length !== 32)
    throw new InvalidInputError('SIGNATURE_KEY_INVALID', `an Ed25519 ${what} key is 32 bytes`);
}

export function ed25519Signer(privateKey: Uint8Array): SignerSync {
  checkKey(privateKey, 'private');
  return { algorithm: ED25519, sign: (data) => ed25519.sign(data, privateKey) };
}

/**
 * On Node, verification goes to OpenSSL (core/ed25519-openssl.ts), which is what lets a server
 * check every service request; in the browser @noble/curves does the work. Keys are checked with
 * noble (canonical, not of small order) before either verifies with them.
 */

type NativeVerify = (data: Uint8Array, signature: Uint8Array) => boolean | Promise<boolean>;

/** The process's verification workers (verify-pool.ts), started with the first check. */
let pool: Ed25519VerifyPool | undefined;
/** `access.verifyWorkerSpinMicros` (setVerifyWorkerSpin), for the workers of that pool. */
let spinMicros = DEFAULT_SPIN_MICROS;

/** What a key strict RFC 8032 refuses verifies: nothing. */
const REFUSE_ALL: NativeVerify = () => false;

function nativeVerify(publicKey: Uint8Array): NativeVerify | undefined {
  if (!nodeCrypto) return undefined;
  try {
    // Refuse what strict RFC 8032 refuses: a non-canonical or small-order public key.
    const point = ed25519.Point.fromBytes(publicKey);
    if (point.isSmallOrder()) return REFUSE_ALL;
  } catch {
    return REFUSE_ALL;
  }
  if (verifyPoolAvailable) {
    // OpenSSL on worker threads of our own, off the event loop (see verify-pool.ts for why).
    const key = publicKey.slice();
    return (data, signature) => {
      pool ??= new Ed25519VerifyPool({ spinMicros });
      return pool.verify(key, data, signature);
    };
  }
  const key = ed25519KeyObject(publicKey);
  return (data, signature) => opensslVerify(key, data, signature);
}

/**
 * Checking a public key (point decompression in JavaScript) and importing it into OpenSSL cost
 * several times the signature check itself, and a service signs every request with the same key:
 * prepared keys are kept, keyed by their bytes, in a small least-recently-used map. Only public data
 * is cached; a revoked key never reaches this point (the lookup refuses it first).
 */
const PREPARED_KEYS_MAX = 1024;
const preparedKeys = new Map<string, NativeVerify | undefined>();

function preparedVerify(publicKey: Uint8Array) {
  const id = Buffer.from(publicKey).toString('hex');
  if (preparedKeys.has(id)) {
    const hit = preparedKeys.get(id);
    preparedKeys.delete(id);
    preparedKeys.set(id, hit);
    return hit;
  }
  const native = nativeVerify(publicKey);
  if (preparedKeys.size >= PREPARED_KEYS_MAX) preparedKeys.delete(preparedKeys.keys().next().value!);
  preparedKeys.set(id, native);
  return native;
}

/**
 * The verification workers, for reading whole signed requests off the event loop
 * (verify-pool.ts checkRequest); undefined where there are none (a browser).
 */
export function requestCheckPool(): Ed25519VerifyPool | undefined {
  if (!nodeCrypto || !verifyPoolAvailable) return undefined;
  pool ??= new Ed25519VerifyPool({ spinMicros });
  return pool;
}

/** Whether setVerifyWorkerSpin has been called (a server set the value from its configuration). */
let spinConfigured = false;

/**
 * How long the process's verification workers look for more work before sleeping, µs
 * (`access.verifyWorkerSpinMicros`): for workers started later and those running now.
 *
 * The workers are the process's, shared by every server in it (one per core is what they are
 * sized for), so the value is too: a second server configured differently changes the first one's
 * workers. That is said once, as a process warning (RAMPART_VERIFY_SPIN_CHANGED), rather than
 * silently.
 */
export function setVerifyWorkerSpin(micros: number): void {
  checkSpinMicros(micros);
  if (spinConfigured && micros !== spinMicros)
    globalThis.process?.emitWarning(
      `the verification workers' spin time changes from ${spinMicros} to ${micros} µs for every server in this process`,
      {
        code: 'RAMPART_VERIFY_SPIN_CHANGED',
        detail:
          'access.verifyWorkerSpinMicros applies process-wide; servers in one process should agree on it',
      },
    );
  spinConfigured = true;
  spinMicros = micros;
  if (pool) pool.spinMicros = micros;
}

/**
 * True when `publicKey` is a 32-byte key strict RFC 8032 verification accepts (canonical, not of
 * small order), which is what a key must be before its bytes go to OpenSSL on a worker.
 */
export function usableEd25519Key(publicKey: Uint8Array): boolean {
  return (
    publicKey instanceof Uint8Array && publicKey.length === 32 && preparedVerify(publicKey) !== REFUSE_ALL
  );
}

export function ed25519Verifier(publicKey: Uint8Array): Verifier {
  checkKey(publicKey, 'public');
  const native = nodeCrypto ? preparedVerify(publicKey) : undefined;
  return {
    algorithm: ED25519,
    verify(data, signature) {
      if (signature.length !== 64) return false;
      try {
        if (native) return native(data, signature);
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
