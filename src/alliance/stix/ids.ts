/**
 * STIX identifiers and timestamps (STIX 2.1 §2.9 identifier, §3.2 timestamp).
 *
 * Ids are `<type>--<UUIDv4>` for objects Rampart creates: the OASIS identifier schema only admits
 * UUID versions 1–5 (a UUIDv7 is rejected). SCOs of the cryptocurrency extension get deterministic
 * UUIDv5 ids (§2.9: SCO ids from their id-contributing properties under the STIX namespace).
 */
import { sha1 } from '@noble/hashes/legacy.js';
import { bytesToHex, canonicalJson, hexToBytes, utf8 } from '../../core/index.ts';

export function stixId(type: string): string {
  return `${type}--${globalThis.crypto.randomUUID()}`;
}

/** STIX timestamp: RFC 3339, UTC `Z`, millisecond precision (what Rampart emits). */
export function stixTimestamp(d: Date): string {
  if (Number.isNaN(d.getTime())) throw new RangeError('invalid date');
  return d.toISOString();
}

/** The STIX 2.1 SCO namespace (§2.9). */
export const STIX_SCO_NAMESPACE = '00abedb4-aa42-466c-9c01-fed23315a9b7';

/** RFC 9562 §5.5 UUIDv5: SHA-1 over namespace ‖ name, version 5, variant 10. */
export function uuidV5(namespace: string, name: string): string {
  const ns = hexToBytes(namespace.replace(/-/g, ''));
  const n = utf8(name);
  const buf = new Uint8Array(ns.length + n.length);
  buf.set(ns);
  buf.set(n, ns.length);
  const h = sha1(buf).slice(0, 16);
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = bytesToHex(h);
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** Deterministic SCO id: UUIDv5 of the RFC 8785 JSON of the id-contributing properties. */
export function scoId(type: string, contributing: Record<string, string>): string {
  return `${type}--${uuidV5(STIX_SCO_NAMESPACE, canonicalJson(contributing))}`;
}
