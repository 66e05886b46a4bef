/**
 * The screening set's in-memory index: distinct addresses (their compact binary keys, see
 * address.ts) in an open-addressing hash table over typed arrays, with each address's listings
 * (who listed it, why, confidence, TLP, first seen) in parallel typed arrays. Pure data structure.
 *
 * Why not a JS `Set<string>`: at 10,000,000 addresses a Set of strings costs well over a gigabyte
 * and puts 10 M objects on the GC heap; this layout is ~55 bytes per EVM address with no per-entry
 * objects (`npm run bench -- alliance` measures both).
 *
 * - Slots: pairs in one Int32Array (one cache line per probe): the row (0 empty, -1 deleted, else
 *   row+1) and a tag (32 more hash bits, so most
 *   probes that miss never touch the key bytes). Linear probing, load ≤ 0.7, power-of-two size.
 * - Hashing: two 32-bit multiply-rotate lanes over the key bytes with a per-process random seed
 *   (vanity addresses share prefixes; a fixed hash would let a list be built to collide).
 * - Confirm step: a slot matches only if the stored key bytes equal the probe's, so a hash
 *   collision can never report an address as listed (no false positives).
 * - Listings: a linked list per address (`rowHead` → `listNext`), one per (address, source).
 *   Listing metadata is interned (an import of a million addresses shares one record).
 * - Incremental: add and remove touch one slot and one listing; the table grows by rehashing slots
 *   only (keys and listings stay where they are).
 */
import { MAX_KEY_BYTES } from './address.ts';

export interface ListingMeta {
  /** Who listed it: the list or feed name, a member identity, `fbi-ic3-psa250226`… */
  source: string;
  /** Why: the list's reason, or the STIX object / incident it came from. */
  reason: string;
  /** The principal that imported it or the member that shared it. */
  listedBy: string;
  /** 0..100 (STIX confidence scale), or null when unknown. */
  confidence: number | null;
  /** TLP 2.0 level, or null when unmarked. */
  tlp: string | null;
  /** The STIX object id it came from, if any. */
  objectId: string | null;
}

export interface Listing extends ListingMeta {
  /** ms since the epoch (stored at second precision). */
  firstSeen: number;
}

const LOAD = 0.7;

/** At least `need` elements: exactly that many when `exact` (pre-sizing), else 1.5× headroom. */
function grow<T extends Uint8Array | Uint32Array | Int32Array>(a: T, need: number, exact = false): T {
  if (need <= a.length) return a;
  const n = exact ? need : Math.max(16, Math.ceil(need * 1.5));
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}

export class AddressTable {
  private seedA: number;
  private seedB: number;
  private mask = 0;
  /** [row+1 | 0 | -1, tag] per slot */
  private slots = new Int32Array(0);
  private used = 0; // live + deleted slots
  private live = 0;

  private arena = new Uint8Array(0);
  private arenaUsed = 0;
  private rowOff = new Uint32Array(0);
  private rowLen = new Uint8Array(0);
  private rowHead = new Int32Array(0);
  private rows = 0;

  private listMeta = new Uint32Array(0);
  private listSeen = new Uint32Array(0);
  private listNext = new Int32Array(0);
  private lists = 0;
  private freeList = -1;
  private listingsLive = 0;

  private metas: ListingMeta[] = [];
  private metaIds = new Map<string, number>();

  // scratch for the hash of the last probe
  private h1 = 0;
  private h2 = 0;

  constructor(opts: { expected?: number; seed?: number } = {}) {
    const seed = opts.seed ?? globalThis.crypto.getRandomValues(new Uint32Array(1))[0]! | 0;
    this.seedA = seed ^ 0x2545f491;
    this.seedB = Math.imul(seed, 0x9e3779b1) ^ 0x6a09e667;
    this.reserve(opts.expected ?? 1024);
  }

  /** Pre-size for `n` distinct addresses (avoids regrowth during a bulk load). */
  reserve(n: number): void {
    let cap = 16;
    while (cap * LOAD < n) cap *= 2;
    if (cap > this.slots.length >> 1) this.rehash(cap);
    // Exactly n rows (EVM keys are 21 bytes); growth past that is by 1.5×.
    this.rowOff = grow(this.rowOff, n, true);
    this.rowLen = grow(this.rowLen, n, true);
    this.rowHead = grow(this.rowHead, n, true);
    this.arena = grow(this.arena, n * 21, true);
    this.listMeta = grow(this.listMeta, n, true);
    this.listSeen = grow(this.listSeen, n, true);
    this.listNext = grow(this.listNext, n, true);
  }

  /** Distinct addresses listed. */
  get size(): number {
    return this.live;
  }

  get listingCount(): number {
    return this.listingsLive;
  }

  /** Bytes held by the typed arrays (the metadata strings are extra and few). */
  memoryBytes(): number {
    return (
      this.slots.byteLength +
      this.arena.byteLength +
      this.rowOff.byteLength +
      this.rowLen.byteLength +
      this.rowHead.byteLength +
      this.listMeta.byteLength +
      this.listSeen.byteLength +
      this.listNext.byteLength
    );
  }

  private hash(key: Uint8Array, len: number): void {
    let a = this.seedA ^ len;
    let b = this.seedB ^ Math.imul(len, 0x27d4eb2f);
    let i = 0;
    for (; i + 4 <= len; i += 4) {
      const k = key[i]! | (key[i + 1]! << 8) | (key[i + 2]! << 16) | (key[i + 3]! << 24);
      a = Math.imul(a ^ k, 0xcc9e2d51);
      a = (a << 15) | (a >>> 17);
      b = Math.imul(b ^ k, 0x1b873593);
      b = (b << 13) | (b >>> 19);
      b = Math.imul(b, 5) + 0xe6546b64;
    }
    let k = 0;
    for (let s = 0; i < len; i++, s += 8) k |= key[i]! << s;
    a = Math.imul(a ^ k, 0xcc9e2d51);
    b = Math.imul(b ^ k, 0x1b873593);
    // murmur3 fmix32 on both lanes
    a ^= a >>> 16;
    a = Math.imul(a, 0x85ebca6b);
    a ^= a >>> 13;
    a = Math.imul(a, 0xc2b2ae35);
    a ^= a >>> 16;
    b ^= a;
    b ^= b >>> 16;
    b = Math.imul(b, 0x85ebca6b);
    b ^= b >>> 13;
    b = Math.imul(b, 0xc2b2ae35);
    b ^= b >>> 16;
    this.h1 = a >>> 0;
    this.h2 = b | 0;
  }

  private keyEquals(row: number, key: Uint8Array, len: number): boolean {
    if (this.rowLen[row] !== len) return false;
    const off = this.rowOff[row]!;
    const arena = this.arena;
    for (let i = 0; i < len; i++) if (arena[off + i] !== key[i]) return false;
    return true;
  }

  /** Slot of `key`, or -1. Sets h1/h2. The hot path of every lookup. */
  private slotOf(key: Uint8Array, len: number): number {
    this.hash(key, len);
    const tag = this.h2;
    const mask = this.mask;
    let s = this.h1 & mask;
    for (;;) {
      const r = this.slots[2 * s]!;
      if (r === 0) return -1;
      if (r > 0 && this.slots[2 * s + 1] === tag && this.keyEquals(r - 1, key, len)) return s;
      s = (s + 1) & mask;
    }
  }

  /** The row (distinct address index) of `key[0..len)`, or -1 when not listed. */
  find(key: Uint8Array, len: number = key.length): number {
    const s = this.slotOf(key, len);
    return s < 0 ? -1 : this.slots[2 * s]! - 1;
  }

  private rehash(cap: number): void {
    const old = this.slots;
    this.slots = new Int32Array(2 * cap);
    this.mask = cap - 1;
    this.used = 0;
    const key = new Uint8Array(MAX_KEY_BYTES);
    for (let s = 0; s < old.length >> 1; s++) {
      const r = old[2 * s]!;
      if (r <= 0) continue;
      const off = this.rowOff[r - 1]!;
      const len = this.rowLen[r - 1]!;
      key.set(this.arena.subarray(off, off + len));
      this.hash(key, len);
      let t = this.h1 & this.mask;
      while (this.slots[2 * t] !== 0) t = (t + 1) & this.mask;
      this.slots[2 * t] = r;
      this.slots[2 * t + 1] = old[2 * s + 1]!;
      this.used++;
    }
  }

  private lastMeta: ListingMeta | undefined;
  private lastMetaId = -1;

  private metaId(meta: ListingMeta): number {
    // Bulk loads pass the same object for every address: skip the key building then.
    if (meta === this.lastMeta) return this.lastMetaId;
    const k = `${meta.source}\u0000${meta.reason}\u0000${meta.listedBy}\u0000${meta.confidence}\u0000${meta.tlp}\u0000${meta.objectId}`;
    let id = this.metaIds.get(k);
    if (id === undefined) {
      id = this.metas.length;
      this.metas.push({ ...meta });
      this.metaIds.set(k, id);
    }
    this.lastMeta = meta;
    this.lastMetaId = id;
    return id;
  }

  private newListing(meta: number, seenSec: number, next: number): number {
    let l: number;
    if (this.freeList >= 0) {
      l = this.freeList;
      this.freeList = this.listNext[l]!;
    } else {
      l = this.lists++;
      this.listMeta = grow(this.listMeta, this.lists);
      this.listSeen = grow(this.listSeen, this.lists);
      this.listNext = grow(this.listNext, this.lists);
    }
    this.listMeta[l] = meta;
    this.listSeen[l] = seenSec;
    this.listNext[l] = next;
    this.listingsLive++;
    return l;
  }

  /**
   * List `key` under `meta.source`. Returns true when this (address, source) is new; an existing
   * one takes the new metadata and keeps the earlier first-seen time.
   */
  add(key: Uint8Array, meta: ListingMeta, firstSeenMs: number, len: number = key.length): boolean {
    const m = this.metaId(meta);
    const seen = Math.floor(firstSeenMs / 1000) >>> 0;
    const s = this.slotOf(key, len);
    if (s >= 0) {
      const row = this.slots[2 * s]! - 1;
      for (let l = this.rowHead[row]!; l >= 0; l = this.listNext[l]!)
        if (this.metas[this.listMeta[l]!]!.source === meta.source) {
          this.listMeta[l] = m;
          if (seen < this.listSeen[l]!) this.listSeen[l] = seen;
          return false;
        }
      this.rowHead[row] = this.newListing(m, seen, this.rowHead[row]!);
      return true;
    }
    if (this.used + 1 > (this.slots.length >> 1) * LOAD) {
      let cap = this.slots.length >> 1;
      while (this.live + 1 > cap * LOAD * 0.75) cap *= 2;
      this.rehash(cap);
      this.hash(key, len);
    }
    const row = this.rows++;
    this.rowOff = grow(this.rowOff, this.rows);
    this.rowLen = grow(this.rowLen, this.rows);
    this.rowHead = grow(this.rowHead, this.rows);
    this.arena = grow(this.arena, this.arenaUsed + len);
    this.arena.set(key.subarray(0, len), this.arenaUsed);
    this.rowOff[row] = this.arenaUsed;
    this.rowLen[row] = len;
    this.arenaUsed += len;
    this.rowHead[row] = this.newListing(m, seen, -1);
    let t = this.h1 & this.mask;
    while (this.slots[2 * t]! > 0) t = (t + 1) & this.mask;
    if (this.slots[2 * t] === 0) this.used++;
    this.slots[2 * t] = row + 1;
    this.slots[2 * t + 1] = this.h2;
    this.live++;
    return true;
  }

  /** Remove the listing of `key` by `source`; the address leaves the set with its last listing. */
  remove(key: Uint8Array, source: string, len: number = key.length): boolean {
    const s = this.slotOf(key, len);
    if (s < 0) return false;
    const row = this.slots[2 * s]! - 1;
    let prev = -1;
    for (let l = this.rowHead[row]!; l >= 0; prev = l, l = this.listNext[l]!) {
      if (this.metas[this.listMeta[l]!]!.source !== source) continue;
      const next = this.listNext[l]!;
      if (prev < 0) this.rowHead[row] = next;
      else this.listNext[prev] = next;
      this.listNext[l] = this.freeList;
      this.freeList = l;
      this.listingsLive--;
      if (this.rowHead[row] === -1) {
        this.slots[2 * s] = -1; // deleted: probes continue past it
        this.live--;
      }
      return true;
    }
    return false;
  }

  /** Every listing of a row (from `find`). */
  listings(row: number): Listing[] {
    const out: Listing[] = [];
    for (let l = this.rowHead[row]!; l >= 0; l = this.listNext[l]!)
      out.push({ ...this.metas[this.listMeta[l]!]!, firstSeen: this.listSeen[l]! * 1000 });
    return out.sort((a, b) => a.firstSeen - b.firstSeen || a.source.localeCompare(b.source));
  }

  /** The key bytes of a row. */
  keyOf(row: number): Uint8Array {
    const off = this.rowOff[row]!;
    return this.arena.slice(off, off + this.rowLen[row]!);
  }
}
