/**
 * Streaming recomputation of the stored hashes. TreeBuilder takes leaf hashes in order and, for each
 * leaf i, returns the hashes it completes — what hashesCompletedBy(i, …) computes from stored
 * siblings — while keeping only the O(log n) "frontier": the roots of the complete subtrees that
 * [0, size) decomposes into (RFC 9162 §2.1.1's MTH splits a tree into exactly these), from which
 * the root is also a fold. `ledger verify` compares its output with what the store holds.
 */
import { popcount, trailingOnes } from './bits.ts';
import { checkSize, inputError, MerkleErrorCode } from './errors.ts';
import { checkHash, EMPTY_ROOT, nodeHash } from './hash.ts';

export class TreeBuilder {
  /** Frontier, largest (leftmost) subtree first: its last t entries are leaf size's left siblings. */
  private readonly stack: Uint8Array[] = [];
  private leaves = 0;

  /**
   * Continue from a tree of `size` leaves given its frontier: the hashes of planRoot(size).ids,
   * smallest subtree first (as frontier() returns them).
   */
  static resume(size: number, frontier: readonly Uint8Array[]): TreeBuilder {
    checkSize(size, 'size', inputError);
    const want = popcount(size);
    if (frontier.length !== want)
      throw inputError(
        MerkleErrorCode.NODE_READ_INVALID,
        `a tree of ${size} leaves has ${want} frontier node(s), got ${frontier.length}`,
        {
          want,
          got: frontier.length,
        },
      );
    const b = new TreeBuilder();
    for (let k = frontier.length - 1; k >= 0; k--) {
      checkHash(frontier[k], `frontier[${k}]`);
      b.stack.push(frontier[k]!);
    }
    b.leaves = size;
    return b;
  }

  get size(): number {
    return this.leaves;
  }

  /** Add the next leaf (by hash); returns [leaf hash, level-1 node, …] it completes. */
  push(leafHash: Uint8Array): Uint8Array[] {
    checkHash(leafHash, 'leaf hash');
    if (this.leaves >= Number.MAX_SAFE_INTEGER - 1)
      throw inputError(MerkleErrorCode.PROOF_SIZE_INVALID, 'the tree is full (2^53 − 1 leaves)');
    const t = trailingOnes(this.leaves);
    const out: Uint8Array[] = new Array(t + 1);
    let h = leafHash;
    out[0] = h;
    for (let l = 1; l <= t; l++) {
      h = nodeHash(this.stack.pop()!, h);
      out[l] = h;
    }
    this.stack.push(h);
    this.leaves++;
    return out;
  }

  /** The frontier, smallest subtree first: the hashes of planRoot(size).ids. */
  frontier(): Uint8Array[] {
    return this.stack.slice().reverse();
  }

  /** MTH of the leaves pushed so far (RFC 6962 §2.1): the right-to-left fold of the frontier. */
  root(): Uint8Array {
    const s = this.stack;
    if (s.length === 0) return EMPTY_ROOT;
    let h = s[s.length - 1]!;
    for (let k = s.length - 2; k >= 0; k--) h = nodeHash(s[k]!, h);
    return h;
  }
}

/** For each leaf hash in order, the hashes it completes (TreeBuilder.push), continuing `builder`. */
export function* recomputeHashes(
  leafHashes: Iterable<Uint8Array>,
  builder: TreeBuilder = new TreeBuilder(),
): Generator<Uint8Array[], void, undefined> {
  for (const h of leafHashes) yield builder.push(h);
}

/** recomputeHashes over an async source (a paged database read). */
export async function* recomputeHashesAsync(
  leafHashes: AsyncIterable<Uint8Array>,
  builder: TreeBuilder = new TreeBuilder(),
): AsyncGenerator<Uint8Array[], void, undefined> {
  for await (const h of leafHashes) yield builder.push(h);
}
