/**
 * Pagination (TAXII 2.1 §3.4.1 `limit`, §3.4.3 `next`, §3.6 Date-Added headers). `next` is opaque to
 * clients; ours is stateless: the position of the last item served plus a digest of the filters, so
 * any instance on the store continues a listing, and changing the filters between pages is refused
 * with 400 as the reference server does ("params changed over subsequent transaction").
 */
import { bytesToHex, canonicalJson, InvalidInputError, sha256, utf8 } from '../../core/index.ts';
import { compareRows, type VersionRow } from './filters.ts';

export const DEFAULT_MAX_PAGE_SIZE = 1000;

export interface Page<T extends VersionRow> {
  items: T[];
  more: boolean;
  next?: string;
  first?: string;
  last?: string;
}

export function parseLimit(raw: unknown, max: number): number {
  if (raw === undefined) return max;
  const s = String(raw);
  if (!/^\d+$/.test(s) || Number(s) <= 0)
    throw new InvalidInputError(
      'TAXII_LIMIT_INVALID',
      `limit must be a positive integer (got ${JSON.stringify(s.slice(0, 20))})`,
    );
  return Math.min(Number(s), max);
}

/** Digest of every query parameter except limit and next, comma lists sorted. */
export function filterDigest(scope: string, query: Record<string, unknown>): string {
  const norm: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(query)) {
    if (k === 'limit' || k === 'next' || v === undefined) continue;
    norm[k] = String(Array.isArray(v) ? v.join(',') : v)
      .split(',')
      .sort();
  }
  return bytesToHex(sha256(utf8(canonicalJson({ scope, q: norm })))).slice(0, 32);
}

interface Cursor {
  d: string;
  o: string;
  v: string;
  s: string;
  h: string;
}

export function paginate<T extends VersionRow>(
  sorted: T[],
  limit: number,
  next: string | undefined,
  digest: string,
): Page<T> {
  let start = 0;
  if (next !== undefined) {
    let c: Cursor;
    try {
      c = JSON.parse(Buffer.from(next, 'base64url').toString('utf8')) as Cursor;
    } catch {
      throw new InvalidInputError('TAXII_NEXT_INVALID', "the 'next' token is not valid");
    }
    if (typeof c?.h !== 'string' || typeof c.d !== 'string')
      throw new InvalidInputError('TAXII_NEXT_INVALID', "the 'next' token is not valid");
    if (c.h !== digest)
      throw new InvalidInputError(
        'TAXII_NEXT_INVALID',
        'the filter parameters changed between pages; start again without next',
      );
    const pos = { dateAdded: c.d, objectId: c.o, versionKey: c.v, specVersion: c.s, type: '', version: '' };
    start = sorted.findIndex((r) => compareRows(r, pos) > 0);
    if (start < 0) start = sorted.length;
  }
  const items = sorted.slice(start, start + limit);
  const more = start + limit < sorted.length;
  const page: Page<T> = { items, more };
  if (items.length > 0) {
    page.first = items[0]!.dateAdded;
    page.last = items.at(-1)!.dateAdded;
  }
  if (more) {
    const l = items.at(-1)!;
    page.next = Buffer.from(
      JSON.stringify({
        d: l.dateAdded,
        o: l.objectId,
        v: l.versionKey,
        s: l.specVersion,
        h: digest,
      } satisfies Cursor),
    ).toString('base64url');
  }
  return page;
}

/** The date_added position a `next` token names, if it reads as one (checked fully by paginate). */
export function cursorDateOf(next: unknown): string | undefined {
  if (typeof next !== 'string') return undefined;
  try {
    const c = JSON.parse(Buffer.from(next, 'base64url').toString('utf8')) as Partial<Cursor>;
    return typeof c.d === 'string' ? c.d : undefined;
  } catch {
    return undefined;
  }
}

/** The full position a `next` token names, if it reads as one (checked fully by paginate). */
export function cursorPositionOf(
  next: unknown,
): { dateAdded: string; objectId: string; versionKey: string; specVersion: string } | undefined {
  if (typeof next !== 'string') return undefined;
  try {
    const c = JSON.parse(Buffer.from(next, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (
      typeof c.d !== 'string' ||
      typeof c.o !== 'string' ||
      typeof c.v !== 'string' ||
      typeof c.s !== 'string'
    )
      return undefined;
    return { dateAdded: c.d, objectId: c.o, versionKey: c.v, specVersion: c.s };
  } catch {
    return undefined;
  }
}
