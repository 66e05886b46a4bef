/**
 * The user → leaf position index (docs/proof-of-reserves.md §5.4), built without holding it in
 * memory so that it scales past 10^8 users: during the build each user's fingerprint, position and
 * line go to one of 256 bucket files (by the fingerprint's first byte); at the end each bucket —
 * 1/256 of the users — becomes an open-addressing table (16-byte slots `fingerprint[12] ||
 * position[4]`, big-endian, all-zero = empty, linear probing from the fingerprint's second word),
 * written one after the other into `index.bin` behind a header of 256 × (first slot, slot count).
 * Building a bucket's table also finds duplicate users, with both line numbers.
 */
import { closeSync, openSync, readFileSync, readSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { SnapshotError } from '../snapshot/parse.ts';

const BUCKETS = 256;
const HEADER = BUCKETS * 8;
/** fingerprint[12] || position[4] || line[4] in the bucket files. */
const REC = 20;
const FLUSH = 4096;

function writeAll(fd: number, b: Uint8Array, at?: number): void {
  let o = 0;
  while (o < b.length) o += writeSync(fd, b, o, b.length - o, at === undefined ? null : at + o);
}

function word(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

export class UserIndexWriter {
  private readonly fds: number[] = [];
  private readonly bufs: Buffer[] = [];
  private readonly fill = new Uint32Array(BUCKETS);

  constructor(private readonly dir: string) {
    for (let b = 0; b < BUCKETS; b++) {
      this.fds.push(openSync(join(dir, `index-bucket-${b}.tmp`), 'w', 0o600));
      this.bufs.push(Buffer.allocUnsafe(FLUSH * REC));
    }
  }

  add(fp: Uint8Array, off: number, position: number, line: number): void {
    const b = fp[off]!;
    const buf = this.bufs[b]!;
    const o = this.fill[b]! * REC;
    for (let i = 0; i < 12; i++) buf[o + i] = fp[off + i]!;
    buf.writeUInt32BE(position, o + 12);
    buf.writeUInt32BE(line, o + 16);
    if (++this.fill[b]! === FLUSH) {
      writeAll(this.fds[b]!, buf);
      this.fill[b] = 0;
    }
  }

  /** Build every bucket's table into `index.bin`; throws the first duplicate user found. */
  finish(): void {
    const out = openSync(join(this.dir, 'index.bin'), 'w', 0o600);
    try {
      const header = Buffer.alloc(HEADER);
      let slotStart = 0;
      for (let b = 0; b < BUCKETS; b++) {
        writeAll(this.fds[b]!, this.bufs[b]!.subarray(0, this.fill[b]! * REC));
        closeSync(this.fds[b]!);
        const path = join(this.dir, `index-bucket-${b}.tmp`);
        const recs = readFileSync(path);
        rmSync(path);
        const n = recs.length / REC;
        let slots = 1;
        while (slots * 3 < n * 4 + 4) slots *= 2;
        const table = Buffer.alloc(slots * 16);
        const mask = slots - 1;
        for (let r = 0; r < n; r++) {
          const o = r * REC;
          let s = word(recs, o + 4) & mask;
          for (;;) {
            const t = s * 16;
            if (
              table.readUInt32BE(t) === 0 &&
              table.readUInt32BE(t + 4) === 0 &&
              table.readUInt32BE(t + 8) === 0
            ) {
              recs.copy(table, t, o, o + 16);
              // an all-zero fingerprint (2^-96) would read as empty: store …0001 (words() does the same)
              if (
                table.readUInt32BE(t) === 0 &&
                table.readUInt32BE(t + 4) === 0 &&
                table.readUInt32BE(t + 8) === 0
              )
                table.writeUInt32BE(1, t + 8);
              break;
            }
            if (recs.compare(table, t, t + 12, o, o + 12) === 0) {
              const first = lineAt(recs, table.readUInt32BE(t + 12));
              throw new SnapshotError(
                'RESERVES_SNAPSHOT_DUPLICATE_USER',
                `duplicate user id (first on line ${first})`,
                recs.readUInt32BE(o + 16),
              );
            }
            s = (s + 1) & mask;
          }
        }
        header.writeUInt32BE(slotStart, b * 8);
        header.writeUInt32BE(slots, b * 8 + 4);
        writeAll(out, table, HEADER + slotStart * 16);
        slotStart += slots;
      }
      writeAll(out, header, 0);
    } finally {
      closeSync(out);
    }
  }

  /** Remove the temporary bucket files (after an error). */
  abort(): void {
    for (let b = 0; b < BUCKETS; b++) {
      try {
        closeSync(this.fds[b]!);
      } catch {}
      rmSync(join(this.dir, `index-bucket-${b}.tmp`), { force: true });
    }
  }
}

/** The line of the record with this position in a bucket's records (only on a duplicate). */
function lineAt(recs: Buffer, position: number): number {
  for (let o = 0; o < recs.length; o += REC)
    if (recs.readUInt32BE(o + 12) === position) return recs.readUInt32BE(o + 16);
  return 0;
}

export function readIndexHeader(fd: number): Uint32Array {
  const h = Buffer.alloc(HEADER);
  readSync(fd, h, 0, HEADER, 0);
  const out = new Uint32Array(BUCKETS * 2);
  for (let i = 0; i < BUCKETS * 2; i++) out[i] = h.readUInt32BE(i * 4);
  return out;
}

/** Probing `index.bin` on disk: each candidate position for a fingerprint, nearest first. */
export function* probeIndex(fd: number, header: Uint32Array, fp: Uint8Array): Generator<number> {
  const b = fp[0]!;
  const start = header[2 * b]!;
  const slots = header[2 * b + 1]!;
  const w0 = word(fp, 0);
  const w1 = word(fp, 4);
  let w2 = word(fp, 8);
  if (w0 === 0 && w1 === 0 && w2 === 0) w2 = 1;
  const buf = Buffer.alloc(16);
  let s = w1 & (slots - 1);
  for (let i = 0; i < slots; i++) {
    readSync(fd, buf, 0, 16, HEADER + (start + s) * 16);
    const a = buf.readUInt32BE(0);
    const c = buf.readUInt32BE(4);
    const d = buf.readUInt32BE(8);
    if (a === 0 && c === 0 && d === 0) return;
    if (a === w0 && c === w1 && d === w2) yield buf.readUInt32BE(12);
    s = (s + 1) & (slots - 1);
  }
}
