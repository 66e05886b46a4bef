/**
 * Lock-out counters live in the store: two Rampart servers on one database (as two processes behind
 * a load balancer would be) count a credential's failures together, and both refuse once it locks.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestDb, type TestDb } from '../support/db.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { Person } from './stepup-people.ts';

const POLICY = { windowMs: 10 * 60_000, address: 100, credential: 4, person: 4, startsPerMinute: 1000 };
let db: TestDb;
let a: TestServer;
let b: TestServer;

before(async () => {
  db = await createTestDb();
  a = await startTestServer({ db, keepDb: true });
  b = await startTestServer({ db, keepDb: true });
  a.app.access.lockout = POLICY;
  b.app.access.lockout = POLICY;
});
after(async () => {
  await a.close();
  await b.close();
  await db.drop();
});

async function signIn(srv: TestServer, ada: Person) {
  const o = await fetch(`${srv.url}/api/v1/access/signin/options`, { method: 'POST' });
  const opts = (await o.json()) as { challengeId: string; options: never };
  const response = ada.auth.assert(opts.options, ada.auth.credentials[0]);
  const r = await fetch(`${srv.url}/api/v1/access/signin/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ challengeId: opts.challengeId, response }),
  });
  return { status: r.status, code: ((await r.json()) as { error?: { code: string } }).error?.code };
}

test('failures on two servers sharing the store add up; both refuse once locked', async () => {
  const ada = await new Person(a, 'Ada Admin').enroll();
  ada.auth.userVerified = false;
  const codes: string[] = [];
  for (let i = 0; i < POLICY.credential; i++) codes.push((await signIn(i % 2 ? b : a, ada)).code ?? 'OK');
  assert.deepEqual(codes, Array(POLICY.credential).fill('ASSERTION_INVALID'));
  ada.auth.userVerified = true;
  for (const srv of [a, b]) {
    const r = await signIn(srv, ada);
    assert.equal(r.status, 429);
    assert.equal(r.code, 'LOCKED_OUT');
  }
  const lockouts = (await a.app.ledger.entries(0, 1000)).filter((e) => e.action === 'access.lockout');
  assert.deepEqual(lockouts.map((e) => e.payload['scope']).sort(), ['credential', 'person']);
});
