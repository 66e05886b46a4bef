/**
 * One chunk of the streaming build (docs/proof-of-reserves.md §5.2–§5.3): up to 2^16 parsed rows →
 * salts, commitments, leaves at a random permutation of the chunk's positions, and the chunk's
 * subtree up to height 16. Pure given `hash` and `random`; the worker threads call it.
 */
import type { ParsedRows } from '../snapshot/parse.ts';
import { HASH_BYTES, recordBytes, SALT_BYTES, TAG_COMMITMENT, TAG_LEAF, VALUE_BYTES } from './encoding.ts';
import { buildLevels, type HashFn, paddingRecord } from './levels.ts';

export const CHUNK_HEIGHT = 16;
export const CHUNK_ROWS = 2 ** CHUNK_HEIGHT;
/** Bytes of the user fingerprint kept in the index (§5.4). */
export const FINGERPRINT_BYTES = 12;

export interface ChunkResult {
  rows: number;
  /** Levels 0…16 of the chunk's subtree, concatenated; `levelCounts[l]` records at level l. */
  levels: Uint8Array;
  levelCounts: number[];
  /** Salt of the user at chunk position p at p·32. */
  salts: Uint8Array;
  /** Fingerprint of row r (SHA-256(id)[0..12]) at r·12. */
  fingerprints: Uint8Array;
  /** Chunk position of row r. */
  positions: Uint32Array;
}

/** A uniformly random permutation of 0…n−1 (Fisher–Yates, rejection-sampled 32-bit draws). */
export function randomPermutation(n: number, random: (n: number) => Uint8Array): Uint32Array {
  const perm = new Uint32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  let pool: Uint32Array = new Uint32Array(0);
  let used = 0;
  const draw = () => {
    if (used >= pool.length) {
      const b = random(4 * Math.max(64, n));
      pool = new Uint32Array(b.buffer, b.byteOffset, b.byteLength / 4);
      used = 0;
    }
    return pool[used++]!;
  };
  for (let i = n - 1; i > 0; i--) {
    const m = i + 1;
    const limit = Math.floor(0x100000000 / m) * m;
    let x = draw();
    while (x >= limit) x = draw();
    const j = x % m;
    const t = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = t;
  }
  return perm;
}

export function buildChunk(
  parsed: ParsedRows,
  assets: number,
  hash: HashFn,
  random: (n: number) => Uint8Array,
): ChunkResult {
  const m = parsed.count;
  const R = recordBytes(assets);
  const B = assets * VALUE_BYTES;
  const perm = randomPermutation(m, random);
  const salts = new Uint8Array(m * SALT_BYTES);
  salts.set(random(m * SALT_BYTES));
  const fingerprints = new Uint8Array(m * 12);
  const leaves = new Uint8Array(m * R);
  // Exact-length scratch inputs, one per id length, so no view is made per row (hashing is
  // dominated by per-call overhead: see bench/reserves.ts).
  const idIn: Uint8Array[] = [];
  const commitIn: Uint8Array[] = [];
  const leafIn = new Uint8Array(1 + HASH_BYTES + B);
  leafIn[0] = TAG_LEAF;
  const ids = parsed.ids;
  const balances = parsed.balances;
  for (let r = 0; r < m; r++) {
    const from = parsed.idStart[r]!;
    const len = parsed.idStart[r + 1]! - from;
    let idb = idIn[len];
    let cin = commitIn[len];
    if (!idb || !cin) {
      idb = idIn[len] = new Uint8Array(len);
      cin = commitIn[len] = new Uint8Array(1 + SALT_BYTES + len);
      cin[0] = TAG_COMMITMENT;
    }
    for (let i = 0; i < len; i++) {
      const c = ids[from + i]!;
      idb[i] = c;
      cin[1 + SALT_BYTES + i] = c;
    }
    fingerprints.set(hash(idb).subarray(0, FINGERPRINT_BYTES), r * FINGERPRINT_BYTES);
    const p = perm[r]!;
    const so = p * SALT_BYTES;
    for (let i = 0; i < SALT_BYTES; i++) cin[1 + i] = salts[so + i]!;
    leafIn.set(hash(cin), 1);
    const bo = r * B;
    const lo = p * R;
    for (let i = 0; i < B; i++) {
      const v = balances[bo + i]!;
      leafIn[1 + HASH_BYTES + i] = v;
      leaves[lo + HASH_BYTES + i] = v;
    }
    leaves.set(hash(leafIn), lo);
  }
  // Salts were drawn per position above (salt of position p), so `salts` is already by position.
  const levels = buildLevels(leaves, m, assets, CHUNK_HEIGHT, hash, () =>
    paddingRecord(assets, hash, random(32)),
  );
  let total = 0;
  for (const l of levels) total += l.length;
  const out = new Uint8Array(total);
  let o = 0;
  for (const l of levels) {
    out.set(l, o);
    o += l.length;
  }
  return {
    rows: m,
    levels: out,
    levelCounts: levels.map((l) => l.length / R),
    salts,
    fingerprints,
    positions: perm,
  };
}
