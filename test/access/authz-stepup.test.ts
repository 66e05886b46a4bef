/**
 * With real console sessions (passkeys from a software authenticator): a role change from a session
 * needs a passkey step-up over exactly that change, and a `step-up` condition lets a permission
 * through only shortly after the session's last step-up.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../support/server.ts';
import { Person } from './stepup-people.ts';

let srv: TestServer;
let admin: Person;
let otto: Person;
before(async () => {
  srv = await startTestServer();
  admin = await new Person(srv, 'Ada Admin').enroll();
  otto = await new Person(srv, 'Otto Operator').enroll(['operator']);
});
after(() => srv.close());

test('a grant from a console session needs a step-up over exactly that grant', async () => {
  const bare = await admin.call('POST', '/api/v1/access/grants', {
    principal: `user:${otto.id}`,
    role: 'auditor',
  });
  assert.equal(bare.status, 403);
  assert.equal(bare.body.error?.code, 'STEPUP_REQUIRED');
  const other = await admin.stepUp({
    action: 'access.grant.request',
    principal: `user:${otto.id}`,
    role: 'approver',
  });
  const mismatch = await admin.call('POST', '/api/v1/access/grants', {
    principal: `user:${otto.id}`,
    role: 'auditor',
    stepUp: other,
  });
  assert.equal(mismatch.status, 403);
  assert.equal(mismatch.body.error?.code, 'STEPUP_ACTION_MISMATCH');
  const proof = await admin.stepUp({
    action: 'access.grant.request',
    principal: `user:${otto.id}`,
    role: 'auditor',
  });
  const ok = await admin.call('POST', '/api/v1/access/grants', {
    principal: `user:${otto.id}`,
    role: 'auditor',
    stepUp: proof,
  });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(ok.body['status'], 'active');
  assert.equal(ok.body['requestedBy'], `user:${admin.id}`);
});

test('a step-up condition: allowed only within maxAgeSeconds of the session’s last step-up', async () => {
  const proof = await admin.stepUp({ action: 'access.conditions.set', after: '0' });
  const set = await admin.call('PUT', '/api/v1/access/conditions', {
    conditions: [
      { id: 'recent-step-up', kind: 'step-up', permissions: ['access:review'], maxAgeSeconds: 120 },
    ],
    stepUp: proof,
  });
  assert.equal(set.status, 200, JSON.stringify(set.body));
  // The administrator stepped up moments ago: allowed.
  assert.equal((await admin.call('GET', '/api/v1/access/review')).status, 200);
  // Otto (auditor now) holds access:review but never stepped up in this session: refused.
  const refused = await otto.call('GET', '/api/v1/access/review');
  assert.equal(refused.status, 403);
  assert.equal(refused.body.error?.code, 'CONDITION_DENIED');
  assert.deepEqual(refused.body.error?.details?.['conditions'], ['recent-step-up']);
  // Permissions the condition does not name are untouched.
  assert.equal((await otto.call('GET', '/api/v1/access/passkeys')).status, 200);
});
