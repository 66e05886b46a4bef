/**
 * Checkpoints (c2sp.org/tlog-checkpoint, "Note text"): the body of a signed note made of
 *
 *   <origin>\n
 *   <tree size, ASCII decimal, no leading zeroes>\n
 *   <base64 RFC 6962 root hash>\n
 *   [<extension line>\n ...]
 */
import { base64ToBytes, bytesToBase64, InvalidInputError } from '../../core/index.ts';
import { hasControlChar } from './vkey.ts';

export interface Checkpoint {
  /** Unique identifier of the log, e.g. `example.com/log42`. */
  origin: string;
  /** Number of leaves. Sizes above 2^53 - 1 are refused (JavaScript numbers). */
  size: number;
  /** RFC 6962 Merkle tree hash (SHA-256, 32 bytes). */
  root: Uint8Array;
  /** Optional opaque, non-empty extension lines (NOT RECOMMENDED by the spec). */
  extensions: string[];
}

export const ROOT_HASH_BYTES = 32;

function malformed(message: string, reason: string): InvalidInputError {
  return new InvalidInputError('CHECKPOINT_MALFORMED', message, { reason });
}

/** A non-empty line with no newline, no other control character, no unpaired surrogate. */
function checkLine(line: string, what: string): void {
  if (line === '') throw malformed(`${what} is empty`, 'empty-line');
  if (hasControlChar(line) || /\p{Cs}/u.test(line))
    throw malformed(`${what} has a control character`, 'control');
}

/** ASCII decimal with no leading zeroes ("0" for zero), as tlog-checkpoint and tlog-witness use. */
export function parseDecimal(s: string): number | undefined {
  if (!/^(0|[1-9][0-9]*)$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

export function formatCheckpoint(c: {
  origin: string;
  size: number;
  root: Uint8Array;
  extensions?: readonly string[];
}): string {
  checkLine(c.origin, 'origin');
  if (!Number.isSafeInteger(c.size) || c.size < 0)
    throw malformed('tree size is not a non-negative integer', 'size');
  if (c.root.length !== ROOT_HASH_BYTES) throw malformed('root hash is not 32 bytes', 'root');
  const ext = c.extensions ?? [];
  for (const e of ext) checkLine(e, 'extension line');
  return [c.origin, String(c.size), bytesToBase64(c.root), ...ext].map((l) => `${l}\n`).join('');
}

/** Parse a checkpoint body strictly; every deviation is CHECKPOINT_MALFORMED. */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw malformed('checkpoint does not end in a newline', 'final-newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw malformed('checkpoint has fewer than three lines', 'too-short');
  const [origin, sizeLine, rootLine, ...extensions] = lines as [string, string, string, ...string[]];
  checkLine(origin, 'origin');
  const size = parseDecimal(sizeLine);
  if (size === undefined) throw malformed('tree size is not a decimal without leading zeroes', 'size');
  let root: Uint8Array;
  try {
    root = base64ToBytes(rootLine);
  } catch {
    throw malformed('root hash is not standard base64', 'root');
  }
  if (root.length !== ROOT_HASH_BYTES) throw malformed('root hash is not 32 bytes', 'root');
  for (const e of extensions) checkLine(e, 'extension line');
  return { origin, size, root, extensions };
}
