/**
 * How a STIX object is stored as a TAXII version row: its version (modified, else created, else the
 * date it was added — SCOs have neither, TAXII 2.1 §3.4.2.2 / medallion `determine_version`), its
 * spec version (`spec_version`, or 2.0 for an object without one that has created/modified; 2.1 for
 * an SCO) and its media type.
 */
import { STIX_MEDIA_TYPE_21 } from './media.ts';
import { normalizeTimestamp } from './timestamps.ts';

export function versionOf(
  obj: Record<string, unknown>,
  dateAdded: string,
): { version: string; versionKey: string } {
  for (const k of ['modified', 'created']) {
    const v = obj[k];
    if (typeof v === 'string') {
      const key = normalizeTimestamp(v);
      if (key) return { version: v, versionKey: key };
    }
  }
  return { version: dateAdded, versionKey: dateAdded };
}

export function specVersionOf(obj: Record<string, unknown>): string {
  if (obj['created'] === undefined && obj['modified'] === undefined) return '2.1';
  return typeof obj['spec_version'] === 'string' ? obj['spec_version'] : '2.0';
}

export function mediaTypeFor(specVersion: string): string {
  return specVersion === '2.1' ? STIX_MEDIA_TYPE_21 : `application/stix+json;version=${specVersion}`;
}
