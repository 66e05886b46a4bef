/**
 * RFC 6962 §2.1 (RFC 9162 §2.1.1) tree hashing with SHA-256:
 *   MTH({})      = SHA-256()                         the empty tree
 *   leaf hash    = SHA-256(0x00 || d)
 *   node hash    = SHA-256(0x01 || left || right)
 * The distinct prefixes keep a leaf from ever being read as an interior node (second preimages).
 */
import { sha256 } from '../../core/index.ts';
import { type ErrorFactory, inputError, MerkleErrorCode } from './errors.ts';

/** Bytes in every hash of the tree (SHA-256). */
export const HASH_SIZE = 32;

/** MTH({}) = SHA-256 of the empty string: the root of the tree with no leaves. */
export const EMPTY_ROOT: Uint8Array = sha256(new Uint8Array(0));

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

// Scratch buffers: hashing is synchronous and SHA-256 does not keep its input, so reusing them
// saves an allocation per hash (these functions run once per node when streaming millions of leaves).
const nodeScratch = new Uint8Array(1 + 2 * HASH_SIZE);
nodeScratch[0] = NODE_PREFIX;
const LEAF_SCRATCH_MAX = 4096;
const leafScratch = new Uint8Array(1 + LEAF_SCRATCH_MAX);
leafScratch[0] = LEAF_PREFIX;

/** SHA-256(0x00 || data): the hash of one leaf's data (RFC 6962 §2.1). */
export function leafHash(data: Uint8Array): Uint8Array {
  if (data.length <= LEAF_SCRATCH_MAX) {
    leafScratch.set(data, 1);
    return sha256(leafScratch.subarray(0, 1 + data.length));
  }
  const buf = new Uint8Array(1 + data.length);
  buf[0] = LEAF_PREFIX;
  buf.set(data, 1);
  return sha256(buf);
}

/** Throws (through `fail`) unless h is a Uint8Array of exactly HASH_SIZE bytes. */
export function checkHash(
  h: unknown,
  name: string,
  fail: ErrorFactory = inputError,
): asserts h is Uint8Array {
  if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE)
    throw fail(
      MerkleErrorCode.HASH_SIZE_INVALID,
      `${name} must be ${HASH_SIZE} bytes (got ${h instanceof Uint8Array ? `${h.length} bytes` : typeof h})`,
      { name },
    );
}

/** SHA-256(0x01 || left || right): an interior node (RFC 6962 §2.1). Both children are HASH_SIZE bytes. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length !== HASH_SIZE) checkHash(left, 'left child', inputError);
  if (right.length !== HASH_SIZE) checkHash(right, 'right child', inputError);
  nodeScratch.set(left, 1);
  nodeScratch.set(right, 1 + HASH_SIZE);
  return sha256(nodeScratch);
}
