/**
 * Grants over HTTP with the real authorizer: roles as data, separation of duties, four eyes for
 * privileged grants, revocation and expiry taking effect with the next request, unknown principals.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../support/server.ts';
import { addPerson, bootstrapGrant, caller, grantsResolver } from './grants-support.ts';

let srv: TestServer;
const call = caller(() => srv);
let admin1 = '';
let admin2 = '';
let bob = '';
let carol = '';
const APPROVE_BODY = { digest: 'a'.repeat(64), signature: 'c2ln' };

before(async () => {
  srv = await startTestServer({ resolvePrincipal: grantsResolver(() => srv) as never });
  const l = srv.app.ledger;
  admin1 = await addPerson(l, 'p_admin1', 'Ada Admin');
  admin2 = await addPerson(l, 'p_admin2', 'Grace Admin');
  bob = await addPerson(l, 'p_bob', 'Bob');
  carol = await addPerson(l, 'p_carol', 'Carol');
  await bootstrapGrant(l, admin1, 'administrator');
  await bootstrapGrant(l, admin2, 'administrator');
});
after(() => srv.close());

const actions = async () =>
  (await srv.app.ledger.store.db
    .selectFrom('ledger_entries')
    .select(['action', 'actor', 'entry'])
    .orderBy('idx')
    .execute()) as Array<{
    action: string;
    actor: string;
    entry: string;
  }>;

test('roles are data: built-in roles listed, custom roles from known permissions only, no duty mixing', async () => {
  const list = await call('GET', '/api/v1/access/roles', admin1);
  assert.equal(list.status, 200);
  const roles = list.body as unknown as Array<{
    name: string;
    privileged: boolean;
    builtin: boolean;
    permissions: string[];
  }>;
  const byName = new Map(roles.map((r) => [r.name, r]));
  assert.equal(byName.get('administrator')?.privileged, true);
  assert.equal(byName.get('approver')?.privileged, true);
  assert.equal(byName.get('operator')?.privileged, false);
  assert.ok(!byName.get('administrator')!.permissions.includes('custody:approve'));

  const made = await call('POST', '/api/v1/access/roles', admin1, {
    name: 'treasury',
    description: 'treasury approvers',
    permissions: ['access:self', 'custody:read', 'custody:approve', 'ledger:read'],
  });
  assert.equal(made.status, 200, JSON.stringify(made.body));
  assert.equal(made.body['privileged'], true);
  assert.equal(made.body['builtin'], false);

  const unknown = await call('POST', '/api/v1/access/roles', admin1, {
    name: 'wizards',
    permissions: ['custody:read', 'custody:teleport'],
  });
  assert.equal(unknown.status, 400);
  assert.equal(unknown.body.error?.code, 'ROLE_PERMISSION_UNKNOWN');
  assert.equal(unknown.body.error?.details?.['permission'], 'custody:teleport');
  assert.match(unknown.body.error!.message, /custody:teleport/);

  const mixed = await call('POST', '/api/v1/access/roles', admin1, {
    name: 'superuser',
    permissions: ['access:roles:write', 'custody:request:submit'],
  });
  assert.equal(mixed.status, 403);
  assert.equal(mixed.body.error?.code, 'SEPARATION_OF_DUTIES');

  const dup = await call('POST', '/api/v1/access/roles', admin1, {
    name: 'operator',
    permissions: ['custody:read'],
  });
  assert.equal(dup.body.error?.code, 'ROLE_EXISTS');

  // Without access:roles:write: 403 with its code, before anything is created.
  const bobTries = await call('POST', '/api/v1/access/roles', bob, {
    name: 'mine',
    permissions: ['custody:read'],
  });
  assert.equal(bobTries.status, 403);
  assert.equal(bobTries.body.error?.code, 'PERMISSION_DENIED');
  assert.ok((await actions()).some((e) => e.action === 'access.role.created' && e.actor === admin1));
});

test('nobody grants a role to themselves', async () => {
  const self = await call('POST', '/api/v1/access/grants', admin1, { principal: admin1, role: 'auditor' });
  assert.equal(self.status, 403);
  assert.equal(self.body.error?.code, 'GRANT_SELF');
});

test('a non-privileged grant is effective at once; a revoked one stops working with the next request', async () => {
  assert.equal((await call('GET', '/api/v1/custody/requests', bob)).body.error?.code, 'PERMISSION_DENIED');
  const g = await call('POST', '/api/v1/access/grants', admin1, {
    principal: bob,
    role: 'operator',
    reason: 'desk',
  });
  assert.equal(g.status, 200, JSON.stringify(g.body));
  assert.equal(g.body['status'], 'active');
  assert.equal((await call('GET', '/api/v1/custody/requests', bob)).status, 200);
  const again = await call('POST', '/api/v1/access/grants', admin2, { principal: bob, role: 'operator' });
  assert.equal(again.body.error?.code, 'GRANT_EXISTS');

  const r = await call('POST', `/api/v1/access/grants/${g.body['id']}/revoke`, admin2, { reason: 'moved' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body['status'], 'revoked');
  const after = await call('GET', '/api/v1/custody/requests', bob);
  assert.equal(after.status, 403);
  assert.equal(after.body.error?.code, 'PERMISSION_DENIED');
  const log = await actions();
  assert.ok(log.some((e) => e.action === 'access.grant.revoked' && e.actor === admin2));
});

test('a privileged grant is not effective before a second administrator approves it', async () => {
  const req = await call('POST', '/api/v1/access/grants', admin1, { principal: carol, role: 'approver' });
  assert.equal(req.status, 200, JSON.stringify(req.body));
  assert.equal(req.body['status'], 'pending');
  const id = req.body['id'] as string;
  // Pending: carol still lacks custody:approve.
  const early = await call('POST', '/api/v1/custody/requests/req_x/approvals', carol, APPROVE_BODY);
  assert.equal(early.status, 403, JSON.stringify(early.body));
  assert.equal(early.body.error?.code, 'PERMISSION_DENIED');
  // The administrator who asked cannot approve.
  const same = await call('POST', `/api/v1/access/grants/${id}/approve`, admin1);
  assert.equal(same.status, 403, JSON.stringify(same.body));
  assert.equal(same.body.error?.code, 'GRANT_FOUR_EYES');
  // Nor can the grantee (who lacks the permission anyway).
  assert.equal(
    (await call('POST', `/api/v1/access/grants/${id}/approve`, carol)).body.error?.code,
    'PERMISSION_DENIED',
  );
  const ok = await call('POST', `/api/v1/access/grants/${id}/approve`, admin2);
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(ok.body['status'], 'active');
  assert.equal(ok.body['approvedBy'], admin2);
  // Now the permission check passes and the route itself answers (no such request).
  const now = await call('POST', '/api/v1/custody/requests/req_x/approvals', carol, APPROVE_BODY);
  assert.equal(now.status, 404, JSON.stringify(now.body));
  assert.equal(now.body.error?.code, 'REQUEST_NOT_FOUND');
  const twice = await call('POST', `/api/v1/access/grants/${id}/approve`, admin2);
  assert.equal(twice.body.error?.code, 'GRANT_NOT_PENDING');
  const log = await actions();
  const approved = log.find((e) => e.action === 'access.grant.approved' && e.actor === admin2);
  assert.ok(approved, 'the approval is on the ledger');
  assert.equal(JSON.parse(approved.entry).payload.requestedBy, admin1);
});

test('an administrator cannot also be made an approver (separation of duties across grants)', async () => {
  const r = await call('POST', '/api/v1/access/grants', admin1, { principal: admin2, role: 'treasury' });
  assert.equal(r.status, 403);
  assert.equal(r.body.error?.code, 'SEPARATION_OF_DUTIES');
});

test('a time-bound grant stops working when it ends, and the review marks it expired', async () => {
  const end = new Date(Date.now() + 1500).toISOString();
  const g = await call('POST', '/api/v1/access/grants', admin1, {
    principal: bob,
    role: 'auditor',
    expiresAt: end,
  });
  assert.equal(g.status, 200, JSON.stringify(g.body));
  assert.equal((await call('GET', '/api/v1/access/review', bob)).status, 200);
  await new Promise((r) => setTimeout(r, Date.parse(end) - Date.now() + 50));
  const late = await call('GET', '/api/v1/access/review', bob);
  assert.equal(late.status, 403);
  assert.equal(late.body.error?.code, 'PERMISSION_DENIED');
  const review = await call('GET', '/api/v1/access/review?all=true', admin2);
  assert.equal(review.status, 200, JSON.stringify(review.body));
  const grants = review.body['grants'] as Array<{ id: string; status: string }>;
  assert.equal(grants.find((x) => x.id === g.body['id'])?.status, 'expired');
  assert.ok((await actions()).some((e) => e.action === 'access.grant.expired'));
  const past = await call('POST', '/api/v1/access/grants', admin1, {
    principal: bob,
    role: 'auditor',
    expiresAt: '2001-01-01T00:00:00Z',
  });
  assert.equal(past.body.error?.code, 'GRANT_EXPIRY_INVALID');
});

test('forged or unknown principals: no grant to them, no permission for them', async () => {
  const ghost = await call('POST', '/api/v1/access/grants', admin1, {
    principal: 'user:p_ghost',
    role: 'operator',
  });
  assert.equal(ghost.status, 404);
  assert.equal(ghost.body.error?.code, 'PRINCIPAL_UNKNOWN');
  const svc = await call('POST', '/api/v1/access/grants', admin1, {
    principal: 'service:nobody',
    role: 'signer-node',
  });
  assert.equal(svc.body.error?.code, 'PRINCIPAL_UNKNOWN');
  const junk = await call('POST', '/api/v1/access/grants', admin1, { principal: 'root', role: 'operator' });
  assert.equal(junk.status, 400);
  assert.equal(junk.body.error?.code, 'PRINCIPAL_INVALID');
  const role = await call('POST', '/api/v1/access/grants', admin1, { principal: bob, role: 'wizard' });
  assert.equal(role.body.error?.code, 'ROLE_UNKNOWN');
  // A principal nobody granted anything (a forged identity) holds no permission.
  const forged = await call('GET', '/api/v1/access/grants', 'user:p_ghost');
  assert.equal(forged.status, 403);
  assert.equal(forged.body.error?.code, 'PERMISSION_DENIED');
  assert.equal((await call('GET', '/api/v1/access/grants', undefined)).body.error?.code, 'AUTH_REQUIRED');
});
