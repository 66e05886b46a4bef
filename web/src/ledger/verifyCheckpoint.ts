/**
 * Checks a checkpoint in the browser with the server's own code: the signed note must carry a
 * valid Ed25519 signature by the log's verifier key, and its body must be a checkpoint for the
 * log's origin. Only the values inside the signed note are returned; the server's JSON summary
 * (origin, size, root) must agree with them, or the check fails.
 */
import { bytesToBase64 } from '../../../src/core/bytes.ts';
import { VerificationError } from '../../../src/core/errors.ts';
import { openNote, parseCheckpoint, parseVerifierKey } from '../../../src/ledger/note/index.ts';
import type { CheckpointDto, LogKeyDto } from './types.ts';

export interface VerifiedCheckpoint {
  origin: string;
  size: number;
  root: Uint8Array;
  rootBase64: string;
  /** The verifier key the signature was checked against (`name+hash+base64`). */
  key: string;
  /** Signature lines by other keys (witness cosignatures), present but not checked here. */
  otherSignatures: string[];
}

/** Throws a RampartError (with `.code`) when anything does not hold. */
export function verifyCheckpoint(dto: CheckpointDto, logKey: LogKeyDto): VerifiedCheckpoint {
  const verifier = parseVerifierKey(logKey.key);
  const opened = openNote(dto.note, [verifier]);
  const signed = parseCheckpoint(opened.text);
  if (signed.origin !== logKey.origin) {
    throw new VerificationError(
      'CHECKPOINT_WRONG_ORIGIN',
      `the signed checkpoint is for origin "${signed.origin}", but this log is "${logKey.origin}"`,
    );
  }
  const rootBase64 = bytesToBase64(signed.root);
  const claims: [string, string | number, string | number][] = [
    ['origin', dto.origin, signed.origin],
    ['size', dto.size, signed.size],
    ['root', dto.root, rootBase64],
  ];
  for (const [name, said, inNote] of claims) {
    if (said !== inNote) {
      throw new VerificationError(
        'CHECKPOINT_MISMATCH',
        `the server says the checkpoint's ${name} is ${said}, but the signed note says ${inNote}`,
      );
    }
  }
  const otherSignatures = opened.signatures.filter((sig) => !sig.verified).map((sig) => sig.name);
  return {
    origin: signed.origin,
    size: signed.size,
    root: signed.root,
    rootBase64,
    key: logKey.key,
    otherSignatures,
  };
}

/** `name+hash` of a verifier key, without the key material. */
export function keyName(key: string): string {
  return key.split('+').slice(0, 2).join('+');
}
