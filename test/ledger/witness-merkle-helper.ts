/**
 * The witness tests' independent RFC 6962 pieces: MTH and PROOF from merkle-rfc-reference.ts, and
 * the consistency check of RFC 9162 §2.1.4.2. Test-only; the real one is
 * src/ledger/merkle.
 */
import { concatBytes, equalBytes, sha256, utf8 } from '../../src/core/index.ts';
import { mth, proof } from './merkle-rfc-reference.ts';

const nodeHash = (l: Uint8Array, r: Uint8Array) => sha256(concatBytes(Uint8Array.of(1), l, r));

export { mth };

/** PROOF(m, D[n]) for 0 < m <= n (the literal RFC 6962 reference in merkle-rfc-reference.ts). */
export function consistencyProof(m: number, d: Uint8Array[]): Uint8Array[] {
  return proof(m, d);
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
