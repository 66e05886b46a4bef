/**
 * TAXII 2.1 timestamps (§3.2 "timestamp": RFC 3339, UTC, "Z"). Clients send any fractional precision
 * (taxii2-client strips trailing zeros), so everything is compared through one fixed-width form with
 * microseconds — `YYYY-MM-DDTHH:MM:SS.ffffffZ` — which orders correctly as text. That is also the
 * form of `date_added` and of the X-TAXII-Date-Added-First/Last headers (as medallion writes them).
 */
import { InvalidInputError } from '../../core/index.ts';

const TS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z$/;

/** The fixed-width microsecond form, or undefined when `s` is not a STIX/TAXII timestamp. */
export function normalizeTimestamp(s: string): string | undefined {
  const m = TS.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, se, frac] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59 || Number(se) > 60)
    return undefined;
  const micro = (frac ?? '').padEnd(6, '0').slice(0, 6);
  return `${y}-${mo}-${d}T${h}:${mi}:${se}.${micro}Z`;
}

export function parseTimestamp(s: string, what: string): string {
  const n = normalizeTimestamp(s);
  if (!n)
    throw new InvalidInputError(
      'TAXII_TIMESTAMP_INVALID',
      `${what} must be an RFC 3339 UTC timestamp like 2025-02-21T14:13:00.000Z (got ${JSON.stringify(s.slice(0, 60))})`,
    );
  return n;
}

let lastMicros = 0n;

/**
 * `count` distinct, increasing date_added values starting now (one microsecond apart), never below
 * one handed out before in this process: objects added in one request keep their order, and a client
 * paging with added_after = X-TAXII-Date-Added-Last never skips a sibling with the same instant.
 */
export function nextDateAdded(now: Date, count: number): string[] {
  let base = BigInt(now.getTime()) * 1000n;
  if (base <= lastMicros) base = lastMicros + 1n;
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(microsToTimestamp(base + BigInt(i)));
  lastMicros = base + BigInt(Math.max(count - 1, 0));
  return out;
}

export function microsToTimestamp(micros: bigint): string {
  const ms = Number(micros / 1000n);
  const iso = new Date(ms).toISOString(); // …SS.mmmZ
  const us = (micros % 1000n).toString().padStart(3, '0');
  return `${iso.slice(0, 23)}${us}Z`;
}
