/**
 * RFC 9530 `Content-Digest` (pure): a Dictionary (RFC 8941 §3.2) whose keys are hash algorithm
 * names from the IANA Hash Algorithms for HTTP Digest Fields registry (RFC 9530 §5) and whose
 * values are Byte Sequences (RFC 8941 §3.3.5) holding the digest of the message content
 * (RFC 9530 §2). Only `sha-256` and `sha-512` are produced or checked; they are the registry's
 * two "Active" algorithms (RFC 9530 §7.2), every other key is ignored on input (RFC 9530 §3).
 */
import { sha512 } from '@noble/hashes/sha2.js';
import { base64 } from '@scure/base';
import { type Dictionary, parseDictionary, serializeDictionary } from 'structured-headers';
import { equalBytes, sha256, utf8 } from '../../core/index.ts';

export type DigestAlgorithm = 'sha-256' | 'sha-512';

export const DIGEST_ALGORITHMS: readonly DigestAlgorithm[] = ['sha-256', 'sha-512'];

const NO_CONTENT = new Uint8Array(0);

export function contentBytes(body: Uint8Array | string | undefined): Uint8Array {
  // Empty, so nothing a caller does to it can change it: one serves every request without a body.
  if (body === undefined) return NO_CONTENT;
  return typeof body === 'string' ? utf8(body) : body;
}

export function digest(algorithm: DigestAlgorithm, content: Uint8Array): Uint8Array {
  return algorithm === 'sha-256' ? sha256(content) : sha512(content);
}

/** The field value for `content`, e.g. `sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:`. */
export function contentDigest(
  content: Uint8Array | string | undefined,
  algorithms: readonly DigestAlgorithm[] = ['sha-256'],
): string {
  const bytes = contentBytes(content);
  const dict: Dictionary = new Map();
  for (const alg of algorithms) dict.set(alg, [digest(alg, bytes).slice().buffer, new Map()]);
  return serializeDictionary(dict);
}

/** The digest of no content (every signed GET carries it), computed once rather than per request. */
const EMPTY_SHA256 = base64.encode(sha256(new Uint8Array(0)));

const SINGLE_SHA256 = /^sha-256=:([A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=):$/;

export type DigestCheck =
  | { ok: true; algorithms: DigestAlgorithm[] }
  | { ok: false; problem: 'malformed' | 'no-supported-algorithm' | 'mismatch'; reason: string };

/**
 * Checks a `Content-Digest` field value against the content. Every supported digest present must
 * match (RFC 9530 §3 lets a recipient choose; checking all means no weaker entry can be slipped
 * in beside a correct one); at least one supported digest must be present.
 */
export function checkContentDigest(
  fieldValue: string,
  content: Uint8Array | string | undefined,
): DigestCheck {
  // The field as signers write it, one canonical `sha-256` member (RFC 8941 §4.1.8): compared
  // without the dictionary parser; anything else takes the general way below.
  const single = SINGLE_SHA256.exec(fieldValue);
  if (single) {
    const bytes = contentBytes(content);
    return single[1] === (bytes.length === 0 ? EMPTY_SHA256 : base64.encode(sha256(bytes)))
      ? { ok: true, algorithms: ['sha-256'] }
      : { ok: false, problem: 'mismatch', reason: 'Content-Digest sha-256 does not match the content' };
  }
  let dict: Dictionary;
  try {
    dict = parseDictionary(fieldValue);
  } catch (e) {
    return { ok: false, problem: 'malformed', reason: `Content-Digest is not a dictionary: ${String(e)}` };
  }
  const bytes = contentBytes(content);
  const checked: DigestAlgorithm[] = [];
  for (const alg of DIGEST_ALGORITHMS) {
    const member = dict.get(alg);
    if (member === undefined) continue;
    const value = member[0];
    if (!(value instanceof ArrayBuffer))
      return { ok: false, problem: 'malformed', reason: `Content-Digest ${alg} is not a byte sequence` };
    if (!equalBytes(new Uint8Array(value), digest(alg, bytes)))
      return { ok: false, problem: 'mismatch', reason: `Content-Digest ${alg} does not match the content` };
    checked.push(alg);
  }
  if (checked.length === 0)
    return {
      ok: false,
      problem: 'no-supported-algorithm',
      reason: 'Content-Digest has no sha-256 or sha-512',
    };
  return { ok: true, algorithms: checked };
}
