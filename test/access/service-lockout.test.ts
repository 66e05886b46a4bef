/**
 * Lock-out of signed service requests: refusals naming one key id, or from one address, lock it for
 * a window (429 LOCKED_OUT with Retry-After, before any signature work), with a ledger entry.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { signRequest } from '../../src/access/http-signatures/index.ts';
import {
  claimedKeyId,
  DEFAULT_SERVICE_FAILURE_LIMIT,
  registerServiceKey,
  ServiceFailureLimiter,
} from '../../src/access/services/index.ts';
import { bytesToBase64 } from '../../src/core/index.ts';
import { storeIndependent } from '../support/passes.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

describe('ServiceFailureLimiter', storeIndependent, () => {
  test('the limit-th refusal locks for a window; other addresses and keys are untouched', () => {
    let now = 0;
    const l = new ServiceFailureLimiter({
      policy: { windowMs: 60_000, address: 3, keyId: 2 },
      now: () => now,
    });
    assert.deepEqual(l.recordFailure('10.0.0.1', 'k1'), []);
    assert.deepEqual(l.recordFailure('10.0.0.2', 'k1'), ['key'], 'two refusals naming k1 lock the key');
    assert.throws(() => l.assertNotLocked('10.0.0.9', 'k1'), { code: 'LOCKED_OUT', status: 429 });
    l.assertNotLocked('10.0.0.1', 'k2');
    assert.deepEqual(l.recordFailure('10.0.0.1', undefined), [], 'second from 10.0.0.1');
    assert.deepEqual(l.recordFailure('10.0.0.1', undefined), ['address'], 'third from 10.0.0.1');
    assert.throws(
      () => l.assertNotLocked('10.0.0.1', undefined),
      (e: { details: { retryAfterSeconds: number } }) => {
        assert.equal(e.details.retryAfterSeconds, 60);
        return true;
      },
    );
    now = 60_001;
    l.assertNotLocked('10.0.0.1', 'k1');
  });

  test('the claimed key id is read from Signature-Input without trusting it', () => {
    assert.equal(
      claimedKeyId({ 'signature-input': 'sig1=("@method");created=1;keyid="node-1";alg="ed25519"' }),
      'node-1',
    );
    assert.equal(claimedKeyId({}), undefined);
    assert.equal(claimedKeyId({ 'signature-input': 'sig1=();keyid=node-1' }), undefined);
  });
});

describe('over HTTP', () => {
  const sk = ed25519.utils.randomSecretKey();
  const forged = ed25519.utils.randomSecretKey();
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer();
    await registerServiceKey(srv.app.ledger, {
      serviceId: 'bot-2',
      keyId: 'bot-2-key',
      publicKey: bytesToBase64(ed25519.getPublicKey(sk)),
      permissions: ['custody:read'],
      actor: 'user:alice',
    });
  });
  after(() => srv.close());

  const call = (key: Uint8Array) => {
    const url = `${srv.url}/api/v1/custody/wallets`;
    return fetch(url, {
      headers: {
        ...signRequest(
          { method: 'GET', url, headers: {} },
          { keyId: 'bot-2-key', privateKey: key, created: new Date() },
        ),
      },
    });
  };

  test('forged signatures naming a key lock it: then even a good signature gets 429, and the ledger says so', async () => {
    assert.equal((await call(sk)).status, 200);
    for (let i = 0; i < DEFAULT_SERVICE_FAILURE_LIMIT.keyId; i++) {
      const r = await call(forged);
      assert.equal(r.status, 401);
      assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'SIGNATURE_INVALID');
    }
    const locked = await call(sk);
    assert.equal(locked.status, 429);
    assert.ok(Number(locked.headers.get('retry-after')) > 0);
    assert.equal(((await locked.json()) as { error: { code: string } }).error.code, 'LOCKED_OUT');
    const lockouts = await srv.app.ledger.store.db
      .selectFrom('ledger_entries')
      .select(['subject'])
      .where('action', '=', 'access.service.lockout')
      .execute();
    assert.equal(lockouts.length, 1);
    assert.equal(lockouts[0]?.subject, 'service-key:bot-2-key');
  });
});
