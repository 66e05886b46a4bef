/**
 * Ed25519 v1 checkpoint cosignatures (c2sp.org/tlog-cosignature): a note signature line
 * `— <cosigner name> base64(key ID || timestamp || Ed25519 signature)` over the message
 * "cosignature/v1\ntime <t>\n" || checkpoint body.
 */
import { isRampartError, utf8, VerificationError } from '../../core/index.ts';
import { parseCheckpoint } from './checkpoint.ts';
import { decodeTimestampedSignature, isValidTimestamp } from './cosignature-message.ts';
import type { Cosigner, CosignerVerifier } from './cosigner-keys.ts';
import { formatSignatureLine, type NoteSignature, parseSignatureLine } from './signed-note.ts';
import { formatKeyId } from './vkey.ts';

function invalid(message: string, reason: string): VerificationError {
  return new VerificationError('COSIGNATURE_INVALID', message, { reason });
}

/**
 * Cosign a checkpoint body at `timeSeconds` (POSIX seconds, > 0: tlog-witness forbids a zero
 * timestamp) and return the signature line, final newline included, ready to append to the note.
 */
export function cosignCheckpoint(body: string, cosigner: Cosigner, timeSeconds: number): string {
  parseCheckpoint(body);
  if (!isValidTimestamp(timeSeconds) || timeSeconds === 0) {
    throw invalid('cosignature time must be a positive whole number of seconds', 'timestamp');
  }
  return formatSignatureLine(cosigner.name, cosigner.keyId, cosigner.cosign(body, timeSeconds));
}

function parseLine(line: string): NoteSignature {
  try {
    return parseSignatureLine(line);
  } catch (e) {
    if (isRampartError(e)) throw invalid(`cosignature line is malformed: ${e.message}`, 'line');
    throw e;
  }
}

/** The timestamp of a v1 cosignature line, without checking the signature. */
export function cosignatureTimestamp(line: string): number {
  const ts = decodeTimestampedSignature(parseLine(line).signature);
  if (ts === undefined)
    throw invalid('not an Ed25519 v1 cosignature (72-byte timestamped signature)', 'length');
  return ts.timestamp;
}

/**
 * Verify one cosignature line over a checkpoint body with a trusted cosigner key. The line must be
 * from that key (name and key ID), carry a 72-byte timestamped_signature, and verify; with
 * `notAfter` (POSIX seconds) a timestamp in the future is refused too (allowed by the spec).
 */
export function verifyCosignature(
  body: string,
  line: string,
  cosigner: CosignerVerifier,
  opts: { notAfter?: number } = {},
): { name: string; keyId: number; timestamp: number } {
  parseCheckpoint(body);
  const sig = parseLine(line);
  if (sig.name !== cosigner.name || sig.keyId !== cosigner.keyId) {
    throw new VerificationError('COSIGNATURE_INVALID', 'cosignature is not from this cosigner', {
      reason: 'key',
      name: sig.name,
      keyId: formatKeyId(sig.keyId),
    });
  }
  const ts = decodeTimestampedSignature(sig.signature);
  if (ts === undefined)
    throw invalid('not an Ed25519 v1 cosignature (72-byte timestamped signature)', 'length');
  if (opts.notAfter !== undefined && ts.timestamp > opts.notAfter) {
    throw invalid('cosignature timestamp is in the future', 'future');
  }
  if (!cosigner.verify(utf8(body), sig.signature)) {
    throw invalid('cosignature does not verify', 'signature');
  }
  return { name: sig.name, keyId: sig.keyId, timestamp: ts.timestamp };
}
