/**
 * Services get roles through grants too: a signed service request carries its key's permissions plus
 * those of the roles granted to `service:<id>` now; a revoked grant stops at the next request, and
 * conditions apply to services like to people.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { setConditions } from '../../src/access/authz/index.ts';
import { requestGrant, revokeGrant } from '../../src/access/grants/index.ts';
import { signRequest } from '../../src/access/http-signatures/index.ts';
import { registerServiceKey } from '../../src/access/services/index.ts';
import { bytesToBase64 } from '../../src/core/index.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const sk = ed25519.utils.randomSecretKey();
let srv: TestServer;

before(async () => {
  srv = await startTestServer();
  await registerServiceKey(srv.app.ledger, {
    serviceId: 'reviewer-bot',
    keyId: 'reviewer-bot-1',
    publicKey: bytesToBase64(ed25519.getPublicKey(sk)),
    permissions: ['custody:read'],
    actor: 'user:alice',
  });
});
after(() => srv.close());

async function get(path: string) {
  const url = `${srv.url}${path}`;
  const sig = signRequest(
    { method: 'GET', url, headers: {} },
    { keyId: 'reviewer-bot-1', privateKey: sk, created: new Date() },
  );
  const r = await fetch(url, { headers: sig as unknown as Record<string, string> });
  return { status: r.status, code: ((await r.json()) as { error?: { code: string } }).error?.code };
}

test('a role granted to a service works with its next signed request, and stops when revoked', async () => {
  assert.deepEqual(await get('/api/v1/access/review'), { status: 403, code: 'PERMISSION_DENIED' });
  assert.equal((await get('/api/v1/custody/wallets')).status, 200, 'its key permission');
  const g = await requestGrant(srv.app.ledger, {
    principal: 'service:reviewer-bot',
    role: 'auditor',
    actor: 'user:alice',
  });
  assert.equal(g.status, 'active');
  assert.equal((await get('/api/v1/access/review')).status, 200);
  await revokeGrant(srv.app.ledger, { id: g.id, actor: 'user:alice' });
  assert.deepEqual(await get('/api/v1/access/review'), { status: 403, code: 'PERMISSION_DENIED' });
  assert.equal((await get('/api/v1/custody/wallets')).status, 200, 'the key permission stays');
});

test('conditions apply to services', async () => {
  await setConditions(srv.app.ledger, {
    conditions: [
      {
        id: 'bots-from-lan',
        kind: 'network',
        permissions: ['custody:read'],
        allow: { cidrs: ['10.0.0.0/8'] },
      },
    ],
    actor: 'user:alice',
  });
  assert.deepEqual(await get('/api/v1/custody/wallets'), { status: 403, code: 'CONDITION_DENIED' });
  await setConditions(srv.app.ledger, { conditions: [], actor: 'user:alice' });
  assert.equal((await get('/api/v1/custody/wallets')).status, 200);
});
