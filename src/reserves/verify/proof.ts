/**
 * The inclusion proof and the published root statement (docs/proof-of-reserves.md §6–§7), and the
 * stable codes the verifier answers with. Plain JSON: values are decimal strings (no float ever
 * carries a balance), hashes lower-case hex.
 */

export const PROOF_VERSION = 1;

/** One step of the path, bottom-up: the sibling node's hash and per-asset sums. */
export interface ProofStep {
  hash: string;
  sums: string[];
}

export interface RootSummary {
  /** The root node's hash (hex). */
  hash: string;
  /** Per-asset totals of all liabilities, in the order of `assets` (decimal strings, base units). */
  totals: string[];
}

export interface InclusionProof {
  version: 1;
  buildId: string;
  /** When the balances were taken (ISO 8601 UTC). */
  snapshotTime: string;
  assets: string[];
  /** Tree height: the path has exactly this many steps; the tree holds at most 2^height users. */
  height: number;
  root: RootSummary;
  leaf: {
    user: string;
    /** The per-user secret salt (hex, 32 bytes): only this user receives it. */
    salt: string;
    /** SHA-256(0x03 || salt || user): what the tree stores instead of the user id (hex). */
    commitment: string;
    /** Leaf index: bit i says whether the node at height i is a right (1) or left (0) child. */
    position: number;
    balances: string[];
  };
  path: ProofStep[];
}

/** What the exchange publishes (in the ledger entry `reserves.liabilities.published`). */
export interface RootStatement {
  version: 1;
  buildId: string;
  snapshotTime: string;
  assets: string[];
  height: number;
  /** 2^height as a decimal string: the user count is at most this (padding hides the rest). */
  userCountBound: string;
  root: RootSummary;
}

/** Every reason a proof is refused, one code per check (§8). */
export const PROOF_CODES = {
  malformed: 'RESERVES_PROOF_MALFORMED',
  version: 'RESERVES_PROOF_VERSION',
  negative: 'RESERVES_VALUE_NEGATIVE',
  outOfRange: 'RESERVES_VALUE_OUT_OF_RANGE',
  pathLength: 'RESERVES_PATH_LENGTH',
  otherRoot: 'RESERVES_ROOT_NOT_PUBLISHED',
  commitment: 'RESERVES_COMMITMENT_MISMATCH',
  totals: 'RESERVES_TOTALS_MISMATCH',
  rootHash: 'RESERVES_ROOT_MISMATCH',
} as const;

export type ProofCode = (typeof PROOF_CODES)[keyof typeof PROOF_CODES];

export type VerifyResult =
  | {
      ok: true;
      user: string;
      buildId: string;
      snapshotTime: string;
      height: number;
      /** The user's balances by asset. */
      balances: Record<string, string>;
      /** The totals the path adds up to, by asset (equal to the root's). */
      totals: Record<string, string>;
      rootHash: string;
      /** True when the proof was checked against a root given separately (not only its own). */
      againstPublishedRoot: boolean;
    }
  | { ok: false; code: ProofCode; message: string; details?: Record<string, unknown> };
