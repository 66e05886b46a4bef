/**
 * Full verification of a log from its entries alone: every leaf recomputed from the entry bytes,
 * every complete subtree recomputed, compared with what the store (or the tiles) say, and every
 * checkpoint's root and signature checked. Pure over an async stream, so the same code checks a
 * local store (`--data-dir`) and a remote log read through its tiles (`--url`).
 */
import { bytesToBase64, equalBytes, utf8 } from '../core/index.ts';
import { decodeEntry } from './entry.ts';
import { leafHash, TreeBuilder } from './merkle/index.ts';
import { type NoteVerifier, openNote, parseCheckpoint } from './note/index.ts';

export interface LeafRecord {
  index: number;
  /** The stored leaf data (canonical entry JSON). */
  text: string;
  /** What the store claims the leaf's hashes are (leaf hash first), if it keeps them. */
  storedHashes?: Uint8Array;
  /** Or just the leaf hash a remote log serves for it (its level-0 tile). */
  claimedLeaf?: Uint8Array;
  /** Columns the store keeps beside the entry, which must agree with it. */
  columns?: { time: string; actor: string; action: string; subject: string };
}

export interface CheckpointRecord {
  size: number;
  note: string;
  /** The root the store keeps beside the note, if any. */
  root?: Uint8Array;
}

export interface Problem {
  code: string;
  message: string;
  index?: number;
  size?: number;
}

export interface VerifyReport {
  ok: boolean;
  size: number;
  root: string;
  checkpoints: number;
  latestCheckpoint?: { size: number; root: string };
  /** The first problem found (verification stops at it). */
  problem?: Problem;
}

export interface VerifyInput {
  origin: string;
  verifier: NoteVerifier;
  /** Declared number of entries. */
  size: number;
  leaves: AsyncIterable<LeafRecord>;
  /** Checkpoints to check, any order. */
  checkpoints: CheckpointRecord[];
  /** The last checkpoint this verifier saw before (consistency is checked against it). */
  previous?: { size: number; root: Uint8Array };
  onProgress?: (done: number) => void;
}

function fail(report: VerifyReport, problem: Problem): VerifyReport {
  return { ...report, ok: false, problem };
}

export async function verifyLog(input: VerifyInput): Promise<VerifyReport> {
  const { origin, verifier } = input;
  const bySize = new Map<number, CheckpointRecord>();
  for (const c of input.checkpoints) bySize.set(c.size, c);
  const report: VerifyReport = { ok: true, size: input.size, root: '', checkpoints: 0 };
  const builder = new TreeBuilder();
  let expected = 0;

  const checkAt = (size: number): Problem | undefined => {
    const root = builder.root();
    if (input.previous && input.previous.size === size && !equalBytes(root, input.previous.root))
      return {
        code: 'LEDGER_INCONSISTENT_WITH_PREVIOUS',
        size,
        message: `the tree at size ${size} no longer has the root of the checkpoint seen before (${bytesToBase64(input.previous.root)}): history was rewritten`,
      };
    const cp = bySize.get(size);
    if (!cp) return undefined;
    let body: string;
    try {
      body = openNote(cp.note, [verifier]).text;
    } catch (e) {
      return {
        code: 'CHECKPOINT_SIGNATURE_INVALID',
        size,
        message: `checkpoint ${size}: ${(e as Error).message}`,
      };
    }
    const parsed = parseCheckpoint(body);
    if (parsed.origin !== origin || parsed.size !== size)
      return {
        code: 'CHECKPOINT_MISMATCH',
        size,
        message: `checkpoint stored at ${size} says ${parsed.origin} / ${parsed.size}`,
      };
    if (!equalBytes(parsed.root, root))
      return {
        code: 'CHECKPOINT_ROOT_MISMATCH',
        size,
        message: `signed checkpoint ${size} has root ${bytesToBase64(parsed.root)} but the entries give ${bytesToBase64(root)}`,
      };
    if (cp.root && !equalBytes(cp.root, root))
      return {
        code: 'CHECKPOINT_ROOT_MISMATCH',
        size,
        message: `stored root column of checkpoint ${size} was altered`,
      };
    report.checkpoints++;
    if (!report.latestCheckpoint || report.latestCheckpoint.size < size)
      report.latestCheckpoint = { size, root: bytesToBase64(root) };
    return undefined;
  };

  const at0 = checkAt(0);
  if (at0) return fail(report, at0);
  for await (const rec of input.leaves) {
    if (rec.index !== expected)
      return fail(report, {
        code: 'LEDGER_ENTRY_MISSING',
        index: expected,
        message: `entry ${expected} is missing (next stored entry is ${rec.index})`,
      });
    let entry: ReturnType<typeof decodeEntry>;
    try {
      entry = decodeEntry(rec.text);
    } catch (e) {
      return fail(report, {
        code: 'LEDGER_ENTRY_MALFORMED',
        index: rec.index,
        message: `entry ${rec.index}: ${(e as Error).message}`,
      });
    }
    const c = rec.columns;
    if (
      c &&
      (c.time !== entry.time ||
        c.actor !== entry.actor ||
        c.action !== entry.action ||
        c.subject !== entry.subject)
    )
      return fail(report, {
        code: 'LEDGER_ENTRY_COLUMNS_ALTERED',
        index: rec.index,
        message: `entry ${rec.index}: the time/actor/action/subject columns disagree with the entry's own bytes`,
      });
    const leaf = leafHash(utf8(rec.text));
    const hashes = builder.push(leaf);
    if (rec.storedHashes) {
      const stored = rec.storedHashes;
      let same = stored.length === hashes.length * 32;
      for (let j = 0; same && j < hashes.length; j++)
        same = equalBytes(stored.subarray(j * 32, j * 32 + 32), hashes[j]!);
      if (!same)
        return fail(report, {
          code: equalBytes(stored.subarray(0, 32), leaf) ? 'LEDGER_TREE_ALTERED' : 'LEDGER_ENTRY_ALTERED',
          index: rec.index,
          message: equalBytes(stored.subarray(0, 32), leaf)
            ? `entry ${rec.index}: stored tree hashes disagree with the recomputed tree`
            : `entry ${rec.index}: its bytes no longer hash to the leaf recorded in the tree`,
        });
    }
    if (rec.claimedLeaf && !equalBytes(rec.claimedLeaf, leaf))
      return fail(report, {
        code: 'LEDGER_ENTRY_ALTERED',
        index: rec.index,
        message: `entry ${rec.index}: its bytes do not hash to the leaf hash the log serves for it`,
      });
    expected++;
    const p = checkAt(expected);
    if (p) return fail(report, { ...p, index: p.index ?? rec.index });
    if (expected % 10_000 === 0) input.onProgress?.(expected);
  }
  input.onProgress?.(expected);
  if (expected !== input.size)
    return fail(report, {
      code: 'LEDGER_ENTRY_MISSING',
      index: expected,
      message: `the log claims ${input.size} entries but only ${expected} are stored`,
    });
  for (const size of bySize.keys())
    if (size > expected)
      return fail(report, {
        code: 'CHECKPOINT_BEYOND_TREE',
        size,
        message: `checkpoint ${size} is beyond the ${expected} stored entries`,
      });
  if (input.previous && input.previous.size > expected)
    return fail(report, {
      code: 'LEDGER_TRUNCATED',
      size: input.previous.size,
      message: `a checkpoint of size ${input.previous.size} was seen before, but the log now has ${expected} entries`,
    });
  report.root = bytesToBase64(builder.root());
  return report;
}
