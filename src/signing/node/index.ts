/** Signer nodes: one process per node, its own store and key store, an authenticated HTTP service. */

export {
  enroll,
  readApprovers,
  readPolicy,
  setPolicy,
  storeAuthorizer,
  storeReplayGuard,
} from './authorization.ts';
export {
  loadNodeConfig,
  type NodeConfig,
  type NodeConfigInput,
  nodeConfigSchema,
  parseNodeConfig,
} from './config.ts';
export type { Participant, SignAuthorizer } from './context.ts';
export { type NodeDb, openNodeDb } from './db.ts';
export type { DkgRound1Package, dkgRound1Body } from './dkg.ts';
export type { Envelope } from './envelope.ts';
export {
  type CommitmentJson,
  commitmentFromJson,
  commitmentToJson,
  type PublicPackageJson,
  publicFromJson,
  publicToJson,
} from './packages.ts';
export type { RefreshPackageJson } from './refresh.ts';
export { RESPONSE_TAG, type SignedRequestView, signResponse, verifyResponse } from './response-signature.ts';
export { type RunningNode, type StartNodeOptions, startSignerNode } from './server.ts';
