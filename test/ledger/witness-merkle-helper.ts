/**
 * A small, obviously-correct RFC 6962 Merkle tree for the witness tests: MTH (§2.1), PROOF
 * (§2.1.2) and the consistency check of RFC 9162 §2.1.4.2. Test-only; the real one is
 * src/ledger/merkle.
 */
import { concatBytes, equalBytes, sha256, utf8 } from '../../src/core/index.ts';

const leafHash = (d: Uint8Array) => sha256(concatBytes(Uint8Array.of(0), d));
const nodeHash = (l: Uint8Array, r: Uint8Array) => sha256(concatBytes(Uint8Array.of(1), l, r));
const split = (n: number) => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};

export function mth(d: Uint8Array[]): Uint8Array {
  if (d.length === 0) return sha256(new Uint8Array(0));
  if (d.length === 1) return leafHash(d[0]!);
  const k = split(d.length);
  return nodeHash(mth(d.slice(0, k)), mth(d.slice(k)));
}

function subproof(m: number, d: Uint8Array[], b: boolean): Uint8Array[] {
  const n = d.length;
  if (m === n) return b ? [] : [mth(d)];
  const k = split(n);
  if (m <= k) return [...subproof(m, d.slice(0, k), b), mth(d.slice(k))];
  return [...subproof(m - k, d.slice(k), false), mth(d.slice(0, k))];
}

/** PROOF(m, D[n]) for 0 < m <= n. */
export function consistencyProof(m: number, d: Uint8Array[]): Uint8Array[] {
  return subproof(m, d, true);
}

export function leaves(n: number, tag = 'leaf'): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => utf8(`${tag} ${i}`));
}

/** RFC 9162 §2.1.4.2, with the injected shape the witness expects; throws on failure. */
export function verifyConsistency(args: {
  size1: number;
  size2: number;
  root1: Uint8Array;
  root2: Uint8Array;
  proof: Uint8Array[];
}): void {
  const { size1, size2, root1, root2 } = args;
  const fail = (why: string) => {
    throw new Error(`consistency proof does not verify: ${why}`);
  };
  if (size1 > size2) fail('size1 > size2');
  if (size1 === size2) {
    if (args.proof.length !== 0 || !equalBytes(root1, root2)) fail('equal sizes');
    return;
  }
  if (size1 === 0) {
    if (args.proof.length !== 0) fail('proof from 0');
    return;
  }
  if (args.proof.length === 0) fail('empty proof');
  const path = (size1 & (size1 - 1)) === 0 ? [root1, ...args.proof] : [...args.proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) fail('proof too long');
    if (fn & 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!(fn & 1) && fn !== 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (!equalBytes(fr, root1) || !equalBytes(sr, root2) || sn !== 0) fail('roots');
}
