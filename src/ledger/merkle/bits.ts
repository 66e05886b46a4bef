/**
 * Bit arithmetic on tree sizes and indexes, which are JS numbers up to 2^53 − 1
 * (Number.MAX_SAFE_INTEGER). JavaScript's bitwise operators truncate to 32 bits, so every helper
 * here takes a 32-bit fast path and otherwise splits the value into high and low 32-bit words.
 * Callers validate their arguments first; these functions assume non-negative safe integers.
 */

const TWO_32 = 0x1_0000_0000;

/** 2^k for 0 ≤ k ≤ 53 (exact as a double). */
export const POW2: readonly number[] = Array.from({ length: 54 }, (_, k) => 2 ** k);

/** Number of bits needed to write x: 0 for 0, 1 for 1, 3 for 5. */
export function bitLength(x: number): number {
  if (x < TWO_32) return 32 - Math.clz32(x);
  return 64 - Math.clz32(Math.floor(x / TWO_32));
}

/** Bit length of a XOR b: the height at which the root-to-leaf paths of a and b part. */
export function bitLengthXor(a: number, b: number): number {
  if (a < TWO_32 && b < TWO_32) return 32 - Math.clz32((a ^ b) >>> 0);
  const hi = (Math.floor(a / TWO_32) ^ Math.floor(b / TWO_32)) >>> 0;
  if (hi !== 0) return 64 - Math.clz32(hi);
  return 32 - Math.clz32(((a % TWO_32) ^ (b % TWO_32)) >>> 0);
}

function ctz32(v: number): number {
  return 31 - Math.clz32(v & -v);
}

/** Number of trailing zero bits of x > 0 (so x is a multiple of 2^result). */
export function trailingZeros(x: number): number {
  const lo = x % TWO_32;
  if (lo !== 0) return ctz32(lo);
  return 32 + ctz32(Math.floor(x / TWO_32));
}

/** Number of trailing one bits of x ≥ 0: how many complete subtrees leaf x finishes above itself. */
export function trailingOnes(x: number): number {
  return trailingZeros(x + 1);
}

function popcount32(v: number): number {
  let n = v - ((v >>> 1) & 0x55555555);
  n = (n & 0x33333333) + ((n >>> 2) & 0x33333333);
  return (((n + (n >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Number of one bits of x. */
export function popcount(x: number): number {
  if (x < TWO_32) return popcount32(x);
  return popcount32(Math.floor(x / TWO_32)) + popcount32(x % TWO_32);
}

/** floor(x / 2^k). */
export function shiftRight(x: number, k: number): number {
  return k === 0 ? x : Math.floor(x / POW2[k]!);
}

/** True when x is 2^k for some k ≥ 0. */
export function isPowerOfTwo(x: number): boolean {
  return x > 0 && trailingZeros(x) === bitLength(x) - 1;
}
