/**
 * Parsing a block of snapshot lines into typed arrays (docs/proof-of-reserves.md §2), pure: no row
 * ever becomes a JavaScript object with strings (except one JSON.parse per JSON line). The first bad
 * row stops the block with its line number.
 */
import { InvalidInputError } from '../../core/index.ts';
import { ASSET_NAME, MAX_ASSETS, MAX_BALANCE, VALUE_BYTES, writeU128 } from '../tree/encoding.ts';

export type SnapshotFormat = 'csv' | 'jsonl';

/** How a block's columns map onto the asset order (from the CSV header, or the asset list). */
export interface Layout {
  format: SnapshotFormat;
  assets: string[];
  /** CSV: for each balance column (after the user column), the asset index it fills. */
  columns?: number[];
}

export interface ParsedRows {
  count: number;
  /** User id bytes of row r: ids[idStart[r] … idStart[r+1]). */
  ids: Uint8Array;
  idStart: Uint32Array;
  /** K·16 bytes per row, in asset order. */
  balances: Uint8Array;
}

export class SnapshotError extends InvalidInputError {
  constructor(
    code: string,
    message: string,
    readonly line: number,
  ) {
    super(code, `line ${line}: ${message}`, { line });
  }
}

export function checkAssets(assets: string[]): void {
  if (assets.length < 1 || assets.length > MAX_ASSETS)
    throw new InvalidInputError(
      'RESERVES_ASSETS_INVALID',
      `give 1 to ${MAX_ASSETS} assets (got ${assets.length})`,
    );
  for (const a of assets)
    if (!ASSET_NAME.test(a))
      throw new InvalidInputError(
        'RESERVES_ASSETS_INVALID',
        `asset "${a}" must be upper-case letters, digits, . _ - (at most 16)`,
      );
  if (new Set(assets).size !== assets.length)
    throw new InvalidInputError('RESERVES_ASSETS_INVALID', 'an asset is listed twice');
}

/** The CSV header `user,<asset>,…` → the column layout; every asset exactly once. */
export function csvLayout(header: string, assets: string[]): Layout {
  const cols = header.replace(/\r$/, '').split(',');
  if (cols[0] !== 'user')
    throw new SnapshotError('RESERVES_SNAPSHOT_HEADER', 'the header must start with the column "user"', 1);
  const columns: number[] = [];
  for (const c of cols.slice(1)) {
    const k = assets.indexOf(c);
    if (k < 0)
      throw new SnapshotError(
        'RESERVES_SNAPSHOT_UNKNOWN_ASSET',
        `unknown asset column "${c}" (--assets is ${assets.join(',')})`,
        1,
      );
    if (columns.includes(k))
      throw new SnapshotError('RESERVES_SNAPSHOT_HEADER', `the column "${c}" appears twice`, 1);
    columns.push(k);
  }
  const missing = assets.filter((_, k) => !columns.includes(k));
  if (missing.length > 0)
    throw new SnapshotError('RESERVES_SNAPSHOT_MISSING_ASSET', `no column for ${missing.join(', ')}`, 1);
  return { format: 'csv', assets, columns };
}

function validId(b: Uint8Array, from: number, to: number): boolean {
  if (to - from < 1 || to - from > 128) return false;
  for (let i = from; i < to; i++) {
    const c = b[i]!;
    if (c < 0x21 || c > 0x7e || c === 0x2c || c === 0x22) return false;
  }
  return true;
}

const TEN15 = 1e15;

/** A decimal balance from bytes [from, to) into out[off…off+16). */
function parseBalance(
  b: Uint8Array,
  from: number,
  to: number,
  out: Uint8Array,
  off: number,
  line: number,
  asset: string,
): void {
  if (from >= to) throw new SnapshotError('RESERVES_SNAPSHOT_NOT_INTEGER', `no balance for ${asset}`, line);
  if (b[from] === 0x2d)
    throw new SnapshotError('RESERVES_SNAPSHOT_NEGATIVE', `negative balance for ${asset}`, line);
  let v = 0;
  for (let i = from; i < to; i++) {
    const d = b[i]! - 0x30;
    if (d < 0 || d > 9)
      throw new SnapshotError(
        'RESERVES_SNAPSHOT_NOT_INTEGER',
        `the balance for ${asset} is not a non-negative integer in base units`,
        line,
      );
    if (v < TEN15) v = v * 10 + d;
    else v = Number.POSITIVE_INFINITY;
  }
  if (v < TEN15) {
    // Fast path: below 2^53, written as two 32-bit words in the low 8 bytes.
    out.fill(0, off, off + 8);
    const hi = Math.floor(v / 0x100000000);
    const lo = v >>> 0;
    out[off + 8] = hi >>> 24;
    out[off + 9] = (hi >>> 16) & 0xff;
    out[off + 10] = (hi >>> 8) & 0xff;
    out[off + 11] = hi & 0xff;
    out[off + 12] = lo >>> 24;
    out[off + 13] = (lo >>> 16) & 0xff;
    out[off + 14] = (lo >>> 8) & 0xff;
    out[off + 15] = lo & 0xff;
    return;
  }
  let s = '';
  for (let i = from; i < to; i++) s += String.fromCharCode(b[i]!);
  const x = to - from > 40 ? MAX_BALANCE + 1n : BigInt(s);
  if (x > MAX_BALANCE)
    throw new SnapshotError(
      'RESERVES_SNAPSHOT_OUT_OF_RANGE',
      `the balance for ${asset} is above the bound 2^96 − 1 base units`,
      line,
    );
  writeU128(out, off, x);
}

/**
 * Parse `rows` lines of `bytes` (each ending in \n, except possibly the last) whose first line is
 * line `firstLine` of the file.
 */
export function parseRows(bytes: Uint8Array, rows: number, firstLine: number, layout: Layout): ParsedRows {
  const K = layout.assets.length;
  const balances = new Uint8Array(rows * K * VALUE_BYTES);
  const idStart = new Uint32Array(rows + 1);
  const ids = new Uint8Array(Math.min(bytes.length, rows * 128));
  let idLen = 0;
  let pos = 0;
  const seen = new Uint8Array(K);
  const dec = new TextDecoder('utf-8', { fatal: true });
  for (let r = 0; r < rows; r++) {
    const line = firstLine + r;
    let end = bytes.indexOf(0x0a, pos);
    if (end < 0) end = bytes.length;
    let stop = end;
    if (stop > pos && bytes[stop - 1] === 0x0d) stop--;
    if (stop === pos) throw new SnapshotError('RESERVES_SNAPSHOT_MALFORMED', 'empty line', line);
    const rowOff = r * K * VALUE_BYTES;
    if (layout.format === 'csv') {
      const columns = layout.columns!;
      let c = bytes.indexOf(0x2c, pos);
      if (c < 0 || c > stop)
        throw new SnapshotError(
          'RESERVES_SNAPSHOT_MALFORMED',
          `expected ${K + 1} comma-separated fields`,
          line,
        );
      if (!validId(bytes, pos, c))
        throw new SnapshotError(
          'RESERVES_SNAPSHOT_USER_INVALID',
          'the user id must be 1–128 printable ASCII characters without , or "',
          line,
        );
      ids.set(bytes.subarray(pos, c), idLen);
      idLen += c - pos;
      for (let j = 0; j < K; j++) {
        const from = c + 1;
        let to = bytes.indexOf(0x2c, from);
        if (to < 0 || to > stop) to = stop;
        if (j < K - 1 && to === stop)
          throw new SnapshotError(
            'RESERVES_SNAPSHOT_MALFORMED',
            `expected ${K + 1} comma-separated fields, got ${j + 2}`,
            line,
          );
        const k = columns[j]!;
        parseBalance(bytes, from, to, balances, rowOff + k * VALUE_BYTES, line, layout.assets[k]!);
        c = to;
      }
      if (c !== stop)
        throw new SnapshotError('RESERVES_SNAPSHOT_MALFORMED', `more than ${K + 1} fields`, line);
    } else {
      let o: unknown;
      try {
        o = JSON.parse(dec.decode(bytes.subarray(pos, stop)));
      } catch {
        throw new SnapshotError('RESERVES_SNAPSHOT_MALFORMED', 'not a JSON object', line);
      }
      if (typeof o !== 'object' || o === null || Array.isArray(o))
        throw new SnapshotError('RESERVES_SNAPSHOT_MALFORMED', 'not a JSON object', line);
      const rec = o as Record<string, unknown>;
      const user = rec.user;
      const ub = typeof user === 'string' ? new TextEncoder().encode(user) : undefined;
      if (!ub || !validId(ub, 0, ub.length))
        throw new SnapshotError(
          'RESERVES_SNAPSHOT_USER_INVALID',
          '"user" must be 1–128 printable ASCII characters without , or "',
          line,
        );
      ids.set(ub, idLen);
      idLen += ub.length;
      seen.fill(0);
      for (const [key, v] of Object.entries(rec)) {
        if (key === 'user') continue;
        const k = layout.assets.indexOf(key);
        if (k < 0)
          throw new SnapshotError(
            'RESERVES_SNAPSHOT_UNKNOWN_ASSET',
            `unknown asset "${key}" (--assets is ${layout.assets.join(',')})`,
            line,
          );
        seen[k] = 1;
        let s: string;
        if (typeof v === 'number') {
          if (v < 0)
            throw new SnapshotError('RESERVES_SNAPSHOT_NEGATIVE', `negative balance for ${key}`, line);
          if (!Number.isSafeInteger(v))
            throw new SnapshotError(
              'RESERVES_SNAPSHOT_NOT_INTEGER',
              `the balance for ${key} is not an integer below 2^53 (write large balances as strings)`,
              line,
            );
          s = String(v);
        } else if (typeof v === 'string') s = v;
        else
          throw new SnapshotError(
            'RESERVES_SNAPSHOT_NOT_INTEGER',
            `the balance for ${key} is not an integer`,
            line,
          );
        const sb = new TextEncoder().encode(s);
        parseBalance(sb, 0, sb.length, balances, rowOff + k * VALUE_BYTES, line, key);
      }
      const missing = layout.assets.filter((_, k) => seen[k] === 0);
      if (missing.length > 0)
        throw new SnapshotError(
          'RESERVES_SNAPSHOT_MISSING_ASSET',
          `no balance for ${missing.join(', ')}`,
          line,
        );
    }
    idStart[r + 1] = idLen;
    pos = end + 1;
  }
  return { count: rows, ids, idStart, balances };
}
