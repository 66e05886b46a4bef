/**
 * Authenticating a service from its RFC 9421 signed request: the key is looked up by `keyid`
 * (revoked keys are unknown), the signature, replay window, nonce and Content-Digest are checked
 * by http-signatures/verify. The principal gets the permissions registered with its key plus those
 * of the roles granted to `service:<id>` and in force now (src/access/grants), and the conditions
 * (src/access/authz) apply to it like to anyone.
 */
import type { FastifyRequest } from 'fastify';
import type { Clock } from '../../core/index.ts';
import { base64ToBytes } from '../../core/index.ts';
import type { Ledger } from '../../ledger/index.ts';
import { grantedPrincipal } from '../authz/principals.ts';
import {
  ed25519Verifier,
  type NonceStore,
  type ServiceKey,
  verifyRequest,
} from '../http-signatures/index.ts';
import { findActiveServiceKey, type ServiceRecord } from './service-keys.ts';

export interface SignedRequestInput {
  method: string;
  /** The absolute URL as the client addressed it: scheme://authority/request-target. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body?: Uint8Array;
}

export interface ServicePrincipal {
  id: string;
  kind: 'service';
  permissions: ReadonlySet<string>;
  keyId: string;
  roles?: string[];
  authorize?: (permission: string, req: FastifyRequest) => Promise<void>;
}

export function hasSignature(headers: Record<string, unknown>): boolean {
  return headers['signature-input'] !== undefined || headers['signature'] !== undefined;
}

/** Decoded public keys and their verifiers, per cached key record (findActiveServiceKey keeps the records). */
const keyBytes = new WeakMap<ServiceRecord, ServiceKey>();

function serviceKey(record: ServiceRecord): ServiceKey {
  let key = keyBytes.get(record);
  if (!key) {
    const publicKey = base64ToBytes(record.publicKey);
    key = { publicKey, serviceId: record.serviceId, verifier: ed25519Verifier(publicKey) };
    keyBytes.set(record, key);
  }
  return key;
}

export function signedRequestAuthenticator(ledger: Ledger, nonceStore: NonceStore, clock: Clock) {
  return async (req: SignedRequestInput): Promise<ServicePrincipal> => {
    let permissions: string[] = [];
    const verified = await verifyRequest(
      { method: req.method, url: req.url, headers: req.headers, ...(req.body ? { body: req.body } : {}) },
      {
        now: clock.now(),
        nonceStore,
        lookupKey: async (keyId) => {
          const k = await findActiveServiceKey(ledger, keyId);
          if (!k) return undefined;
          permissions = k.permissions;
          return serviceKey(k);
        },
      },
    );
    const granted = await grantedPrincipal(ledger, {
      id: `service:${verified.serviceId}`,
      kind: 'service',
      alsoPermissions: permissions,
    });
    return { ...granted, kind: 'service', keyId: verified.keyId };
  };
}
