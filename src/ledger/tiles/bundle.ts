/**
 * Entry bundles (c2sp.org/tlog-tiles, "Log entries"): the entries of one level-0 tile, each as a
 * big-endian uint16 length followed by the entry bytes; at most 256 entries.
 */
import { InvalidInputError } from '../../core/index.ts';
import { TILE_WIDTH } from './path.ts';

export const MAX_ENTRY_BYTES = 0xffff;

function malformed(message: string, reason: string): InvalidInputError {
  return new InvalidInputError('ENTRY_BUNDLE_MALFORMED', message, { reason });
}

export function entryBundle(entries: readonly Uint8Array[]): Uint8Array {
  if (entries.length > TILE_WIDTH) throw malformed('an entry bundle holds at most 256 entries', 'too-many');
  let n = 0;
  for (const e of entries) {
    if (e.length > MAX_ENTRY_BYTES) throw malformed('an entry is longer than 65535 bytes', 'entry-too-long');
    n += 2 + e.length;
  }
  const out = new Uint8Array(n);
  let o = 0;
  for (const e of entries) {
    out[o] = e.length >>> 8;
    out[o + 1] = e.length & 0xff;
    out.set(e, o + 2);
    o += 2 + e.length;
  }
  return out;
}

/**
 * Split a bundle into its entries. The bytes must be consumed exactly; with `width` the bundle
 * must hold exactly that many entries (256 for a full bundle, 1..255 for a partial one).
 */
export function parseEntryBundle(bundle: Uint8Array, width?: number): Uint8Array[] {
  const entries: Uint8Array[] = [];
  let o = 0;
  while (o < bundle.length) {
    if (o + 2 > bundle.length) throw malformed('entry bundle ends inside a length prefix', 'truncated');
    const len = (bundle[o]! << 8) | bundle[o + 1]!;
    if (o + 2 + len > bundle.length) throw malformed('entry bundle ends inside an entry', 'truncated');
    entries.push(bundle.slice(o + 2, o + 2 + len));
    o += 2 + len;
    if (entries.length > TILE_WIDTH) throw malformed('an entry bundle holds at most 256 entries', 'too-many');
  }
  if (width !== undefined && entries.length !== width) {
    throw malformed(`entry bundle holds ${entries.length} entries, expected ${width}`, 'width');
  }
  return entries;
}
