/**
 * Building a Merkle-sum (sub)tree level by level over fixed-size records (hash || K sums), pure:
 * the hash function and the padding source are passed in, so the worker threads use node:crypto and
 * tests can use anything (docs/proof-of-reserves.md §5).
 *
 * Padding (§3.4, Chalkias et al. 2020 §3.4 "padding nodes"): wherever a level has an odd number of
 * nodes, one padding node — the hash of a fresh random nonce, all sums zero — is appended, so that
 * every real node has a sibling and an all-padding subtree costs one node, not 2^h leaves.
 */
import { RampartError } from '../../core/index.ts';
import { addSums, HASH_BYTES, nodeInput, paddingInput, recordBytes, TAG_NODE } from './encoding.ts';

export type HashFn = (data: Uint8Array) => Uint8Array;

/** A padding record: SHA-256(0x02 || nonce) and zero sums. */
export function paddingRecord(assets: number, hash: HashFn, nonce: Uint8Array): Uint8Array {
  const r = new Uint8Array(recordBytes(assets));
  r.set(hash(paddingInput(nonce)), 0);
  return r;
}

/**
 * Levels 0…height of the tree over `count` records at level 0 (`base`, count·R bytes). Level l holds
 * ceil(count/2^l) nodes, plus one padding node when that is odd and l < height. Level `height` holds
 * the root (one node) when count ≤ 2^height.
 */
export function buildLevels(
  base: Uint8Array,
  count: number,
  assets: number,
  height: number,
  hash: HashFn,
  padding: () => Uint8Array,
): Uint8Array[] {
  if (count < 1 || count > 2 ** height)
    throw new RangeError(`cannot build height ${height} over ${count} nodes`);
  const R = recordBytes(assets);
  const levels: Uint8Array[] = [];
  let cur = base.subarray(0, count * R);
  let n = count;
  const scratch = new Uint8Array(1 + 2 * R);
  scratch[0] = TAG_NODE;
  for (let l = 0; l < height; l++) {
    if (n % 2 === 1) {
      const padded = new Uint8Array((n + 1) * R);
      padded.set(cur, 0);
      padded.set(padding(), n * R);
      cur = padded;
      n += 1;
    }
    levels.push(cur);
    const half = n / 2;
    const next = new Uint8Array(half * R);
    for (let i = 0; i < half; i++) {
      const o = 2 * i * R;
      for (let j = 0; j < 2 * R; j++) scratch[1 + j] = cur[o + j]!;
      if (
        !addSums(
          cur,
          2 * i * R + HASH_BYTES,
          cur,
          (2 * i + 1) * R + HASH_BYTES,
          next,
          i * R + HASH_BYTES,
          assets,
        )
      )
        throw new RampartError('RESERVES_SUM_OVERFLOW', `a sum at height ${l + 1} overflows 128 bits`);
      next.set(hash(scratch), i * R);
    }
    cur = next;
    n = half;
  }
  levels.push(cur);
  return levels;
}

/** The node at (level, index) from in-memory levels, as a record. */
export function nodeAt(levels: Uint8Array[], assets: number, level: number, index: number): Uint8Array {
  const R = recordBytes(assets);
  return levels[level]!.subarray(index * R, (index + 1) * R);
}

export { nodeInput };
