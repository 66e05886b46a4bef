/** The threshold-signing coordinator: ceremonies over signer nodes, recorded in the ledger. */
export { NodeCallError, NodeClient, type NodeIdentityView } from './client.ts';
export type { CoordinatorContext } from './context.ts';
export {
  COORDINATOR_KEY_FILE,
  type CoordinatorKey,
  coordinatorKeyId,
  loadCoordinatorKey,
} from './coordinator-key.ts';
export { type DkgOptions, runDkg } from './dkg.ts';
export { finishRefresh, runRefresh } from './refresh.ts';
export {
  type CeremonyRecord,
  findKey,
  getKey,
  type KeyNode,
  listCeremonies,
  listKeys,
  type RegisteredKey,
} from './registry.ts';
export { type RepairOptions, runRepair } from './repair.ts';
export { runSign, type SignOptions, type SignResult } from './sign.ts';
export { standardVerify } from './verify.ts';
