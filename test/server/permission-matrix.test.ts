/**
 * The permission matrix: every route in the server's route table either is one of the named public
 * routes, or answers 401 without credentials and 403 to an authenticated principal without its
 * permission — before its body is even validated.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Principal } from '../../src/server/permissions.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/** The routes anyone may call, and why. */
const PUBLIC = new Map<string, string>([
  ['GET /healthz', 'liveness'],
  ['GET /api/v1/openapi.json', 'the API description'],
  ['GET /api/v1/ledger/checkpoint', 'transparency log: latest checkpoint'],
  ['GET /api/v1/ledger/key', 'transparency log: verifier key'],
  ['GET /api/v1/ledger/entries', 'transparency log: entries'],
  ['GET /api/v1/ledger/entries/:index', 'transparency log: one entry'],
  ['GET /api/v1/ledger/proof/inclusion', 'transparency log: proofs'],
  ['GET /api/v1/ledger/proof/consistency', 'transparency log: proofs'],
  ['GET /ledger/checkpoint', 'C2SP tlog-tiles'],
  ['GET /ledger/tile/*', 'C2SP tlog-tiles'],
  ['POST /witness/add-checkpoint', 'C2SP tlog-witness: authenticated by the checkpoint signature'],
  ['GET /witness/key', 'the witness cosigner key'],
  ['GET /rampart-verify.html', 'the standalone proof-of-reserves verifier page: users need no account'],
  [
    'GET /api/v1/reserves/statement',
    'proof of reserves: the published root every user checks against (also in the public ledger)',
  ],
  [
    'POST /api/v1/reserves/proof',
    'proof of reserves: a user’s own proof, only with that user’s proof token (users are not principals)',
  ],
  ['GET /*', 'the console’s static files'],
]);
/** Routes added by modules still being built may be public too; they must be listed here to pass. */
const PUBLIC_PREFIXES = ['/api/v1/access/enroll', '/api/v1/access/signin', '/api/v1/access/session'];

let srv: TestServer;
before(async () => {
  srv = await startTestServer({
    config: { witness: { enabled: true, logs: [] } },
    resolvePrincipal: (async (req: { headers: Record<string, unknown> }) =>
      req.headers['x-test-principal'] === 'nobody'
        ? ({ id: 'user:nobody', kind: 'user', permissions: new Set<string>() } satisfies Principal)
        : undefined) as never,
  });
});
after(() => srv.close());

test('every route is public by name, or 401 without credentials and 403 without the permission', async () => {
  const table = srv.app.http.routeTable;
  assert.ok(table.length > 20, `the route table has ${table.length} routes`);
  let checked = 0;
  for (const r of table) {
    const key = `${r.method} ${r.url}`;
    if (r.permission === 'public') {
      assert.ok(
        PUBLIC.has(key) || PUBLIC_PREFIXES.some((p) => r.url.startsWith(p)),
        `${key} is public but not in the named list`,
      );
      continue;
    }
    const url = srv.url + r.url.replace(/:[A-Za-z]+/g, '1').replace('*', 'x');
    const init = (as?: string): RequestInit => ({
      method: r.method,
      headers: {
        ...(as ? { 'x-test-principal': as } : {}),
        ...(r.method === 'GET' ? {} : { 'content-type': 'application/json' }),
      },
      ...(r.method === 'GET' ? {} : { body: '{"malformed": ' }),
    });
    const anon = await fetch(url, init());
    assert.equal(anon.status, 401, `${key} without credentials`);
    assert.equal(((await anon.json()) as { error: { code: string } }).error.code, 'AUTH_REQUIRED');
    const nobody = await fetch(url, init('nobody'));
    assert.equal(nobody.status, 403, `${key} without ${r.permission}`);
    assert.equal(((await nobody.json()) as { error: { code: string } }).error.code, 'PERMISSION_DENIED');
    checked++;
  }
  assert.ok(checked >= 10, `${checked} protected routes checked`);
});
