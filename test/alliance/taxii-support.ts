/** Helpers for the TAXII tests: a server loaded with data, members, and requests in TAXII form. */
import { readFileSync } from 'node:fs';
import { addMember, setCollectionRight } from '../../src/alliance/members/index.ts';
import { TAXII_MEDIA_TYPE } from '../../src/alliance/taxii/media.ts';
import { importTaxiiFixture } from '../../src/alliance/taxii/store.ts';
import type { PrincipalResolver } from '../../src/server/permissions.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

export const MEDALLION_DATA = new URL(
  '../../../shared/vectors/taxii/medallion/default_data.json',
  import.meta.url,
);

/** A person of this member, for requests sent with `x-test-user: <id>`. */
export const localUsers: PrincipalResolver = async (req) => {
  const u = req.headers['x-test-user'];
  if (typeof u !== 'string') return undefined;
  return {
    id: `user:${u}`,
    kind: 'user',
    permissions: new Set([
      'taxii:read',
      'taxii:write',
      'alliance:read',
      'alliance:members:write',
      'alliance:incident:write',
      'alliance:screen',
    ]),
  };
};

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

export interface TaxiiReply {
  status: number;
  contentType: string | null;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: TAXII bodies are read field by field in assertions
  body: Record<string, any>;
}

export function taxiiFetcher(base: string, auth: Record<string, string>) {
  return async (
    path: string,
    init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<TaxiiReply> => {
    const headers: Record<string, string> = { accept: TAXII_MEDIA_TYPE, ...auth, ...init.headers };
    let body: string | undefined;
    if (init.body !== undefined) {
      body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
      headers['content-type'] ??= TAXII_MEDIA_TYPE;
    }
    const r = await fetch(`${base}${path}`, {
      method: init.method ?? (body ? 'POST' : 'GET'),
      headers,
      ...(body !== undefined ? { body } : {}),
    });
    const text = await r.text();
    return {
      status: r.status,
      contentType: r.headers.get('content-type'),
      headers: r.headers,
      body: text ? JSON.parse(text) : {},
    };
  };
}

export const MEMBER_PASSWORD = 'correct horse battery staple';

/**
 * A server holding the reference server's test data, and a member `tester` whose rights mirror the
 * fixture's can_read / can_write flags (TLP up to AMBER+STRICT, so every fixture object is visible).
 */
export async function medallionServer(): Promise<TestServer> {
  const srv = await startTestServer({ resolvePrincipal: localUsers });
  const data = JSON.parse(readFileSync(MEDALLION_DATA, 'utf8')) as Record<
    string,
    // biome-ignore lint/suspicious/noExplicitAny: the reference server's fixture layout
    any
  >;
  await importTaxiiFixture(srv.app.ledger, data, 'user:loader');
  await addMember(
    srv.app.ledger,
    { id: 'tester', name: 'Conformance tester', password: MEMBER_PASSWORD },
    'user:loader',
  );
  for (const [, root] of Object.entries(data).filter(([k]) => !k.startsWith('/')))
    for (const c of root.collections ?? [])
      if (c.can_read || c.can_write)
        await setCollectionRight(
          srv.app.ledger,
          'tester',
          { collectionId: c.id, canRead: c.can_read, canWrite: c.can_write, tlpMax: 'amber+strict' },
          'user:loader',
        );
  return srv;
}
