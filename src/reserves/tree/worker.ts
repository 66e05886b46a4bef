/**
 * A build worker thread (docs/proof-of-reserves.md §5.3 step 2): raw chunk bytes in, the chunk's
 * subtree levels, fingerprints and positions out (transferred, not copied). SHA-256 from
 * node:crypto (OpenSSL, SHA-NI where the CPU has it); the verifier's noble hashes agree (tested).
 */
import { hash as opensslHash, randomFillSync } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { isRampartError } from '../../core/index.ts';
import { type Layout, parseRows, SnapshotError } from '../snapshot/parse.ts';
import { buildChunk } from './chunk.ts';

export interface ChunkTask {
  seq: number;
  bytes: ArrayBuffer;
  rows: number;
  firstLine: number;
  layout: Layout;
  /** The build secret the salts derive from (§3.1). */
  secret: Uint8Array;
}

export type ChunkReply =
  | {
      seq: number;
      ok: true;
      rows: number;
      levels: Uint8Array;
      levelCounts: number[];
      fingerprints: Uint8Array;
      positions: Uint32Array;
    }
  | { seq: number; ok: false; code: string; message: string; line?: number };

const sha256 = (d: Uint8Array): Uint8Array => opensslHash('sha256', d, 'buffer');
const random = (n: number): Uint8Array => randomFillSync(new Uint8Array(n));

/** One chunk: parse, hash, build. Also called on the main thread for snapshots of one chunk. */
export function processChunk(t: ChunkTask): ChunkReply {
  try {
    const parsed = parseRows(new Uint8Array(t.bytes), t.rows, t.firstLine, t.layout);
    const r = buildChunk(parsed, t.layout.assets.length, sha256, random, t.secret);
    return { seq: t.seq, ok: true, ...r };
  } catch (e) {
    return isRampartError(e)
      ? {
          seq: t.seq,
          ok: false,
          code: e.code,
          message: e.message,
          ...(e instanceof SnapshotError ? { line: e.line } : {}),
        }
      : { seq: t.seq, ok: false, code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) };
  }
}

parentPort?.on('message', (t: ChunkTask) => {
  const reply = processChunk(t);
  parentPort!.postMessage(
    reply,
    reply.ok
      ? [
          reply.levels.buffer as ArrayBuffer,
          reply.fingerprints.buffer as ArrayBuffer,
          reply.positions.buffer as ArrayBuffer,
        ]
      : [],
  );
});
