/**
 * Stable error codes of the Merkle module, and the argument checks shared by proof building
 * (which throws InvalidInputError: the caller asked for something that does not exist) and proof
 * verification (which throws VerificationError: the proof material itself is unacceptable).
 */
import { type ErrorDetails, InvalidInputError, RampartError, VerificationError } from '../../core/index.ts';

export const MerkleErrorCode = {
  /** A leaf index is negative, not an integer, or not below the tree size. */
  PROOF_INDEX_OUT_OF_RANGE: 'PROOF_INDEX_OUT_OF_RANGE',
  /** A tree size is negative, not an integer, above 2^53 − 1, or beyond the tree at hand. */
  PROOF_SIZE_INVALID: 'PROOF_SIZE_INVALID',
  /** Two sizes that do not form a consistency range 0 < m ≤ n. */
  PROOF_RANGE_INVALID: 'PROOF_RANGE_INVALID',
  /** A hash (leaf hash, proof node, stored node) that is not HASH_SIZE bytes long. */
  HASH_SIZE_INVALID: 'MERKLE_HASH_SIZE_INVALID',
  /** A node id whose level or index is not a valid position in a tree of safe-integer size. */
  NODE_ID_INVALID: 'MERKLE_NODE_ID_INVALID',
  /** A caller passed a different number of sibling hashes than leftSiblingsForAppend asked for. */
  SIBLINGS_INVALID: 'MERKLE_SIBLINGS_INVALID',
  /** The node reader returned a different number of hashes than node ids it was given. */
  NODE_READ_INVALID: 'MERKLE_NODE_READ_INVALID',
  /** RFC 9162 §2.1.3.2 inclusion verification failed (wrong length, or root mismatch). */
  INCLUSION_PROOF_INVALID: 'INCLUSION_PROOF_INVALID',
  /** RFC 9162 §2.1.4.2 consistency verification failed (wrong length, or a root mismatch). */
  CONSISTENCY_PROOF_INVALID: 'CONSISTENCY_PROOF_INVALID',
} as const;

export type MerkleErrorCode = (typeof MerkleErrorCode)[keyof typeof MerkleErrorCode];

export type ErrorFactory = (code: MerkleErrorCode, message: string, details?: ErrorDetails) => RampartError;

export const inputError: ErrorFactory = (code, message, details) =>
  new InvalidInputError(code, message, details);
export const verificationError: ErrorFactory = (code, message, details) =>
  new VerificationError(code, message, details);
/** A node source (the store) broke its contract: a server fault, not the caller's. */
export const storeError: ErrorFactory = (code, message, details) =>
  new RampartError(code, message, { details, status: 500 });

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

/** A tree size: a safe integer ≥ 0. */
export function checkSize(size: number, name: string, fail: ErrorFactory): void {
  if (!isCount(size))
    throw fail(
      MerkleErrorCode.PROOF_SIZE_INVALID,
      `${name} must be an integer from 0 to 2^53 − 1 (got ${String(size)})`,
      { [name]: String(size) },
    );
}

/** A leaf index inside a tree of the given (already checked) size. */
export function checkIndex(index: number, size: number, fail: ErrorFactory): void {
  if (!isCount(index) || index >= size)
    throw fail(
      MerkleErrorCode.PROOF_INDEX_OUT_OF_RANGE,
      `leaf index must be an integer from 0 to size − 1 (got index ${String(index)}, size ${size})`,
      { index: String(index), size },
    );
}

/** A leaf index with no tree size attached (appending, storage layout). */
export function checkLeafIndex(index: number, fail: ErrorFactory): void {
  if (!isCount(index) || index >= Number.MAX_SAFE_INTEGER)
    throw fail(
      MerkleErrorCode.PROOF_INDEX_OUT_OF_RANGE,
      `leaf index must be an integer from 0 to 2^53 − 2 (got ${String(index)})`,
      {
        index: String(index),
      },
    );
}

/** A consistency range 0 < m ≤ n (RFC 6962 §2.1.2 defines PROOF(m, D[n]) only for 0 < m). */
export function checkRange(m: number, n: number, names: [string, string], fail: ErrorFactory): void {
  checkSize(m, names[0], fail);
  checkSize(n, names[1], fail);
  if (m > n)
    throw fail(MerkleErrorCode.PROOF_RANGE_INVALID, `${names[0]} (${m}) is greater than ${names[1]} (${n})`, {
      [names[0]]: m,
      [names[1]]: n,
    });
  if (m === 0)
    throw fail(
      MerkleErrorCode.PROOF_RANGE_INVALID,
      `a consistency proof from the empty tree is meaningless: every tree extends it (${names[0]} is 0)`,
      { [names[0]]: m, [names[1]]: n },
    );
}
