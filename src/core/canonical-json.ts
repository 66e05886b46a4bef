/**
 * RFC 8785 JSON Canonicalization Scheme: the one encoding of anything Rampart hashes or signs.
 * Delegated to `canonicalize` (by the RFC's author); we only refuse values JCS cannot represent
 * faithfully (undefined, functions, bigint, non-finite numbers) instead of silently dropping them.
 */
import canonicalizeImpl from 'canonicalize';
import { utf8 } from './bytes.ts';
import { InvalidInputError } from './errors.ts';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

function check(v: unknown, path: string): void {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return;
  if (typeof v === 'number') {
    if (!Number.isFinite(v))
      throw new InvalidInputError('JSON_NOT_CANONICAL', `${path} is not a finite number`);
    return;
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) check(v[i], `${path}[${i}]`);
    return;
  }
  if (typeof v === 'object') {
    for (const [k, x] of Object.entries(v as object)) check(x, `${path}.${k}`);
    return;
  }
  throw new InvalidInputError('JSON_NOT_CANONICAL', `${path} has type ${typeof v}, which JSON cannot carry`);
}

export function canonicalJson(v: unknown): string {
  check(v, '$');
  const s = (canonicalizeImpl as unknown as (x: unknown) => string | undefined)(v);
  if (s === undefined) throw new InvalidInputError('JSON_NOT_CANONICAL', 'value has no JSON form');
  return s;
}

export function canonicalJsonBytes(v: unknown): Uint8Array {
  return utf8(canonicalJson(v));
}
