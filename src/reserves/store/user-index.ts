/**
 * The user → leaf position index (docs/proof-of-reserves.md §5.4): an open-addressing hash table of
 * 16-byte slots `fingerprint[12] || position[4]` (big-endian on disk), linear probing from the
 * fingerprint's first 32 bits. Built in memory during the build (it also catches duplicate users),
 * written once as `index.bin`, and probed on disk with positioned reads to serve a proof.
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';

const SLOT_WORDS = 4;

function words(fp: Uint8Array, off: number): [number, number, number] {
  const w0 = ((fp[off]! << 24) | (fp[off + 1]! << 16) | (fp[off + 2]! << 8) | fp[off + 3]!) >>> 0;
  const w1 = ((fp[off + 4]! << 24) | (fp[off + 5]! << 16) | (fp[off + 6]! << 8) | fp[off + 7]!) >>> 0;
  let w2 = ((fp[off + 8]! << 24) | (fp[off + 9]! << 16) | (fp[off + 10]! << 8) | fp[off + 11]!) >>> 0;
  // All-zero marks an empty slot; the (2^-96) all-zero fingerprint is stored as …0001.
  if (w0 === 0 && w1 === 0 && w2 === 0) w2 = 1;
  return [w0, w1, w2];
}

export class UserIndexBuilder {
  private table: Uint32Array;
  private slots: number;
  private used = 0;

  constructor(initialSlots = 1 << 16) {
    this.slots = initialSlots;
    this.table = new Uint32Array(initialSlots * SLOT_WORDS);
  }

  get size(): number {
    return this.used;
  }

  get slotCount(): number {
    return this.slots;
  }

  /** Insert; returns the position already stored under this fingerprint, or −1 when new. */
  insert(fp: Uint8Array, off: number, position: number): number {
    if ((this.used + 1) * 4 > this.slots * 3) this.grow();
    // words() inlined: this runs once per user on the main thread.
    const w0 = ((fp[off]! << 24) | (fp[off + 1]! << 16) | (fp[off + 2]! << 8) | fp[off + 3]!) >>> 0;
    const w1 = ((fp[off + 4]! << 24) | (fp[off + 5]! << 16) | (fp[off + 6]! << 8) | fp[off + 7]!) >>> 0;
    let w2 = ((fp[off + 8]! << 24) | (fp[off + 9]! << 16) | (fp[off + 10]! << 8) | fp[off + 11]!) >>> 0;
    if (w0 === 0 && w1 === 0 && w2 === 0) w2 = 1;
    const t = this.table;
    const mask = this.slots - 1;
    let s = w0 & mask;
    for (;;) {
      const b = s * SLOT_WORDS;
      const a0 = t[b]!;
      const a1 = t[b + 1]!;
      const a2 = t[b + 2]!;
      if (a0 === 0 && a1 === 0 && a2 === 0) {
        t[b] = w0;
        t[b + 1] = w1;
        t[b + 2] = w2;
        t[b + 3] = position;
        this.used++;
        return -1;
      }
      if (a0 === w0 && a1 === w1 && a2 === w2) return t[b + 3]!;
      s = (s + 1) & mask;
    }
  }

  private grow(): void {
    const old = this.table;
    this.slots *= 2;
    this.table = new Uint32Array(this.slots * SLOT_WORDS);
    const mask = this.slots - 1;
    for (let b = 0; b < old.length; b += SLOT_WORDS) {
      if (old[b] === 0 && old[b + 1] === 0 && old[b + 2] === 0) continue;
      let s = old[b]! & mask;
      const t = this.table;
      while (t[s * SLOT_WORDS] !== 0 || t[s * SLOT_WORDS + 1] !== 0 || t[s * SLOT_WORDS + 2] !== 0)
        s = (s + 1) & mask;
      this.table.set(old.subarray(b, b + SLOT_WORDS), s * SLOT_WORDS);
    }
  }

  /** Write the table big-endian to `path` (swaps the table in place: the builder is done after). */
  write(path: string): number {
    const bytes = Buffer.from(this.table.buffer, this.table.byteOffset, this.table.byteLength);
    if (new Uint8Array(new Uint32Array([1]).buffer)[0] === 1) bytes.swap32();
    const fd = openSync(path, 'w', 0o600);
    try {
      let o = 0;
      while (o < bytes.length) o += writeSync(fd, bytes, o, Math.min(1 << 26, bytes.length - o));
    } finally {
      closeSync(fd);
    }
    return this.slots;
  }
}

/** Probing `index.bin` on disk: each candidate position for a fingerprint, nearest first. */
export function* probeIndex(fd: number, slots: number, fp: Uint8Array): Generator<number> {
  const [w0, w1, w2] = words(fp, 0);
  const buf = Buffer.alloc(16);
  let s = w0 & (slots - 1);
  for (let i = 0; i < slots; i++) {
    readSync(fd, buf, 0, 16, s * 16);
    const a = buf.readUInt32BE(0);
    const b = buf.readUInt32BE(4);
    const c = buf.readUInt32BE(8);
    if (a === 0 && b === 0 && c === 0) return;
    if (a === w0 && b === w1 && c === w2) yield buf.readUInt32BE(12);
    s = (s + 1) & (slots - 1);
  }
}
