/**
 * The memory a verification worker shares with the event loop (verify-pool.ts writes it,
 * verify-worker.mjs reads it): one place for both sides.
 *
 * - control, Int32 words: WRITTEN, the items written by the event loop (a count that wraps at 2^32;
 *   item n lives in slot n mod SLOTS); WORKER_SLEEPS, 1 while the worker sleeps (only then does the
 *   writer wake it); SPIN_MICROS, how long the worker looks for the next item before sleeping, µs.
 * - items, SLOTS slots of SLOT_BYTES: the kind (u8) at 0, the payload's length (u32 LE) at 4, the
 *   payload at ITEM_HEADER. A signature (SIGNATURE) is the 32-byte public key, the 64-byte signature
 *   and the data; a request (REQUEST) is the UTF-8 JSON of [method, url, requestTarget, label,
 *   headers, base64 key or null].
 */
export const SLOTS = 64;
export const SLOT_BYTES = 32 * 1024;

export const WRITTEN = 0;
export const WORKER_SLEEPS = 1;
export const SPIN_MICROS = 2;
export const CONTROL_WORDS = 3;

export const SIGNATURE = 1;
export const REQUEST = 2;
/** The kind (u8), padding and the payload's length (u32) before each item's payload. */
export const ITEM_HEADER = 8;
/** A signature item's payload before its data: the public key and the signature. */
export const KEY_AND_SIGNATURE = 32 + 64;
