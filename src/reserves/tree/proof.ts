/**
 * An inclusion proof read out of a built tree (docs/proof-of-reserves.md §6): the leaf, then the
 * sibling of each node on the way up. The tree is reached through `read(level, index)`, so the same
 * code serves the in-memory tree and the level files on disk (h small positioned reads).
 */
import { bytesToHex, equalBytes, sha256, utf8 } from '../../core/index.ts';
import type { InclusionProof } from '../verify/proof.ts';
import { commitmentInput, HASH_BYTES, leafInput, readU128, VALUE_BYTES } from './encoding.ts';

export interface TreeMeta {
  buildId: string;
  snapshotTime: string;
  assets: string[];
  height: number;
  root: { hash: string; totals: string[] };
}

export type NodeReader = (level: number, index: number) => Uint8Array;

export function sumsOf(record: Uint8Array, assets: number): string[] {
  const out: string[] = [];
  for (let k = 0; k < assets; k++) out.push(readU128(record, HASH_BYTES + k * VALUE_BYTES).toString());
  return out;
}

/**
 * The proof for `user` at leaf `position` with `salt`; undefined when the leaf there is not this
 * user's (the leaf hash recomputed from user, salt and stored balances differs).
 */
export function proofAt(
  meta: TreeMeta,
  read: NodeReader,
  user: string,
  salt: Uint8Array,
  position: number,
): InclusionProof | undefined {
  const K = meta.assets.length;
  const leaf = read(0, position);
  const commitment = sha256(commitmentInput(salt, utf8(user)));
  const leafHash = sha256(leafInput(commitment, leaf.subarray(HASH_BYTES)));
  if (!equalBytes(leafHash, leaf.subarray(0, HASH_BYTES))) return undefined;
  const path = [];
  for (let l = 0; l < meta.height; l++) {
    const sib = read(l, Math.floor(position / 2 ** l) ^ 1);
    path.push({ hash: bytesToHex(sib.subarray(0, HASH_BYTES)), sums: sumsOf(sib, K) });
  }
  return {
    version: 1,
    buildId: meta.buildId,
    snapshotTime: meta.snapshotTime,
    assets: [...meta.assets],
    height: meta.height,
    root: { hash: meta.root.hash, totals: [...meta.root.totals] },
    leaf: {
      user,
      salt: bytesToHex(salt),
      commitment: bytesToHex(commitment),
      position,
      balances: sumsOf(leaf, K),
    },
    path,
  };
}
