/**
 * Proof verification, as specified in RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency),
 * which restate RFC 6962's proofs as iterative algorithms. Every failure throws VerificationError:
 * argument codes (PROOF_SIZE_INVALID, PROOF_INDEX_OUT_OF_RANGE, PROOF_RANGE_INVALID,
 * MERKLE_HASH_SIZE_INVALID) for material that cannot describe a proof at all, and
 * INCLUSION_PROOF_INVALID / CONSISTENCY_PROOF_INVALID, with `details.reason`, for a proof that
 * does not prove what it claims.
 *
 * Proof lengths are checked up front against the exact length the tree shape dictates (as
 * transparency-dev/merkle does), which the RFC algorithms otherwise only catch indirectly.
 */
import { equalBytes } from '../../core/index.ts';
import { bitLengthXor, isPowerOfTwo, popcount, shiftRight, trailingZeros } from './bits.ts';
import { checkIndex, checkRange, checkSize, MerkleErrorCode, verificationError } from './errors.ts';
import { checkHash, nodeHash } from './hash.ts';

export interface InclusionProofInput {
  /** Index of the leaf in the tree, 0 ≤ index < size. */
  index: number;
  size: number;
  /** The leaf's hash, SHA-256(0x00 || data). */
  leafHash: Uint8Array;
  /** Sibling hashes from the leaf upwards (RFC 9162 inclusion_path). */
  proof: readonly Uint8Array[];
}

export interface InclusionCheck extends InclusionProofInput {
  /** The root of the tree of `size` leaves that the leaf is claimed to be in. */
  root: Uint8Array;
}

export interface ConsistencyCheck {
  size1: number;
  size2: number;
  root1: Uint8Array;
  root2: Uint8Array;
  /** RFC 9162 consistency_path. */
  proof: readonly Uint8Array[];
}

type Reason = 'proof-length' | 'root-mismatch' | 'root1-mismatch' | 'root2-mismatch';

function inclusionFailure(reason: Reason, message: string, details: Record<string, unknown> = {}): Error {
  return verificationError(MerkleErrorCode.INCLUSION_PROOF_INVALID, `inclusion proof invalid: ${message}`, {
    reason,
    ...details,
  });
}

function consistencyFailure(reason: Reason, message: string, details: Record<string, unknown> = {}): Error {
  return verificationError(
    MerkleErrorCode.CONSISTENCY_PROOF_INVALID,
    `consistency proof invalid: ${message}`,
    {
      reason,
      ...details,
    },
  );
}

function checkProofHashes(proof: readonly Uint8Array[]): void {
  for (let k = 0; k < proof.length; k++) checkHash(proof[k], `proof[${k}]`, verificationError);
}

/** Number of nodes in PATH(index, D[size]): levels below the split from leaf size−1, plus left siblings above. */
function inclusionProofLength(index: number, size: number): number {
  const inner = bitLengthXor(index, size - 1);
  return inner + popcount(shiftRight(index, inner));
}

/** Number of nodes in PROOF(size1, D[size2]) for 0 < size1 < size2. */
function consistencyProofLength(size1: number, size2: number): number {
  const forkLevel = bitLengthXor(size1 - 1, size2 - 1);
  const border = popcount(shiftRight(size1 - 1, forkLevel));
  const inner = forkLevel - trailingZeros(size1);
  return (isPowerOfTwo(size1) ? 0 : 1) + inner + border;
}

/**
 * The root an inclusion proof leads to (RFC 9162 §2.1.3.2 steps 1–4 and the sn = 0 check of step 5);
 * the caller compares it with a root it trusts.
 */
export function rootFromInclusionProof(input: InclusionProofInput): Uint8Array {
  const { index, size, leafHash, proof } = input;
  checkSize(size, 'size', verificationError);
  checkIndex(index, size, verificationError); // step 1: index < size
  checkHash(leafHash, 'leaf hash', verificationError);
  const want = inclusionProofLength(index, size);
  if (proof.length !== want)
    throw inclusionFailure(
      'proof-length',
      `a leaf at index ${index} of a tree of size ${size} needs ${want} proof node(s), got ${proof.length}`,
      {
        want,
        got: proof.length,
      },
    );
  checkProofHashes(proof);
  // Step 2–3.
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  // Step 4.
  for (const p of proof) {
    if (sn === 0) throw inclusionFailure('proof-length', 'proof is longer than the path to the root');
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0)
        while (fn % 2 === 0 && fn !== 0) {
          fn /= 2;
          sn = Math.floor(sn / 2);
        }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // Step 5 (first half).
  if (sn !== 0) throw inclusionFailure('proof-length', 'proof is shorter than the path to the root');
  return r;
}

/** RFC 9162 §2.1.3.2: throws VerificationError unless `proof` proves leafHash is at index in the tree with `root`. */
export function verifyInclusion(input: InclusionCheck): void {
  const r = rootFromInclusionProof(input);
  checkHash(input.root, 'root', verificationError);
  // Step 5 (second half).
  if (!equalBytes(r, input.root))
    throw inclusionFailure(
      'root-mismatch',
      `the proof leads to a different root than the one given for size ${input.size}`,
    );
}

/**
 * RFC 9162 §2.1.4.2: throws VerificationError unless `proof` proves the tree (size2, root2) extends
 * the tree (size1, root1).
 *  - size1 > size2, or size1 = 0: PROOF_RANGE_INVALID. Every tree extends the empty one, so a
 *    "proof" from size 0 would prove nothing (transparency-dev/merkle rejects it too).
 *  - size1 = size2: the proof must be empty and the roots identical (nothing is hashed, so the
 *    roots are only compared byte for byte).
 */
export function verifyConsistency(input: ConsistencyCheck): void {
  const { size1, size2, root1, root2, proof } = input;
  checkRange(size1, size2, ['size1', 'size2'], verificationError);
  if (size1 === size2) {
    if (proof.length !== 0)
      throw consistencyFailure('proof-length', `sizes are equal (${size1}) but the proof is not empty`, {
        want: 0,
        got: proof.length,
      });
    if (!equalBytes(root1, root2))
      throw consistencyFailure('root-mismatch', `sizes are equal (${size1}) but the roots differ`);
    return;
  }
  checkHash(root1, 'root1', verificationError);
  checkHash(root2, 'root2', verificationError);
  const want = consistencyProofLength(size1, size2);
  if (proof.length !== want)
    throw consistencyFailure(
      'proof-length',
      `sizes ${size1} → ${size2} need ${want} proof node(s), got ${proof.length}`,
      {
        want,
        got: proof.length,
      },
    );
  checkProofHashes(proof);
  // Steps 1–2: the path starts with root1 itself when size1 is a power of two.
  let k = 0;
  let seed: Uint8Array;
  if (isPowerOfTwo(size1)) seed = root1;
  else seed = proof[k++]!;
  // Steps 3–4.
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // Steps 5–6.
  let fr = seed;
  let sr = seed;
  for (; k < proof.length; k++) {
    const c = proof[k]!;
    if (sn === 0) throw consistencyFailure('proof-length', 'proof is longer than the path to the root');
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0)
        while (fn % 2 === 0 && fn !== 0) {
          fn /= 2;
          sn = Math.floor(sn / 2);
        }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // Step 7.
  if (sn !== 0) throw consistencyFailure('proof-length', 'proof is shorter than the path to the root');
  if (!equalBytes(fr, root1))
    throw consistencyFailure('root1-mismatch', `the proof does not lead to the root given for size ${size1}`);
  if (!equalBytes(sr, root2))
    throw consistencyFailure('root2-mismatch', `the proof does not lead to the root given for size ${size2}`);
}
