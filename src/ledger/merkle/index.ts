/**
 * RFC 6962 / RFC 9162 Merkle tree math for the audit ledger: hashing, the stored-hash layout,
 * appends, proof planning and assembly over stored nodes, verification, and in-memory and
 * streaming trees. Pure: no I/O, runs in Node and in the browser.
 */
export { hashesCompletedBy, leftSiblingsForAppend } from './append.ts';
export { type ErrorFactory, MerkleErrorCode } from './errors.ts';
export { checkHash, EMPTY_ROOT, HASH_SIZE, leafHash, nodeHash } from './hash.ts';
export {
  checkNodeId,
  type NodeId,
  type StoredLocation,
  storedHashCount,
  storedHashesPerLeaf,
  storedHashIndex,
  storedLocation,
} from './layout.ts';
export { MemoryTree } from './memory-tree.ts';
export {
  assembleConsistency,
  assembleInclusion,
  assembleProof,
  assembleRoot,
  type ConsistencyPlan,
  type InclusionPlan,
  type NodePlan,
  planConsistency,
  planInclusion,
  planRoot,
  type RootPlan,
} from './plan.ts';
export {
  consistencyProof,
  consistencyProofSync,
  inclusionProof,
  inclusionProofSync,
  type ReadNodes,
  type ReadNodesSync,
  treeRoot,
  treeRootSync,
} from './proofs.ts';
export { recomputeHashes, recomputeHashesAsync, TreeBuilder } from './recompute.ts';
export {
  type ConsistencyCheck,
  type InclusionCheck,
  type InclusionProofInput,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from './verify.ts';
