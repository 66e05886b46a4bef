/** Reserves attestation: ownership proofs, node exports, the ratio, and its publication. */
export {
  type AssetLine,
  type AttestationStatement,
  buildStatement,
  type ChainBlock,
  type CheckedReserves,
  checkReserves,
  type Liabilities,
  type OwnershipScheme,
  type ProvenAddress,
  reserveTotals,
  statementDigest,
} from './attestation.ts';
export {
  ATTESTATION_ACTION,
  type AttestationSummary,
  getAttestation,
  listAttestations,
  type PublishedAttestation,
  publishAttestation,
} from './attestations.ts';
export {
  type Bip322Result,
  type BitcoinNetwork,
  bip322MessageHash,
  signBip322Simple,
  verifyBip322Simple,
} from './bip322.ts';
export { exampleAttestationText } from './example.ts';
export { type AttestationFile, parseAttestationFile, parseAttestationObject } from './file-schema.ts';
export {
  LIABILITIES_ACTION,
  latestLiabilities,
  liabilitiesFromStatement,
  requireLiabilities,
} from './liabilities.ts';
export { BITCOIN_CAIP2, evmCaip2, ownershipMessage } from './message.ts';
export { covers, RATIO_DECIMALS, reserveRatio } from './ratio.ts';
