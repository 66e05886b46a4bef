/**
 * Filtering and ordering of stored object versions: TAXII 2.1 §3.4 (`added_after`, `match[…]`) and
 * §3.5 (versions), with the reference server's reading of it (medallion basic_filter.py @ 39e76bf):
 * - comma-separated values in one field are OR, different fields AND;
 * - `match[spec_version]` absent: for each object only the versions of the newest spec version held
 *   (compared against every version of that object, not only the ones added after `added_after`);
 * - `match[version]` absent means `last`; `first`, `last`, `all` or timestamps, OR-ed;
 *   `first`/`last` are taken among the versions left by the other filters;
 * - results ascend by `date_added` (ties: id, version), the order paging follows.
 * Pure: rows in, rows out.
 */
import { InvalidInputError } from '../../core/index.ts';
import { normalizeTimestamp, parseTimestamp } from './timestamps.ts';

export interface VersionRow {
  objectId: string;
  type: string;
  /** The version as the object states it. */
  version: string;
  /** Fixed-width microsecond form of `version`. */
  versionKey: string;
  specVersion: string;
  dateAdded: string;
}

export type FilterField = 'id' | 'type' | 'version' | 'spec_version';

export interface TaxiiFilters {
  /** Normalised (fixed-width) timestamp. */
  addedAfter?: string;
  ids?: string[];
  types?: string[];
  /** `first`, `last`, `all`, or normalised timestamps. */
  versions?: string[];
  specVersions?: string[];
}

/** Reads the §3.4 query parameters; unknown `match[…]` fields and malformed values are refused. */
export function parseFilters(
  query: Record<string, unknown>,
  allowed: ReadonlySet<FilterField>,
): TaxiiFilters {
  const f: TaxiiFilters = {};
  const list = (name: string): string[] | undefined => {
    const v = query[name];
    if (v === undefined) return undefined;
    const s = Array.isArray(v) ? v.join(',') : String(v);
    const items = s
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x !== '');
    if (items.length === 0) throw new InvalidInputError('TAXII_FILTER_INVALID', `${name} is empty`);
    return items;
  };
  for (const key of Object.keys(query)) {
    if (key === 'limit' || key === 'next' || key === 'added_after') continue;
    const m = /^match\[(.+)\]$/.exec(key);
    if (!m || !allowed.has(m[1] as FilterField))
      throw new InvalidInputError('TAXII_FILTER_INVALID', `the filter ${key} is not supported here`);
  }
  const after = query['added_after'];
  if (after !== undefined) f.addedAfter = parseTimestamp(String(after), 'added_after');
  const ids = list('match[id]');
  if (ids) {
    for (const id of ids)
      if (!/^[a-z0-9-]+--[0-9a-f-]{36}$/.test(id))
        throw new InvalidInputError(
          'TAXII_FILTER_INVALID',
          `match[id] ${JSON.stringify(id)} is not a STIX id`,
        );
    f.ids = ids;
  }
  const types = list('match[type]');
  if (types) f.types = types;
  const versions = list('match[version]');
  if (versions)
    f.versions = versions.map((v) =>
      v === 'first' || v === 'last' || v === 'all' ? v : parseTimestamp(v, 'match[version]'),
    );
  const specs = list('match[spec_version]');
  if (specs) {
    for (const s of specs)
      if (!/^\d\.\d$/.test(s))
        throw new InvalidInputError(
          'TAXII_FILTER_INVALID',
          `match[spec_version] ${JSON.stringify(s)} is not like 2.1`,
        );
    f.specVersions = specs;
  }
  return f;
}

export function compareRows(a: VersionRow, b: VersionRow): number {
  return (
    cmp(a.dateAdded, b.dateAdded) ||
    cmp(a.objectId, b.objectId) ||
    cmp(a.versionKey, b.versionKey) ||
    cmp(a.specVersion, b.specVersion)
  );
}
const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);

/** Apply `f` (only the fields in `allowed`) to `rows` — every visible version of the objects concerned. */
export function selectVersions<T extends VersionRow>(
  rows: readonly T[],
  f: TaxiiFilters,
  allowed: ReadonlySet<FilterField>,
): T[] {
  // Newest spec version held per object, over all its versions.
  const newestSpec = new Map<string, string>();
  if (allowed.has('spec_version') && !f.specVersions)
    for (const r of rows) {
      const cur = newestSpec.get(r.objectId);
      if (cur === undefined || r.specVersion > cur) newestSpec.set(r.objectId, r.specVersion);
    }
  const matched = rows.filter((r) => {
    if (allowed.has('type') && f.types && !f.types.includes(r.type)) return false;
    if (allowed.has('id') && f.ids && !f.ids.includes(r.objectId)) return false;
    if (f.addedAfter !== undefined && !(r.dateAdded > f.addedAfter)) return false;
    if (allowed.has('spec_version')) {
      if (f.specVersions) {
        if (!f.specVersions.includes(r.specVersion)) return false;
      } else if (newestSpec.get(r.objectId) !== r.specVersion) return false;
    }
    return true;
  });
  const out = allowed.has('version') ? byVersion(matched, f.versions ?? ['last']) : matched;
  return out.sort(compareRows);
}

function byVersion<T extends VersionRow>(rows: T[], wanted: string[]): T[] {
  if (wanted.includes('all')) return rows;
  const keep = new Set<T>();
  const stamps = new Set(wanted.filter((w) => w !== 'first' && w !== 'last'));
  if (stamps.size > 0) for (const r of rows) if (stamps.has(r.versionKey)) keep.add(r);
  for (const which of ['first', 'last'] as const) {
    if (!wanted.includes(which)) continue;
    const best = new Map<string, T>();
    for (const r of rows) {
      const b = best.get(r.objectId);
      if (!b || (which === 'first' ? r.versionKey < b.versionKey : r.versionKey > b.versionKey))
        best.set(r.objectId, r);
    }
    for (const r of best.values()) keep.add(r);
  }
  return rows.filter((r) => keep.has(r));
}

export { normalizeTimestamp };
