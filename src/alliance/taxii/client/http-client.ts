/**
 * A TAXII 2.1 client for any server (ours or another's): HTTP Basic (§1.6.1) or RFC 9421 signed
 * requests (the access module's service keys). It sends Accept `application/taxii+json;version=2.1`,
 * refuses responses in another media type (as the OASIS client does), and returns the
 * X-TAXII-Date-Added-First/Last headers with each envelope.
 */
import { signRequest } from '../../../access/index.ts';
import { RampartError } from '../../../core/index.ts';
import { TAXII_MEDIA_TYPE } from '../media.ts';

export type TaxiiAuth =
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'signed'; keyId: string; privateKey: Uint8Array }
  | { kind: 'none' };

export interface Envelope {
  more?: boolean;
  next?: string;
  objects?: Record<string, unknown>[];
}

export interface EnvelopePage extends Envelope {
  dateAddedFirst?: string;
  dateAddedLast?: string;
}

export class TaxiiHttpError extends RampartError {
  constructor(
    readonly httpStatus: number,
    message: string,
  ) {
    super('TAXII_REMOTE_ERROR', message, { status: 502, details: { httpStatus } });
  }
}

export interface ObjectQuery {
  addedAfter?: string;
  limit?: number;
  next?: string;
  match?: Partial<Record<'id' | 'type' | 'version' | 'spec_version', string>>;
}

export class TaxiiClient {
  constructor(
    private readonly auth: TaxiiAuth,
    private readonly timeoutMs = 10_000,
  ) {}

  async request(
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    body?: unknown,
  ): Promise<{ status: number; headers: Headers; json: unknown }> {
    const headers: Record<string, string> = { accept: TAXII_MEDIA_TYPE };
    const text = body === undefined ? undefined : JSON.stringify(body);
    if (text !== undefined) headers['content-type'] = TAXII_MEDIA_TYPE;
    if (this.auth.kind === 'basic')
      headers['authorization'] =
        `Basic ${Buffer.from(`${this.auth.username}:${this.auth.password}`).toString('base64')}`;
    else if (this.auth.kind === 'signed')
      Object.assign(
        headers,
        signRequest(
          { method, url, headers, ...(text !== undefined ? { body: text } : {}) },
          { keyId: this.auth.keyId, privateKey: this.auth.privateKey, created: new Date() },
        ),
      );
    const r = await fetch(url, {
      method,
      headers,
      ...(text !== undefined ? { body: text } : {}),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const raw = await r.text();
    const type = r.headers.get('content-type') ?? '';
    if (!r.ok) {
      let why = raw.slice(0, 300);
      try {
        const e = JSON.parse(raw) as { title?: string; description?: string };
        why = `${e.title ?? ''}: ${e.description ?? ''}`;
      } catch {}
      throw new TaxiiHttpError(r.status, `${method} ${url} answered ${r.status} ${why}`);
    }
    if (type.split(';')[0]!.trim() !== 'application/taxii+json')
      throw new TaxiiHttpError(
        r.status,
        `${method} ${url} answered ${type || 'no media type'}, not ${TAXII_MEDIA_TYPE}`,
      );
    return { status: r.status, headers: r.headers, json: raw ? JSON.parse(raw) : {} };
  }

  async getObjects(collectionUrl: string, q: ObjectQuery = {}): Promise<EnvelopePage> {
    const u = new URL(`${collectionUrl.replace(/\/?$/, '/')}objects/`);
    if (q.addedAfter) u.searchParams.set('added_after', q.addedAfter);
    if (q.limit) u.searchParams.set('limit', String(q.limit));
    if (q.next) u.searchParams.set('next', q.next);
    for (const [k, v] of Object.entries(q.match ?? {}))
      if (v !== undefined) u.searchParams.set(`match[${k}]`, v);
    const r = await this.request('GET', u.toString());
    const env = r.json as Envelope;
    const first = r.headers.get('x-taxii-date-added-first');
    const last = r.headers.get('x-taxii-date-added-last');
    return { ...env, ...(first ? { dateAddedFirst: first } : {}), ...(last ? { dateAddedLast: last } : {}) };
  }

  async addObjects(collectionUrl: string, objects: unknown[]): Promise<Record<string, unknown>> {
    const r = await this.request('POST', `${collectionUrl.replace(/\/?$/, '/')}objects/`, { objects });
    return r.json as Record<string, unknown>;
  }

  async discovery(serverUrl: string): Promise<Record<string, unknown>> {
    return (await this.request('GET', serverUrl)).json as Record<string, unknown>;
  }

  async collections(apiRootUrl: string): Promise<Record<string, unknown>[]> {
    const r = (await this.request('GET', `${apiRootUrl.replace(/\/?$/, '/')}collections/`)).json as {
      collections?: Record<string, unknown>[];
    };
    return r.collections ?? [];
  }
}
