/**
 * TAXII 2.1 media types (§1.6.8, §3.1). Every response carries exactly
 * `application/taxii+json;version=2.1` — the OASIS client compares it token by token. A request's
 * Accept must allow it (else 406, §3.1); a POST body must be sent as it (else 415, §5.5).
 */
export const TAXII_MEDIA_TYPE = 'application/taxii+json;version=2.1';
export const STIX_MEDIA_TYPE_21 = 'application/stix+json;version=2.1';

/** Does this Accept header allow a TAXII 2.1 response? Absent or wildcard Accept does. */
export function acceptsTaxii21(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return true;
  for (const raw of accept.split(',')) {
    const [type, ...params] = raw.split(';').map((p) => p.trim().toLowerCase());
    if (type === '*/*' || type === 'application/*') return true;
    if (type !== 'application/taxii+json') continue;
    const version = params.find((p) => p.startsWith('version='))?.slice('version='.length);
    // No version parameter means the latest the server supports (§1.6.8.1).
    if (version === undefined || version === '2.1') return true;
  }
  return false;
}

/** Is this Content-Type a TAXII 2.1 body? (`application/taxii+json` with version absent or 2.1.) */
export function isTaxii21ContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const [type, ...params] = contentType.split(';').map((p) => p.trim().toLowerCase());
  if (type !== 'application/taxii+json') return false;
  const version = params.find((p) => p.startsWith('version='))?.slice('version='.length);
  return version === undefined || version === '2.1';
}

/** The STIX spec version of a media type `application/stix+json;version=X`. */
export function specVersionOfMediaType(mediaType: string): string {
  return /version=([\d.]+)/.exec(mediaType)?.[1] ?? '2.1';
}
