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
import { type AuthorizedPrincipal, grantedPrincipal, permissionsKey } from '../authz/principals.ts';
import {
  type NonceStore,
  prepareServiceKey,
  type ServiceKey,
  SignatureRefusal,
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
  authorize?: (permission: string, req: FastifyRequest) => void | Promise<void>;
}

export function hasSignature(headers: Record<string, unknown>): boolean {
  return headers['signature-input'] !== undefined || headers['signature'] !== undefined;
}

/**
 * What each request would otherwise derive from a key record, derived once per cached record
 * (findActiveServiceKey keeps the records): the prepared key, and its permissions as one text (how
 * grantedPrincipal tells principals apart).
 */
interface Derived {
  key: ServiceKey;
  permissionsKey: string;
}
const derivedFrom = new WeakMap<ServiceRecord, Derived>();

function derived(record: ServiceRecord): Derived {
  let d = derivedFrom.get(record);
  if (!d) {
    d = {
      key: prepareServiceKey(base64ToBytes(record.publicKey), record.serviceId),
      permissionsKey: permissionsKey(record.permissions),
    };
    derivedFrom.set(record, d);
  }
  return d;
}

/** The principal of one key over one granted access, made once (the access is cached; see grantedPrincipal). */
const keyPrincipals = new WeakMap<AuthorizedPrincipal, Map<string, ServicePrincipal>>();

function servicePrincipal(granted: AuthorizedPrincipal, keyId: string): ServicePrincipal {
  let byKey = keyPrincipals.get(granted);
  if (!byKey) {
    byKey = new Map();
    keyPrincipals.set(granted, byKey);
  }
  let principal = byKey.get(keyId);
  if (!principal) {
    principal = { ...granted, kind: 'service', keyId };
    byKey.set(keyId, principal);
  }
  return principal;
}

const keyOf = (record: ServiceRecord | undefined) => record && derived(record).key;

export function signedRequestAuthenticator(ledger: Ledger, nonceStore: NonceStore, clock: Clock) {
  // Made once, not per request: under tsx every named closure costs a property definition.
  const lookupKey = (keyId: string) => {
    // A cached record comes back at once; only a database read makes a promise.
    const found = findActiveServiceKey(ledger, keyId);
    return found instanceof Promise ? found.then(keyOf) : keyOf(found);
  };
  return async (req: SignedRequestInput): Promise<ServicePrincipal> => {
    const verified = await verifyRequest(req, { now: clock.now(), nonceStore, lookupKey });
    // The key's own permissions, from the record just used (cached); revoked since: refused.
    let record = findActiveServiceKey(ledger, verified.keyId);
    if (record instanceof Promise) record = await record;
    if (!record)
      throw new SignatureRefusal('SIGNATURE_UNKNOWN_KEY', `no key registered as ${verified.keyId}`);
    const principal = grantedPrincipal(ledger, {
      id: `service:${verified.serviceId}`,
      kind: 'service',
      alsoPermissions: record.permissions,
      alsoPermissionsKey: derived(record).permissionsKey,
    });
    return servicePrincipal(principal instanceof Promise ? await principal : principal, verified.keyId);
  };
}
