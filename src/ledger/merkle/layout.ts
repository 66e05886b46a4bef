/**
 * Node addressing and the stored-hash layout.
 *
 * NodeId (level L, index N) is the root of the complete subtree over leaves [N·2^L, (N+1)·2^L)
 * (RFC 9162 §2.1.1: in a tree of any size, every complete, 2^L-aligned subtree is a node of the
 * tree). Such a node is final once its last leaf, (N+1)·2^L − 1, is appended, so it is stored with
 * that leaf: each leaf i keeps the list [leaf hash, level-1 node, level-2 node, …] of the nodes it
 * completes (1 + trailing one bits of i entries), as Go's golang.org/x/mod/sumdb/tlog does.
 * Incomplete ("ephemeral") nodes on the right edge are never stored; they are folded from
 * complete ones when needed.
 */
import { POW2, popcount, trailingOnes } from './bits.ts';
import { checkLeafIndex, checkSize, type ErrorFactory, inputError, MerkleErrorCode } from './errors.ts';

export interface NodeId {
  readonly level: number;
  readonly index: number;
}

export interface StoredLocation {
  /** The leaf whose hash list holds the node: the node's last leaf. */
  readonly leafIndex: number;
  /** Position in that list, which equals the node's level. */
  readonly position: number;
}

/** Throws unless id names a node whose leaves all have safe-integer indexes. */
export function checkNodeId(id: NodeId, fail: ErrorFactory = inputError): void {
  const { level, index } = id;
  if (
    !Number.isInteger(level) ||
    level < 0 ||
    level > 52 ||
    !Number.isSafeInteger(index) ||
    index < 0 ||
    (index + 1) * POW2[level]! > Number.MAX_SAFE_INTEGER
  )
    throw fail(
      MerkleErrorCode.NODE_ID_INVALID,
      `not a valid node id: level ${String(level)}, index ${String(index)}`,
      {
        level: String(level),
        index: String(index),
      },
    );
}

/** Node (L, N) is stored with leaf (N+1)·2^L − 1, at position L of that leaf's hash list. */
export function storedLocation(id: NodeId): StoredLocation {
  checkNodeId(id);
  return { leafIndex: lastLeaf(id), position: id.level };
}

/** (N+1)·2^L − 1, for an already checked id. */
function lastLeaf(id: NodeId): number {
  return (id.index + 1) * POW2[id.level]! - 1;
}

/** How many hashes leaf i stores: itself plus one per complete subtree it finishes. */
export function storedHashesPerLeaf(i: number): number {
  checkLeafIndex(i, inputError);
  return 1 + trailingOnes(i);
}

/**
 * Total hashes stored for the first n leaves: Σ (1 + trailing ones of i) for i < n = 2n − popcount(n).
 * So leaf i's list starts at storedHashCount(i) in a flat array of all stored hashes.
 */
export function storedHashCount(n: number): number {
  checkSize(n, 'n', inputError);
  return 2 * n - popcount(n);
}

/** Position of node id in a flat array of all stored hashes (leaf by leaf, each list in order). */
export function storedHashIndex(id: NodeId): number {
  checkNodeId(id);
  return storedHashCount(lastLeaf(id)) + id.level;
}
