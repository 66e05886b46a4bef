/**
 * Lock-out on repeated sign-in failures, over HTTP: per credential (and its person) and per source
 * address; 429 LOCKED_OUT with Retry-After before anything is verified; counters in the store, so
 * the lock-out holds after a restart; the lock-out and every failure are ledger entries.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestDb, type TestDb } from '../support/db.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { SoftAuthenticator } from './passkeys-authenticator.ts';
import { Person } from './stepup-people.ts';

const POLICY = { windowMs: 10 * 60_000, address: 6, credential: 3, person: 3, startsPerMinute: 1000 };
let db: TestDb;
let srv: TestServer;
let ada: Person;

async function start(): Promise<TestServer> {
  const s = await startTestServer({ db, keepDb: true });
  s.app.access.lockout = POLICY;
  return s;
}

before(async () => {
  db = await createTestDb();
  srv = await start();
  ada = await new Person(srv, 'Ada Admin').enroll();
});
after(async () => {
  await srv.close();
  await db.drop();
});

async function signIn(auth: SoftAuthenticator) {
  const o = await ada.call('POST', '/api/v1/access/signin/options', {});
  const response = auth.assert(o.body['options'] as never, auth.credentials[0]);
  const r = await fetch(`${srv.url}/api/v1/access/signin/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ challengeId: o.body['challengeId'], response }),
  });
  return { status: r.status, body: (await r.json()) as { error?: { code: string } }, headers: r.headers };
}

test('the credential-limit-th failure locks the credential: 429 LOCKED_OUT with Retry-After, even for a valid assertion', async () => {
  ada.auth.userVerified = false;
  for (let i = 0; i < POLICY.credential; i++) {
    const r = await signIn(ada.auth);
    assert.equal(r.status, 401);
    assert.equal(r.body.error?.code, 'ASSERTION_INVALID');
  }
  ada.auth.userVerified = true;
  const locked = await signIn(ada.auth);
  assert.equal(locked.status, 429);
  assert.equal(locked.body.error?.code, 'LOCKED_OUT');
  const retry = Number(locked.headers.get('retry-after'));
  assert.ok(retry > 0 && retry <= POLICY.windowMs / 1000, `Retry-After ${retry}`);
  const entries = await srv.app.ledger.entries(0, 1000);
  assert.equal(entries.filter((e) => e.action === 'access.signin.failed').length, POLICY.credential);
  const lockouts = entries.filter((e) => e.action === 'access.lockout');
  assert.deepEqual(lockouts.map((e) => e.payload['scope']).sort(), ['credential', 'person']);
});

test('the lock-out is in the store: it holds after a restart', async () => {
  await srv.close();
  srv = await start();
  (ada as { srv: TestServer }).srv = srv;
  const r = await signIn(ada.auth);
  assert.equal(r.status, 429);
  assert.equal(r.body.error?.code, 'LOCKED_OUT');
});

test('per source address: unknown credentials from one address lock the address out', async () => {
  const stranger = new SoftAuthenticator(srv.app.baseUrl());
  stranger.register({ challenge: 'x', user: { id: 'u' } });
  let last = { status: 0, body: {} as { error?: { code: string } }, headers: new Headers() };
  // The address already counts the credential's failures (refusals while locked are not counted).
  for (let i = 0; i < POLICY.address && last.status !== 429; i++) last = await signIn(stranger);
  assert.equal(last.status, 429);
  assert.equal(last.body.error?.code, 'LOCKED_OUT');
  const entries = await srv.app.ledger.entries(0, 1000);
  assert.ok(entries.some((e) => e.action === 'access.lockout' && e.payload['scope'] === 'address'));
});

test('rate limit: starting ceremonies from one address is limited per minute (429 RATE_LIMITED, Retry-After)', async () => {
  srv.app.access.lockout = { ...POLICY, startsPerMinute: 2 };
  let last: { status: number; code?: string | undefined; retry: string | null } = { status: 0, retry: null };
  for (let i = 0; i < 3; i++) {
    const r = await fetch(`${srv.url}/api/v1/access/signin/options`, { method: 'POST' });
    last = {
      status: r.status,
      code: ((await r.json()) as { error?: { code: string } }).error?.code,
      retry: r.headers.get('retry-after'),
    };
  }
  assert.equal(last.status, 429);
  assert.equal(last.code, 'RATE_LIMITED');
  assert.ok(Number(last.retry) >= 1 && Number(last.retry) <= 60, `Retry-After ${last.retry}`);
});
