/**
 * Appending leaf i: which stored nodes it needs, and which nodes it completes.
 *
 * Leaf i completes one node per trailing one bit of i: at level l (1 ≤ l ≤ t, t = trailing ones
 * of i) the node (l, i >> l), whose hash is HASH(0x01 || left || right) per RFC 6962 §2.1 with
 * the left child being the already stored node (l−1, (i >> (l−1)) − 1) and the right child the
 * node just computed one level down.
 */
import { shiftRight, trailingOnes } from './bits.ts';
import { checkLeafIndex, inputError, MerkleErrorCode } from './errors.ts';
import { checkHash, nodeHash } from './hash.ts';
import type { NodeId } from './layout.ts';

/**
 * The left siblings, lowest level first, that hashesCompletedBy(i, …) needs: for each level
 * l < trailing ones of i, the node (l, (i >> l) − 1). All of them are complete and stored.
 */
export function leftSiblingsForAppend(i: number): NodeId[] {
  checkLeafIndex(i, inputError);
  const t = trailingOnes(i);
  const out: NodeId[] = new Array(t);
  for (let l = 0; l < t; l++) out[l] = { level: l, index: shiftRight(i, l) - 1 };
  return out;
}

/**
 * The hashes leaf i stores: [leaf hash, level-1 node, …, level-t node], one entry per complete
 * node whose last leaf is i. `siblings` are the hashes of leftSiblingsForAppend(i), in that order.
 */
export function hashesCompletedBy(
  i: number,
  leaf: Uint8Array,
  siblings: readonly Uint8Array[],
): Uint8Array[] {
  checkLeafIndex(i, inputError);
  checkHash(leaf, 'leaf hash');
  const t = trailingOnes(i);
  if (siblings.length !== t)
    throw inputError(
      MerkleErrorCode.SIBLINGS_INVALID,
      `leaf ${i} completes ${t} node(s) and needs ${t} left sibling hash(es), got ${siblings.length}`,
      { index: i, want: t, got: siblings.length },
    );
  const out: Uint8Array[] = new Array(t + 1);
  let h = leaf;
  out[0] = h;
  for (let l = 0; l < t; l++) {
    const sib = siblings[l]!;
    checkHash(sib, `left sibling at level ${l}`);
    h = nodeHash(sib, h);
    out[l + 1] = h;
  }
  return out;
}
