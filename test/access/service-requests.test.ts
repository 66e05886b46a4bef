/** Services calling the API with RFC 9421 signed requests, end to end through the real server. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { signRequest } from '../../src/access/http-signatures/index.ts';
import { registerServiceKey, revokeServiceKey } from '../../src/access/services/index.ts';
import { bytesToBase64 } from '../../src/core/index.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const sk = ed25519.utils.randomSecretKey();
let srv: TestServer;

before(async () => {
  srv = await startTestServer();
  await registerServiceKey(srv.app.ledger, {
    serviceId: 'bot-1',
    keyId: 'bot-1-2026',
    publicKey: bytesToBase64(ed25519.getPublicKey(sk)),
    permissions: ['custody:read', 'custody:analyze'],
    actor: 'user:alice',
  });
});
after(() => srv.close());

async function signed(
  method: string,
  path: string,
  body?: string,
  over: { keyId?: string; key?: Uint8Array } = {},
) {
  const url = `${srv.url}${path}`;
  const headers: Record<string, string> = body ? { 'content-type': 'application/json' } : {};
  const sig = signRequest(
    { method, url, headers, ...(body ? { body } : {}) },
    { keyId: over.keyId ?? 'bot-1-2026', privateKey: over.key ?? sk, created: new Date() },
  );
  return { url, init: { method, headers: { ...headers, ...sig }, ...(body ? { body } : {}) } as RequestInit };
}
const code = async (r: Response) => ((await r.json()) as { error?: { code: string } }).error?.code;

test('a signed request is the service, with exactly its permissions', async () => {
  const { url, init } = await signed('GET', '/api/v1/custody/wallets');
  const r = await fetch(url, init);
  assert.equal(r.status, 200, await r.clone().text());
  // The same request again: its nonce was used.
  const again = await fetch(url, init);
  assert.equal(again.status, 401);
  assert.equal(await code(again), 'SIGNATURE_REPLAYED');
  // A permission the service does not hold.
  const w = await signed('POST', '/api/v1/custody/wallets', '{}');
  const denied = await fetch(w.url, w.init);
  assert.equal(denied.status, 403);
  assert.equal(await code(denied), 'PERMISSION_DENIED');
});

test('a signed body that was changed on the way is refused', async () => {
  const body = JSON.stringify({ wallet: '0x000000000000000000000000000000000000dead', transaction: {} });
  const { url, init } = await signed('POST', '/api/v1/custody/analyze', body);
  const r = await fetch(url, { ...init, body: body.replace('dead', 'beef') });
  assert.equal(r.status, 401);
  assert.equal(await code(r), 'CONTENT_DIGEST_MISMATCH');
  const ok = await signed('POST', '/api/v1/custody/analyze', body);
  const r2 = await fetch(ok.url, ok.init);
  assert.equal(r2.status, 404, 'authenticated, then the unknown wallet is reported');
  assert.equal(await code(r2), 'WALLET_NOT_FOUND');
});

test('unknown, foreign and revoked keys are refused', async () => {
  const a = await signed('GET', '/api/v1/custody/wallets', undefined, { keyId: 'nobody' });
  assert.equal(await code(await fetch(a.url, a.init)), 'SIGNATURE_UNKNOWN_KEY');
  const b = await signed('GET', '/api/v1/custody/wallets', undefined, {
    key: ed25519.utils.randomSecretKey(),
  });
  assert.equal(await code(await fetch(b.url, b.init)), 'SIGNATURE_INVALID');
  // Accepted just before (so the key is in the lookup cache), refused on the very next request.
  const before = await signed('GET', '/api/v1/custody/wallets');
  assert.equal((await fetch(before.url, before.init)).status, 200);
  await revokeServiceKey(srv.app.ledger, { keyId: 'bot-1-2026', actor: 'user:alice' });
  const c = await signed('GET', '/api/v1/custody/wallets');
  assert.equal(await code(await fetch(c.url, c.init)), 'SIGNATURE_UNKNOWN_KEY');
  const actions = (await srv.app.ledger.entries(0, 50)).map((e) => e.action);
  assert.ok(
    actions.includes('access.service_key.registered') && actions.includes('access.service_key.revoked'),
  );
});
