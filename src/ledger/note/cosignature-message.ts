/**
 * The bytes of an Ed25519 v1 cosignature (c2sp.org/tlog-cosignature, "Format" and
 * "Ed25519 signed message"):
 *
 *   signed message = "cosignature/v1\n" || "time " || decimal(timestamp) || "\n" || checkpoint body
 *   timestamped_signature = uint64 timestamp (big-endian) || 64-byte Ed25519 signature
 */
import { concatBytes, utf8 } from '../../core/index.ts';

export const COSIGNATURE_V1_HEADER = 'cosignature/v1\n';
export const TIMESTAMP_BYTES = 8;
export const TIMESTAMPED_SIGNATURE_BYTES = TIMESTAMP_BYTES + 64;

/** Timestamps are POSIX seconds; the spec caps them at 2^63 - 1, JavaScript numbers at 2^53 - 1. */
export function isValidTimestamp(t: number): boolean {
  return Number.isSafeInteger(t) && t >= 0;
}

/** The message an Ed25519 v1 cosigner signs for `body` (the note text, final newline included). */
export function cosignatureMessage(body: string | Uint8Array, timeSeconds: number): Uint8Array {
  if (!isValidTimestamp(timeSeconds)) throw new RangeError('timestamp is not a non-negative safe integer');
  return concatBytes(
    utf8(`${COSIGNATURE_V1_HEADER}time ${timeSeconds}\n`),
    typeof body === 'string' ? utf8(body) : body,
  );
}

export function encodeTimestampedSignature(timeSeconds: number, signature: Uint8Array): Uint8Array {
  const ts = new Uint8Array(TIMESTAMP_BYTES);
  new DataView(ts.buffer).setBigUint64(0, BigInt(timeSeconds), false);
  return concatBytes(ts, signature);
}

/** Split a timestamped_signature; undefined if it is not 72 bytes or the time is out of range. */
export function decodeTimestampedSignature(
  sig: Uint8Array,
): { timestamp: number; signature: Uint8Array } | undefined {
  if (sig.length !== TIMESTAMPED_SIGNATURE_BYTES) return undefined;
  const t = new DataView(sig.buffer, sig.byteOffset, TIMESTAMP_BYTES).getBigUint64(0, false);
  if (t > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return { timestamp: Number(t), signature: sig.subarray(TIMESTAMP_BYTES) };
}
