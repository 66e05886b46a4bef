/**
 * The request as signed and verified here, and its conversion to the library's request
 * descriptor (pure). A descriptor carries the field lines in order, so that repeated fields are
 * combined exactly as RFC 9421 §2.1 prescribes (values joined with ", " in order).
 */
import type { FieldOccurrence, RequestDescriptor } from 'http-message-sig';

/** A header map as Node (`IncomingHttpHeaders`), Fastify and plain objects give it, or a `Headers`. */
export type HeaderInput = Headers | Record<string, string | readonly string[] | undefined>;

export interface HttpRequest {
  method: string;
  /**
   * The absolute target URI (RFC 9110 §7.1), e.g. `https://rampart.example/api/v1/x?y=1`. It enters
   * `@target-uri` as given, so a server must rebuild it exactly as clients send it: the scheme,
   * `://`, the authority and the request-target, unnormalised.
   */
  url: string;
  headers: HeaderInput;
  /** The message content, exactly as sent; a string is UTF-8. */
  body?: Uint8Array | string;
  /**
   * The request-target as it appeared on the request line (RFC 9421 §2.2.5); defaults to the
   * origin-form of `url` (path and query).
   */
  requestTarget?: string;
}

export function headerFields(headers: HeaderInput): FieldOccurrence[] {
  const out: FieldOccurrence[] = [];
  if (typeof Headers !== 'undefined' && headers instanceof Headers) {
    headers.forEach((value, name) => {
      out.push({ name, value });
    });
    return out;
  }
  for (const [name, value] of Object.entries(
    headers as Record<string, string | readonly string[] | undefined>,
  )) {
    if (value === undefined) continue;
    if (typeof value === 'string') out.push({ name: name.toLowerCase(), value });
    else for (const v of value) out.push({ name: name.toLowerCase(), value: v });
  }
  return out;
}

/** A field's combined value (RFC 9421 §2.1), or undefined when the message has no such field. */
export function fieldValue(fields: readonly FieldOccurrence[], name: string): string | undefined {
  const lc = name.toLowerCase();
  const values = fields.filter((f) => f.name.toLowerCase() === lc).map((f) => f.value.trim());
  return values.length === 0 ? undefined : values.join(', ');
}

/** Origin-form request-target (RFC 9112 §3.2.1): the path and query of the target URI. */
export function originForm(url: string): string {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
}

export function toDescriptor(
  request: HttpRequest,
  extra: readonly FieldOccurrence[] = [],
): RequestDescriptor {
  return {
    kind: 'request',
    method: request.method,
    targetUri: request.url,
    requestTarget: request.requestTarget ?? originForm(request.url),
    fields: [...headerFields(request.headers), ...extra],
  };
}
