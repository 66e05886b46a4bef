/**
 * Which stored (complete) nodes a root or proof needs, and how to assemble the answer from their
 * hashes. Planning is pure arithmetic, so a caller fetches every node in one batched read.
 *
 * RFC 6962 §2.1.1 (PATH) and §2.1.2 (PROOF/SUBPROOF), restated in RFC 9162 §2.1.3.1 and
 * §2.1.4.1, define proofs recursively over MTH of sub-ranges. Every node they use is a complete,
 * aligned subtree, except at most one: the sibling of the "fork" node, which covers
 * [end of fork, tree size) and is incomplete when the size is not a multiple of its width. That
 * ephemeral node is MTH of its range, i.e. the right-to-left fold of the complete subtrees that
 * range decomposes into. (The same construction as transparency-dev/merkle proof.nodes.)
 */
import { bitLengthXor, shiftRight, trailingZeros } from './bits.ts';
import { checkIndex, checkRange, checkSize, inputError, MerkleErrorCode, storeError } from './errors.ts';
import { checkHash, EMPTY_ROOT, nodeHash } from './hash.ts';
import type { NodeId } from './layout.ts';

/**
 * The stored nodes to read, in order. Their hashes are used as they are, except the run
 * ids[foldBegin, foldEnd) (smallest, rightmost node first), which is folded into one hash:
 * h = hash[foldBegin]; h = HASH(0x01 || hash[j] || h) for each later j in the run.
 */
export interface NodePlan {
  readonly ids: NodeId[];
  readonly foldBegin: number;
  readonly foldEnd: number;
}

export interface RootPlan extends NodePlan {
  readonly kind: 'root';
  readonly size: number;
}

export interface InclusionPlan extends NodePlan {
  readonly kind: 'inclusion';
  readonly index: number;
  readonly size: number;
}

export interface ConsistencyPlan extends NodePlan {
  readonly kind: 'consistency';
  readonly size1: number;
  readonly size2: number;
}

/**
 * MTH(D[0:size]) as a fold of the complete subtrees [0, size) decomposes into: one per set bit b
 * of size, the node (b, (size >> b) − 1). Listed smallest first, the whole list is the fold run.
 */
export function planRoot(size: number): RootPlan {
  checkSize(size, 'size', inputError);
  const ids: NodeId[] = [];
  for (let b = 0, v = size; v > 0; b++, v = Math.floor(v / 2))
    if (v % 2 === 1) ids.push({ level: b, index: v - 1 });
  return { kind: 'root', size, ids, foldBegin: 0, foldEnd: ids.length };
}

/**
 * The path from node (level, index) up to the root of a tree of `size` leaves (level, index is a
 * complete node of that tree), as proof.nodes in transparency-dev/merkle:
 *  1. the node itself, unless skipSeed;
 *  2. its siblings up to the fork: the highest ancestor that is still complete, whose sibling is
 *     the first that reaches past the end of the tree (all of these siblings are complete);
 *  3. the fork's right sibling, ephemeral: the complete subtrees of [fork end, size), i.e. one
 *     node per set bit of size below the fork level — the fold run, smallest first;
 *  4. the left siblings above the fork, lowest first: one per set bit of the fork's index.
 */
function pathPlan(index: number, level: number, size: number, skipSeed: boolean): NodePlan {
  const ids: NodeId[] = [];
  if (!skipSeed) ids.push({ level, index });
  // Paths to (level, index) and to leaf position `size` part at the fork's parent.
  const inner = bitLengthXor(index, shiftRight(size, level)) - 1;
  let x = index;
  for (let l = 0; l < inner; l++, x = Math.floor(x / 2))
    ids.push({ level: level + l, index: x % 2 === 0 ? x + 1 : x - 1 });
  const forkLevel = level + inner;
  const foldBegin = ids.length;
  for (let b = 0, v = size; b < forkLevel; b++, v = Math.floor(v / 2))
    if (v % 2 === 1) ids.push({ level: b, index: v - 1 });
  const foldEnd = ids.length;
  for (let b = forkLevel, v = x; v > 0; b++, v = Math.floor(v / 2))
    if (v % 2 === 1) ids.push({ level: b, index: v - 1 });
  return { ids, foldBegin, foldEnd };
}

/** PATH(index, D[size]) of RFC 6962 §2.1.1 (RFC 9162 §2.1.3.1): requires 0 ≤ index < size. */
export function planInclusion(index: number, size: number): InclusionPlan {
  checkSize(size, 'size', inputError);
  checkIndex(index, size, inputError);
  return { kind: 'inclusion', index, size, ...pathPlan(index, 0, size, true) };
}

/**
 * PROOF(size1, D[size2]) of RFC 6962 §2.1.2 (RFC 9162 §2.1.4.1): requires 0 < size1 ≤ size2; empty
 * when size1 = size2. It is the path from the largest complete subtree ending at size1 — itself
 * omitted when size1 is a power of two, as the verifier already holds it as root1.
 */
export function planConsistency(size1: number, size2: number): ConsistencyPlan {
  checkRange(size1, size2, ['size1', 'size2'], inputError);
  if (size1 === size2) return { kind: 'consistency', size1, size2, ids: [], foldBegin: 0, foldEnd: 0 };
  const level = trailingZeros(size1);
  const index = shiftRight(size1, level) - 1;
  return { kind: 'consistency', size1, size2, ...pathPlan(index, level, size2, index === 0) };
}

function checkHashes(plan: NodePlan, hashes: readonly Uint8Array[]): void {
  if (hashes.length !== plan.ids.length)
    throw storeError(
      MerkleErrorCode.NODE_READ_INVALID,
      `expected ${plan.ids.length} node hash(es) for the plan, got ${hashes.length}`,
      { want: plan.ids.length, got: hashes.length },
    );
  for (let j = 0; j < hashes.length; j++)
    checkHash(hashes[j], `node ${plan.ids[j]!.level}/${plan.ids[j]!.index}`, storeError);
}

function fold(hashes: readonly Uint8Array[], begin: number, end: number): Uint8Array {
  let h = hashes[begin]!;
  for (let j = begin + 1; j < end; j++) h = nodeHash(hashes[j]!, h);
  return h;
}

/** Apply a plan to the hashes of its ids (same order): the proof, lowest node first. */
export function assembleProof(plan: NodePlan, hashes: readonly Uint8Array[]): Uint8Array[] {
  checkHashes(plan, hashes);
  const { foldBegin: b, foldEnd: e } = plan;
  if (e - b <= 1) return hashes.slice();
  const out: Uint8Array[] = new Array(hashes.length - (e - b) + 1);
  let o = 0;
  for (let j = 0; j < b; j++) out[o++] = hashes[j]!;
  out[o++] = fold(hashes, b, e);
  for (let j = e; j < hashes.length; j++) out[o++] = hashes[j]!;
  return out;
}

/** The root from the hashes of planRoot(size).ids; EMPTY_ROOT for size 0 (RFC 6962 §2.1). */
export function assembleRoot(plan: RootPlan, hashes: readonly Uint8Array[]): Uint8Array {
  checkHashes(plan, hashes);
  return hashes.length === 0 ? EMPTY_ROOT : fold(hashes, 0, hashes.length);
}

export function assembleInclusion(plan: InclusionPlan, hashes: readonly Uint8Array[]): Uint8Array[] {
  return assembleProof(plan, hashes);
}

export function assembleConsistency(plan: ConsistencyPlan, hashes: readonly Uint8Array[]): Uint8Array[] {
  return assembleProof(plan, hashes);
}
