/**
 * An in-memory tree with the ledger's stored-hash layout (layout.ts): every leaf's list of the
 * nodes it completes, flattened into one growing byte buffer, so node (L, N) sits at
 * storedHashIndex(L, N). Appends go through append.ts and proofs through plan.ts, exactly the
 * code paths the database-backed ledger uses. For tests, benchmarks and full recomputation.
 */
import { InvalidInputError } from '../../core/index.ts';
import { hashesCompletedBy, leftSiblingsForAppend } from './append.ts';
import { checkSize, inputError, MerkleErrorCode } from './errors.ts';
import { checkHash, HASH_SIZE, leafHash } from './hash.ts';
import { type NodeId, storedHashCount, storedHashIndex } from './layout.ts';
import { consistencyProofSync, inclusionProofSync, type ReadNodesSync, treeRootSync } from './proofs.ts';

export class MemoryTree {
  private buf = new Uint8Array(64 * HASH_SIZE);
  private stored = 0;
  private leaves = 0;

  /** Reads nodes for proofs.ts (copies, like node()). */
  readonly read: ReadNodesSync = (ids) => ids.map((id) => this.node(id));

  /** Number of leaves. */
  get size(): number {
    return this.leaves;
  }

  /** Append one leaf's data; returns its index. */
  append(data: Uint8Array): number {
    return this.appendLeafHash(leafHash(data));
  }

  /** Append one leaf by its hash, SHA-256(0x00 || data); returns its index. */
  appendLeafHash(hash: Uint8Array): number {
    checkHash(hash, 'leaf hash');
    const i = this.leaves;
    const hashes = hashesCompletedBy(i, hash, this.read(leftSiblingsForAppend(i)));
    const need = (this.stored + hashes.length) * HASH_SIZE;
    if (need > this.buf.length) {
      const grown = new Uint8Array(Math.max(need, this.buf.length * 2));
      grown.set(this.buf.subarray(0, this.stored * HASH_SIZE));
      this.buf = grown;
    }
    for (const h of hashes) this.buf.set(h, this.stored++ * HASH_SIZE);
    this.leaves = i + 1;
    return i;
  }

  /** The stored hash of complete node id (all its leaves appended), as a copy. */
  node(id: NodeId): Uint8Array {
    const at = storedHashIndex(id) * HASH_SIZE; // checks id
    if (at >= this.stored * HASH_SIZE)
      throw new InvalidInputError(
        MerkleErrorCode.NODE_ID_INVALID,
        `node ${id.level}/${id.index} is not complete in a tree of ${this.leaves} leaves`,
        { level: id.level, index: id.index, size: this.leaves },
      );
    return this.buf.slice(at, at + HASH_SIZE);
  }

  /** The hashes leaf i stored when it was appended: [leaf hash, level-1 node, …] (copies). */
  storedHashes(i: number): Uint8Array[] {
    if (!Number.isSafeInteger(i) || i < 0 || i >= this.leaves)
      throw new InvalidInputError(
        MerkleErrorCode.PROOF_INDEX_OUT_OF_RANGE,
        `no leaf ${String(i)} in a tree of ${this.leaves}`,
        {
          index: String(i),
          size: this.leaves,
        },
      );
    const out: Uint8Array[] = [];
    for (let k = storedHashCount(i); k < storedHashCount(i + 1); k++)
      out.push(this.buf.slice(k * HASH_SIZE, (k + 1) * HASH_SIZE));
    return out;
  }

  /** MTH of the first `size` leaves (default: all). */
  root(size: number = this.leaves): Uint8Array {
    this.checkWithin(size, 'size');
    return treeRootSync(size, this.read);
  }

  inclusionProof(index: number, size: number = this.leaves): Uint8Array[] {
    this.checkWithin(size, 'size');
    return inclusionProofSync(index, size, this.read);
  }

  consistencyProof(size1: number, size2: number = this.leaves): Uint8Array[] {
    this.checkWithin(size2, 'size2');
    return consistencyProofSync(size1, size2, this.read);
  }

  private checkWithin(size: number, name: string): void {
    checkSize(size, name, inputError);
    if (size > this.leaves)
      throw new InvalidInputError(
        MerkleErrorCode.PROOF_SIZE_INVALID,
        `${name} ${size} is beyond the tree, which has ${this.leaves} leaves`,
        { [name]: size, treeSize: this.leaves },
      );
  }
}
