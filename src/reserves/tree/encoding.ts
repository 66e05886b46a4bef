/**
 * The byte encodings of the proof-of-liabilities tree (docs/proof-of-reserves.md §3–§5). Pure and
 * browser-safe: the builder (node:crypto) and the verifier (@noble/hashes) hash exactly these bytes.
 *
 *   salt       = SHA-256(0x04 || build secret[32] || utf8(user id))                 §3.1
 *   commitment = SHA-256(0x03 || salt[32] || utf8(user id))                         §3.1
 *   leaf       = SHA-256(0x00 || commitment[32] || balance_1[16] || … || balance_K[16])  §3.2
 *   node       = SHA-256(0x01 || left.hash[32] || left.sums[16K] || right.hash[32] || right.sums[16K])  §3.3
 *   padding    = SHA-256(0x02 || nonce[32]), sums all zero                            §3.4
 *
 * Every value is an unsigned 128-bit big-endian integer. A leaf balance is below 2^96 and a node at
 * height h holds at most 2^h · (2^96 − 1) per asset, so with h ≤ 32 nothing reaches 2^128 (§4).
 */

export const TAG_LEAF = 0x00;
export const TAG_NODE = 0x01;
export const TAG_PADDING = 0x02;
export const TAG_COMMITMENT = 0x03;
export const TAG_SALT = 0x04;

export const HASH_BYTES = 32;
export const SALT_BYTES = 32;
/** Width of every balance and sum field. */
export const VALUE_BYTES = 16;
/** A leaf balance is at most 2^96 − 1 base units (§4). */
export const BALANCE_BITS = 96;
export const MAX_BALANCE = (1n << 96n) - 1n;
/** Tree height bound: at most 2^32 leaves, so every sum stays below 2^128 (§4). */
export const MAX_HEIGHT = 32;
export const MAX_ASSETS = 16;
/** User ids: printable ASCII without comma, quote or space, 1–128 bytes (§2). */
export const USER_ID = /^[\x21-\x7e]{1,128}$/;
export const ASSET_NAME = /^[A-Z0-9][A-Z0-9._-]{0,15}$/;

/** Bytes of one stored node record: hash then K sums. */
export function recordBytes(assets: number): number {
  return HASH_BYTES + VALUE_BYTES * assets;
}

/** The largest sum a node at `height` may hold for one asset (height 0: a leaf). */
export function maxSumAt(height: number): bigint {
  return MAX_BALANCE << BigInt(height);
}

export function isValidUserId(id: string): boolean {
  return USER_ID.test(id) && !id.includes(',') && !id.includes('"');
}

/** Write `v` (0 ≤ v < 2^128) as 16 big-endian bytes at `out[off…]`. */
export function writeU128(out: Uint8Array, off: number, v: bigint): void {
  if (v < 0n || v >> 128n !== 0n) throw new RangeError('value out of the 128-bit range');
  let x = v;
  for (let i = VALUE_BYTES - 1; i >= 0; i--) {
    out[off + i] = Number(x & 0xffn);
    x >>= 8n;
  }
}

export function readU128(b: Uint8Array, off: number): bigint {
  let v = 0n;
  for (let i = 0; i < VALUE_BYTES; i++) v = (v << 8n) | BigInt(b[off + i]!);
  return v;
}

/**
 * out = a + b over K 16-byte big-endian fields, 32-bit limbs with carry (no bigint in the build's
 * hot path). Returns false if a field carries out of 128 bits (the caller fails the build).
 */
export function addSums(
  a: Uint8Array,
  aOff: number,
  b: Uint8Array,
  bOff: number,
  out: Uint8Array,
  outOff: number,
  assets: number,
): boolean {
  for (let k = 0; k < assets; k++) {
    let carry = 0;
    const base = k * VALUE_BYTES;
    for (let i = VALUE_BYTES - 4; i >= 0; i -= 4) {
      const ai = aOff + base + i;
      const bi = bOff + base + i;
      const x =
        ((a[ai]! << 24) >>> 0) +
        (a[ai + 1]! << 16) +
        (a[ai + 2]! << 8) +
        a[ai + 3]! +
        ((b[bi]! << 24) >>> 0) +
        (b[bi + 1]! << 16) +
        (b[bi + 2]! << 8) +
        b[bi + 3]! +
        carry;
      carry = x > 0xffffffff ? 1 : 0;
      const y = x - carry * 0x100000000;
      const oi = outOff + base + i;
      out[oi] = y >>> 24;
      out[oi + 1] = (y >>> 16) & 0xff;
      out[oi + 2] = (y >>> 8) & 0xff;
      out[oi + 3] = y & 0xff;
    }
    if (carry !== 0) return false;
  }
  return true;
}

/**
 * tag || first || second: every hash preimage of the tree is one domain-separation byte and two
 * parts. A fixed-size first part (a secret, salt or hash) of any other length is a caller's bug:
 * it would shift the second part and make another preimage, so it throws.
 */
function tagged(tag: number, first: Uint8Array, second: Uint8Array, firstBytes = first.length): Uint8Array {
  if (first.length !== firstBytes) throw new RangeError(`expected ${firstBytes} bytes, got ${first.length}`);
  const out = new Uint8Array(1 + first.length + second.length);
  out[0] = tag;
  out.set(first, 1);
  out.set(second, 1 + first.length);
  return out;
}

/** 0x04 || build secret || utf8(user id): the salt preimage (§3.1). */
export function saltInput(secret: Uint8Array, userId: Uint8Array): Uint8Array {
  return tagged(TAG_SALT, secret, userId, SALT_BYTES);
}

/** 0x03 || salt || utf8(user id): the commitment preimage (§3.1). */
export function commitmentInput(salt: Uint8Array, userId: Uint8Array): Uint8Array {
  return tagged(TAG_COMMITMENT, salt, userId, SALT_BYTES);
}

/** 0x00 || commitment || balances (§3.2). `balances` is K·16 bytes. */
export function leafInput(commitment: Uint8Array, balances: Uint8Array): Uint8Array {
  return tagged(TAG_LEAF, commitment, balances, HASH_BYTES);
}

/** 0x01 || left record || right record (§3.3); records are hash || sums. */
export function nodeInput(left: Uint8Array, right: Uint8Array): Uint8Array {
  return tagged(TAG_NODE, left, right);
}

/** 0x02 || nonce (§3.4). */
export function paddingInput(nonce: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + nonce.length);
  out[0] = TAG_PADDING;
  out.set(nonce, 1);
  return out;
}
