/**
 * The streaming build (docs/proof-of-reserves.md §5.3): the snapshot file is read in blocks and cut
 * into chunks of 2^16 lines whose raw bytes go to worker threads (one per core); results are written
 * in chunk order to the level files and the user index; heights above 16 are built
 * from the chunk roots. Nothing is kept per user in JavaScript objects. On any error the partial
 * build directory is removed and nothing is left to publish.
 */

import { hash as opensslHash, randomFillSync } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { bytesToHex, InvalidInputError, RampartError } from '../../core/index.ts';
import {
  checkAssets,
  csvLayout,
  type Layout,
  SnapshotError,
  type SnapshotFormat,
} from '../snapshot/parse.ts';
import { UserIndexWriter } from '../store/user-index.ts';
import { CHUNK_HEIGHT, CHUNK_ROWS, FINGERPRINT_BYTES } from './chunk.ts';
import { HASH_BYTES, recordBytes } from './encoding.ts';
import { buildLevels, paddingRecord } from './levels.ts';
import { heightFor } from './memory-tree.ts';
import { sumsOf, type TreeMeta } from './proof.ts';
import { type ChunkReply, type ChunkTask, processChunk } from './worker.ts';

export interface BuildOptions {
  snapshot: string;
  format?: SnapshotFormat;
  assets: string[];
  /** Where build directories live (`<data dir>/reserves`); the build goes to `<dir>/<buildId>/`. */
  dir: string;
  buildId: string;
  snapshotTime: string;
  minHeight?: number;
  /** Worker threads (default: one per core; 0: build on this thread, as for snapshots under 1 MiB). */
  workers?: number;
  onProgress?: (p: { bytes: number; totalBytes: number; users: number }) => void;
}

export interface StoredMeta extends TreeMeta {
  version: 1;
  users: number;
  recordBytes: number;
  chunkHeight: number;
  createdAt: string;
}

const BLOCK = 8 << 20;
/** Below this many snapshot bytes the build runs on the calling thread (no worker start-up). */
const INLINE_BYTES = 1 << 20;
const WORKER_URL = new URL('./worker.ts', import.meta.url).href;
const TSX_API = import.meta.resolve('tsx/esm/api');

function startWorker(): Worker {
  // Sources are TypeScript run through tsx (no build step): the worker registers tsx, then loads.
  const code = `import(${JSON.stringify(TSX_API)}).then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL)}); });`;
  return new Worker(code, { eval: true });
}

export function formatOf(path: string, given?: string): SnapshotFormat {
  const f = given ?? (/\.csv$/i.test(path) ? 'csv' : /\.(jsonl|ndjson)$/i.test(path) ? 'jsonl' : undefined);
  if (f !== 'csv' && f !== 'jsonl')
    throw new InvalidInputError(
      'RESERVES_SNAPSHOT_FORMAT',
      `cannot tell the snapshot format of ${path}: name it .csv or .jsonl, or give --format csv|jsonl`,
    );
  return f;
}

function writeAll(fd: number, b: Uint8Array): void {
  let o = 0;
  while (o < b.length) o += writeSync(fd, b, o, b.length - o);
}

interface Chunk {
  bytes: Uint8Array;
  rows: number;
  firstLine: number;
  endOffset: number;
}

/** Cut the file from `start` into chunks of CHUNK_ROWS lines (the last may be shorter). */
function* chunksOf(fd: number, start: number, firstLine: number): Generator<Chunk> {
  let buf = Buffer.alloc(0);
  let fileOff = start;
  let eof = false;
  let line = firstLine;
  let from = 0;
  let scan = 0;
  let rows = 0;
  for (;;) {
    while (rows < CHUNK_ROWS) {
      const nl = buf.indexOf(10, scan);
      if (nl >= 0) {
        rows++;
        scan = nl + 1;
        continue;
      }
      if (eof) break;
      const block = Buffer.allocUnsafe(BLOCK);
      const n = readSync(fd, block, 0, BLOCK, fileOff);
      fileOff += n;
      if (n === 0) eof = true;
      buf = Buffer.concat([buf.subarray(from), block.subarray(0, n)]);
      scan -= from;
      from = 0;
    }
    if (rows < CHUNK_ROWS && scan < buf.length) {
      rows++; // the last line, without a final newline
      scan = buf.length;
    }
    if (rows === 0) return;
    const bytes = new Uint8Array(scan - from);
    bytes.set(buf.subarray(from, scan));
    yield { bytes, rows, firstLine: line, endOffset: fileOff - (buf.length - scan) };
    line += rows;
    from = scan;
    rows = 0;
  }
}

/** The first line of the file (the CSV header) and the offset after it. */
function firstLineOf(fd: number): { text: string; next: number } {
  const b = Buffer.alloc(64 * 1024);
  const n = readSync(fd, b, 0, b.length, 0);
  const nl = b.subarray(0, n).indexOf(10);
  if (nl < 0) throw new SnapshotError('RESERVES_SNAPSHOT_HEADER', 'no header line (or it is over 64 KiB)', 1);
  return { text: b.subarray(0, nl).toString('utf8'), next: nl + 1 };
}

export async function buildTree(o: BuildOptions): Promise<{ dir: string; meta: StoredMeta }> {
  checkAssets(o.assets);
  const K = o.assets.length;
  const R = recordBytes(K);
  const format = formatOf(o.snapshot, o.format);
  const finalDir = join(o.dir, o.buildId);
  const dir = join(o.dir, `.${o.buildId}.partial`);
  let fd: number;
  try {
    fd = openSync(o.snapshot, 'r');
  } catch (e) {
    throw new InvalidInputError(
      'RESERVES_SNAPSHOT_UNREADABLE',
      `cannot read the snapshot ${o.snapshot}: ${(e as Error).message}`,
    );
  }
  const workers: Worker[] = [];
  const fds: number[] = [];
  let index: UserIndexWriter | undefined;
  try {
    const totalBytes = fstatSync(fd).size;
    let layout: Layout;
    let start = 0;
    let firstLine = 1;
    if (format === 'csv') {
      const h = firstLineOf(fd);
      layout = csvLayout(h.text, o.assets);
      start = h.next;
      firstLine = 2;
    } else layout = { format: 'jsonl', assets: o.assets };

    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const levelFds: number[] = [];
    for (let l = 0; l <= CHUNK_HEIGHT; l++) levelFds.push(openSync(join(dir, `level-${l}.bin`), 'w', 0o600));
    fds.push(...levelFds);
    // The build secret: every user's salt derives from it (§3.1); private, like the index.
    const secret = new Uint8Array(randomFillSync(new Uint8Array(32)));
    writeFileSync(join(dir, 'secret.key'), Buffer.from(secret).toString('hex'), { mode: 0o600 });

    index = new UserIndexWriter(dir);
    const chunkRoots: Uint8Array[] = [];
    let users = 0;
    let lastChunkRows = 0;

    // A snapshot of at most one chunk is built on this thread: starting workers would cost more.
    const inline = o.workers === 0 || totalBytes - start < INLINE_BYTES;
    const W = inline ? 0 : Math.max(1, o.workers ?? availableParallelism());
    const waiting = new Map<number, { resolve: (r: ChunkReply) => void; reject: (e: unknown) => void }>();
    for (let i = 0; i < W; i++) {
      const w = startWorker();
      w.on('message', (r: ChunkReply) => {
        const p = waiting.get(r.seq);
        waiting.delete(r.seq);
        p?.resolve(r);
      });
      w.on('error', (e) => {
        for (const p of waiting.values()) p.reject(e);
        waiting.clear();
      });
      workers.push(w);
    }
    const inFlight: { seq: number; firstLine: number; endOffset: number; reply: Promise<ChunkReply> }[] = [];

    const absorb = (seq: number, first: number, endOffset: number, r: ChunkReply) => {
      if (!r.ok) {
        if (r.line !== undefined)
          throw new SnapshotError(r.code, r.message.replace(/^line \d+: /, ''), r.line);
        throw new RampartError(r.code, r.message);
      }
      if (lastChunkRows !== 0 && lastChunkRows !== CHUNK_ROWS)
        throw new Error('a partial chunk before the last');
      let off = 0;
      for (let l = 0; l <= CHUNK_HEIGHT; l++) {
        const len = r.levelCounts[l]! * R;
        writeAll(levelFds[l]!, r.levels.subarray(off, off + len));
        if (l === CHUNK_HEIGHT) chunkRoots.push(r.levels.slice(off, off + R));
        off += len;
      }
      const base = seq * CHUNK_ROWS;
      for (let i = 0; i < r.rows; i++)
        index!.add(r.fingerprints, i * FINGERPRINT_BYTES, base + r.positions[i]!, first + i);
      users += r.rows;
      lastChunkRows = r.rows;
      o.onProgress?.({ bytes: endOffset, totalBytes, users });
    };

    let seq = 0;
    for (const c of chunksOf(fd, start, firstLine)) {
      const task: ChunkTask = {
        seq,
        bytes: c.bytes.buffer as ArrayBuffer,
        rows: c.rows,
        firstLine: c.firstLine,
        layout,
        secret,
      };
      const reply = new Promise<ChunkReply>((resolve, reject) => waiting.set(task.seq, { resolve, reject }));
      // Awaited in order below; a worker failure after an earlier error must not go unhandled.
      reply.catch(() => {});
      if (inline) waiting.get(seq)!.resolve(processChunk(task));
      else workers[seq % W]!.postMessage(task, [task.bytes]);
      inFlight.push({ seq, firstLine: c.firstLine, endOffset: c.endOffset, reply });
      seq++;
      if (seq > 2 ** 16) throw new InvalidInputError('RESERVES_TOO_MANY_USERS', 'at most 2^32 users');
      while (inFlight.length >= Math.max(1, 2 * W)) {
        const f = inFlight.shift()!;
        absorb(f.seq, f.firstLine, f.endOffset, await f.reply);
      }
    }
    while (inFlight.length > 0) {
      const f = inFlight.shift()!;
      absorb(f.seq, f.firstLine, f.endOffset, await f.reply);
    }
    if (users === 0) throw new InvalidInputError('RESERVES_SNAPSHOT_EMPTY', 'the snapshot has no users');

    // Heights above the chunks (§5.3 step 4), or the root inside the single chunk.
    const height = heightFor(users, o.minHeight);
    const sha = (d: Uint8Array): Uint8Array => opensslHash('sha256', d, 'buffer');
    let root: Uint8Array;
    if (height <= CHUNK_HEIGHT) {
      const at = openSync(join(dir, `level-${height}.bin`), 'r');
      root = Buffer.alloc(R);
      readSync(at, root, 0, R, 0);
      closeSync(at);
    } else {
      const roots = new Uint8Array(chunkRoots.length * R);
      chunkRoots.forEach((r, i) => {
        roots.set(r, i * R);
      });
      const top = buildLevels(roots, chunkRoots.length, K, height - CHUNK_HEIGHT, sha, () =>
        paddingRecord(K, sha, randomFillSync(new Uint8Array(32))),
      );
      // top[0] is height 16: the chunk roots, plus a padding node when their count is odd.
      writeAll(levelFds[CHUNK_HEIGHT]!, top[0]!.subarray(chunkRoots.length * R));
      for (let l = 1; l < top.length; l++)
        writeFileSync(join(dir, `level-${CHUNK_HEIGHT + l}.bin`), top[l]!, { mode: 0o600 });
      root = top[top.length - 1]!;
    }
    for (const f of fds.splice(0)) closeSync(f);
    for (let l = height + 1; l <= CHUNK_HEIGHT; l++) rmSync(join(dir, `level-${l}.bin`));
    index.finish();
    index = undefined;
    const meta: StoredMeta = {
      version: 1,
      buildId: o.buildId,
      snapshotTime: o.snapshotTime,
      assets: [...o.assets],
      height,
      root: { hash: bytesToHex(root.subarray(0, HASH_BYTES)), totals: sumsOf(root, K) },
      users,
      recordBytes: R,
      chunkHeight: CHUNK_HEIGHT,
      createdAt: new Date().toISOString(),
    };
    writeFileSync(join(dir, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`, { mode: 0o600 });
    renameSync(dir, finalDir);
    return { dir: finalDir, meta };
  } catch (e) {
    for (const f of fds) closeSync(f);
    index?.abort();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  } finally {
    closeSync(fd);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
