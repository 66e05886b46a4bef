/**
 * One chunk of the streaming build (docs/proof-of-reserves.md §5.2–§5.3): up to 2^16 parsed rows →
 * salts (derived from the build secret), commitments, leaves at a random permutation of the chunk's
 * positions, and the chunk's subtree up to height 16. Pure given `hash` and `random`; the worker
 * threads call it.
 */
import type { ParsedRows } from '../snapshot/parse.ts';
import {
  HASH_BYTES,
  recordBytes,
  SALT_BYTES,
  TAG_COMMITMENT,
  TAG_LEAF,
  TAG_SALT,
  VALUE_BYTES,
} from './encoding.ts';
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
  /** Fingerprint of row r (its salt's first 12 bytes, §5.4) at r·12. */
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
  /** The build's 32-byte secret the salts derive from (§3.1). */
  secret: Uint8Array,
): ChunkResult {
  const m = parsed.count;
  const R = recordBytes(assets);
  const B = assets * VALUE_BYTES;
  const perm = randomPermutation(m, random);
  const fingerprints = new Uint8Array(m * 12);
  const leaves = new Uint8Array(m * R);
  // Exact-length scratch inputs, one per id length, so no view is made per row (hashing is
  // dominated by per-call overhead: see bench/reserves.ts).
  const saltIn: Uint8Array[] = [];
  const commitIn: Uint8Array[] = [];
  const leafIn = new Uint8Array(1 + HASH_BYTES + B);
  leafIn[0] = TAG_LEAF;
  const ids = parsed.ids;
  const balances = parsed.balances;
  for (let r = 0; r < m; r++) {
    const from = parsed.idStart[r]!;
    const len = parsed.idStart[r + 1]! - from;
    let sin = saltIn[len];
    let cin = commitIn[len];
    if (!sin || !cin) {
      sin = saltIn[len] = new Uint8Array(1 + SALT_BYTES + len);
      sin[0] = TAG_SALT;
      sin.set(secret, 1);
      cin = commitIn[len] = new Uint8Array(1 + SALT_BYTES + len);
      cin[0] = TAG_COMMITMENT;
    }
    for (let i = 0; i < len; i++) {
      const c = ids[from + i]!;
      sin[1 + SALT_BYTES + i] = c;
      cin[1 + SALT_BYTES + i] = c;
    }
    const salt = hash(sin);
    for (let i = 0; i < FINGERPRINT_BYTES; i++) fingerprints[r * FINGERPRINT_BYTES + i] = salt[i]!;
    for (let i = 0; i < SALT_BYTES; i++) cin[1 + i] = salt[i]!;
    const p = perm[r]!;
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
    fingerprints,
    positions: perm,
  };
}
