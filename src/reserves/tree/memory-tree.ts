/**
 * A whole Merkle-sum tree in memory, for small sets (tests, the demo, examples in the spec). Same
 * encodings and padding as the streaming build; the leaf order is a random permutation (§5.2).
 */
import { bytesToHex, InvalidInputError, sha256, utf8 } from '../../core/index.ts';
import type { InclusionProof } from '../verify/proof.ts';
import {
  commitmentInput,
  HASH_BYTES,
  isValidUserId,
  leafInput,
  MAX_BALANCE,
  MAX_HEIGHT,
  recordBytes,
  SALT_BYTES,
  VALUE_BYTES,
  writeU128,
} from './encoding.ts';
import { buildLevels, type HashFn, nodeAt, paddingRecord } from './levels.ts';
import { proofAt, sumsOf, type TreeMeta } from './proof.ts';

export interface UserBalances {
  user: string;
  balances: bigint[];
}

export interface MemoryTree {
  meta: TreeMeta;
  levels: Uint8Array[];
  proof(user: string): InclusionProof | undefined;
}

export interface MemoryTreeOptions {
  buildId: string;
  snapshotTime: string;
  assets: string[];
  /** Build at least this high (hides the user count below 2^minHeight). */
  minHeight?: number;
  hash?: HashFn;
  /** Random bytes (salts, padding nonces, the permutation); tests may make it deterministic. */
  random: (n: number) => Uint8Array;
}

export function heightFor(count: number, minHeight = 1): number {
  let h = Math.max(1, minHeight);
  while (2 ** h < count) h++;
  if (h > MAX_HEIGHT) throw new InvalidInputError('RESERVES_TOO_MANY_USERS', `at most 2^${MAX_HEIGHT} users`);
  return h;
}

/** Uniform integer below n from the random source (rejection sampling on 32 bits). */
function below(n: number, random: (n: number) => Uint8Array): number {
  const limit = Math.floor(0x100000000 / n) * n;
  for (;;) {
    const b = random(4);
    const x = ((b[0]! << 24) >>> 0) + (b[1]! << 16) + (b[2]! << 8) + b[3]!;
    if (x < limit) return x % n;
  }
}

export function buildMemoryTree(rows: UserBalances[], o: MemoryTreeOptions): MemoryTree {
  const hash = o.hash ?? sha256;
  const K = o.assets.length;
  const R = recordBytes(K);
  const n = rows.length;
  if (n === 0) throw new InvalidInputError('RESERVES_SNAPSHOT_EMPTY', 'the snapshot has no users');
  const height = heightFor(n, o.minHeight);
  // Fisher–Yates: row i goes to leaf perm[i].
  const perm = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = below(i + 1, o.random);
    [perm[i], perm[j]] = [perm[j]!, perm[i]!];
  }
  const leaves = new Uint8Array(n * R);
  const where = new Map<string, { position: number; salt: Uint8Array }>();
  rows.forEach((row, i) => {
    if (!isValidUserId(row.user))
      throw new InvalidInputError('RESERVES_SNAPSHOT_INVALID', `row ${i + 1}: invalid user id`);
    if (where.has(row.user))
      throw new InvalidInputError(
        'RESERVES_SNAPSHOT_DUPLICATE_USER',
        `row ${i + 1}: duplicate user ${row.user}`,
      );
    if (row.balances.length !== K)
      throw new InvalidInputError('RESERVES_SNAPSHOT_INVALID', `row ${i + 1}: expected ${K} balances`);
    const bal = new Uint8Array(K * VALUE_BYTES);
    row.balances.forEach((b, k) => {
      if (b < 0n || b > MAX_BALANCE)
        throw new InvalidInputError('RESERVES_SNAPSHOT_OUT_OF_RANGE', `row ${i + 1}: balance out of range`);
      writeU128(bal, k * VALUE_BYTES, b);
    });
    const salt = o.random(SALT_BYTES);
    const commitment = hash(commitmentInput(salt, utf8(row.user)));
    const pos = perm[i]!;
    leaves.set(hash(leafInput(commitment, bal)), pos * R);
    leaves.set(bal, pos * R + HASH_BYTES);
    where.set(row.user, { position: pos, salt });
  });
  const levels = buildLevels(leaves, n, K, height, hash, () => paddingRecord(K, hash, o.random(32)));
  const root = nodeAt(levels, K, height, 0);
  const meta: TreeMeta = {
    buildId: o.buildId,
    snapshotTime: o.snapshotTime,
    assets: [...o.assets],
    height,
    root: { hash: bytesToHex(root.subarray(0, HASH_BYTES)), totals: sumsOf(root, K) },
  };
  const read = (level: number, index: number) => nodeAt(levels, K, level, index);
  return {
    meta,
    levels,
    proof(user) {
      const w = where.get(user);
      return w ? proofAt(meta, read, user, w.salt, w.position) : undefined;
    },
  };
}
