export { DbNonceStore } from './db-nonce-store.ts';
export {
  claimedKeyId,
  DEFAULT_SERVICE_FAILURE_LIMIT,
  type FailureLimitPolicy,
  ServiceFailureLimiter,
  ServiceLockedOutError,
  withFailureLimit,
} from './failure-limit.ts';
export {
  fileWindowMark,
  ProcessNonceStore,
  type ProcessNonceStoreOptions,
  type WindowMark,
} from './process-nonce-store.ts';
export {
  findActiveServiceKey,
  findServiceKey,
  listServiceKeys,
  registerServiceKey,
  revokeServiceKey,
  type ServiceRecord,
} from './service-keys.ts';
export {
  hasSignature,
  type ServicePrincipal,
  type SignedRequestInput,
  signedRequestAuthenticator,
} from './signed-request-auth.ts';
