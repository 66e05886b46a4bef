/**
 * Authenticating a service from its RFC 9421 signed request: the key is looked up by `keyid`
 * (revoked keys are unknown), the signature, replay window, nonce and Content-Digest are checked
 * by http-signatures/verify, and the principal gets exactly the service key's permissions.
 */
import type { Clock } from '../../core/index.ts';
import { base64ToBytes } from '../../core/index.ts';
import type { Ledger } from '../../ledger/index.ts';
import { type NonceStore, verifyRequest } from '../http-signatures/index.ts';
import { findServiceKey } from './service-keys.ts';

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
}

export function hasSignature(headers: Record<string, unknown>): boolean {
  return headers['signature-input'] !== undefined || headers['signature'] !== undefined;
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
          const k = await findServiceKey(ledger, keyId);
          if (!k || k.revokedAt) return undefined;
          permissions = k.permissions;
          return { publicKey: base64ToBytes(k.publicKey), serviceId: k.serviceId };
        },
      },
    );
    return {
      id: `service:${verified.serviceId}`,
      kind: 'service',
      permissions: new Set(permissions),
      keyId: verified.keyId,
    };
  };
}
