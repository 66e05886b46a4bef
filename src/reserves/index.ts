/** Proof of reserves: the Merkle-sum proof of liabilities (docs/proof-of-reserves.md). */

export * from './attest/index.ts';
export { reservesAttestRoutes } from './attest/routes.ts';
export { reservesRoutes } from './routes.ts';
export {
  type BuildSummary,
  getBuild,
  LIABILITIES_PUBLISHED,
  listBuilds,
  type PublishedBuild,
  type PublishOptions,
  proofForUser,
  publishLiabilities,
  reservesDir,
  statementOf,
} from './store/builds.ts';
export { StoredTree } from './store/stored-tree.ts';
export { checkProofToken, proofToken } from './store/tokens.ts';
export { type BuildOptions, buildTree, formatOf, type StoredMeta } from './tree/build.ts';
export * from './tree/encoding.ts';
export { buildLevels, type HashFn, paddingRecord } from './tree/levels.ts';
export { buildMemoryTree, heightFor, type MemoryTree, type UserBalances } from './tree/memory-tree.ts';
export { type NodeReader, proofAt, type TreeMeta } from './tree/proof.ts';
export * from './verify/index.ts';
