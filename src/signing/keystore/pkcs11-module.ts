/**
 * The process-wide side of PKCS#11 (I/O): a module is loaded and C_Initialize'd once per process,
 * reference-counted, and finalized when its last store closes. Login state belongs to the process
 * and the token, not to a session, so one store per token per process: a second would share the
 * first's login without its PIN ever being checked (KEYSTORE_TOKEN_IN_USE).
 */
import { existsSync, realpathSync } from 'node:fs';
import pkcs11js from 'pkcs11js';
import { KeyStoreErrorCode, keyStoreError } from './errors.ts';
import { ckrName, pkcs11Error } from './pkcs11-errors.ts';

export type Pkcs11 = pkcs11js.PKCS11;
export type Handle = Buffer;

interface Loaded {
  lib: Pkcs11;
  refs: number;
  tokensInUse: Set<string>;
}

const loaded = new Map<string, Loaded>();

export interface ModuleLease {
  readonly lib: Pkcs11;
  /** Claims the token in this slot for one store; throws KEYSTORE_TOKEN_IN_USE if taken. */
  claimSlot(slot: Handle): void;
  /** Gives the slot back and drops the module reference (finalizing on the last). Idempotent. */
  release(): void;
}

export function acquireModule(modulePath: string): ModuleLease {
  if (!existsSync(modulePath))
    throw keyStoreError(KeyStoreErrorCode.ModuleMissing, `PKCS#11 module not found: ${modulePath}`, {
      details: { module: modulePath },
    });
  const key = realpathSync(modulePath);
  let entry = loaded.get(key);
  if (!entry) {
    const lib = new pkcs11js.PKCS11();
    try {
      lib.load(key);
    } catch (cause) {
      throw keyStoreError(KeyStoreErrorCode.ModuleMissing, `PKCS#11 module cannot be loaded: ${modulePath}`, {
        details: { module: modulePath },
        cause,
      });
    }
    try {
      lib.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
    } catch (e) {
      if (ckrName(e) !== 'CKR_CRYPTOKI_ALREADY_INITIALIZED') {
        lib.close();
        throw pkcs11Error(e, 'C_Initialize');
      }
    }
    entry = { lib, refs: 0, tokensInUse: new Set() };
    loaded.set(key, entry);
  }
  entry.refs++;
  const e = entry;
  let slotKey: string | undefined;
  let released = false;
  return {
    lib: e.lib,
    claimSlot(slot) {
      const k = slot.toString('hex');
      if (e.tokensInUse.has(k))
        throw keyStoreError(
          KeyStoreErrorCode.TokenInUse,
          'this process already has a key store open on that token',
        );
      e.tokensInUse.add(k);
      slotKey = k;
    },
    release() {
      if (released) return;
      released = true;
      if (slotKey !== undefined) e.tokensInUse.delete(slotKey);
      if (--e.refs > 0) return;
      loaded.delete(key);
      try {
        e.lib.C_Finalize();
      } finally {
        e.lib.close();
      }
    },
  };
}
