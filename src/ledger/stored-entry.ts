/** An entry as the store holds it: the entry, its index, its canonical text and its leaf hash. */
import type { Entry } from './entry.ts';

export interface StoredEntry extends Entry {
  index: number;
  /** The canonical JSON text: the leaf data. */
  text: string;
  leafHash: Uint8Array;
}

export function toStored(r: { idx: number; entry: string; hashes: Uint8Array }): StoredEntry {
  const e = JSON.parse(r.entry) as Entry;
  return {
    ...e,
    index: Number(r.idx),
    text: r.entry,
    leafHash: new Uint8Array(r.hashes.buffer, r.hashes.byteOffset, 32),
  };
}
