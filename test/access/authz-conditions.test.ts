/**
 * Conditions evaluated with Cedar: compiled policies, a time-of-day forbid and a network forbid end
 * to end over HTTP, role-scoped conditions, hand-written Cedar forbids, fail-closed evaluation, and
 * every change audited.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type Condition,
  compileConditions,
  evaluateConditions,
  parseConditions,
  prepareConditions,
  requestContext,
} from '../../src/access/authz/index.ts';
import { storeIndependent } from '../support/passes.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { addPerson, bootstrapGrant, caller, grantsResolver } from './grants-support.ts';

const hhmm = (d: Date) =>
  `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
const inHours = (h: number) => new Date(Date.now() + h * 3_600_000);

describe('conditions compile to Cedar and evaluate (pure)', storeIndependent, () => {
  const at = (iso: string, ip = '10.1.2.3', stepUp?: number) => requestContext(new Date(iso), ip, stepUp);
  const office: Condition = {
    id: 'office-hours',
    kind: 'time-of-day',
    permissions: ['custody:approve'],
    allow: { from: '08:00', to: '18:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'] },
  };
  const night: Condition = {
    id: 'night',
    kind: 'time-of-day',
    permissions: ['*'],
    allow: { from: '22:00', to: '06:00' },
  };
  const lan: Condition = {
    id: 'lan-only',
    kind: 'network',
    permissions: ['access:roles:write'],
    roles: ['administrator'],
    allow: { cidrs: ['10.0.0.0/8', 'fd00::/8'] },
  };
  const fresh: Condition = {
    id: 'fresh-step-up',
    kind: 'step-up',
    permissions: ['custody:read'],
    maxAgeSeconds: 300,
  };
  const p = prepareConditions([office, night, lan, fresh]);
  const ask = (permission: string, ctx: ReturnType<typeof at>, roles = ['approver']) =>
    evaluateConditions(p, { principal: 'user:p_x', roles, permission, context: ctx });

  test('the Cedar text is one forbid per condition beside the base permit', () => {
    const c = compileConditions([office]);
    assert.match(
      c.policies['office-hours']!,
      /^forbid \(principal, action in \[Rampart::Action::"custody:approve"\], resource\)/,
    );
    assert.match(c.policies['office-hours']!, /context\.minuteOfDay >= 480 && context\.minuteOfDay < 1080/);
    assert.match(c.text, /permit \(principal, action, resource\);/);
    assert.equal(c.digest.length, 64);
  });

  test('time of day: inside the window on a weekday allowed; outside, or on a Sunday, forbidden', () => {
    // 2026-11-25 is a Wednesday.
    assert.deepEqual(ask('custody:approve', at('2026-11-25T09:30:00Z')), {
      allowed: false,
      code: 'CONDITION_DENIED',
      conditions: ['night'],
    });
    const p2 = prepareConditions([office]);
    const ask2 = (iso: string) =>
      evaluateConditions(p2, {
        principal: 'user:p_x',
        roles: [],
        permission: 'custody:approve',
        context: at(iso),
      });
    assert.deepEqual(ask2('2026-11-25T09:30:00Z'), { allowed: true });
    assert.equal(ask2('2026-11-25T18:00:00Z').allowed, false);
    assert.equal(ask2('2026-11-25T07:59:00Z').allowed, false);
    assert.equal(ask2('2026-11-29T12:00:00Z').allowed, false, 'Sunday');
    // Overnight window (from > to).
    assert.equal(ask('ledger:read', at('2026-11-25T23:10:00Z')).allowed, true);
    assert.equal(ask('ledger:read', at('2026-11-25T05:59:00Z')).allowed, true);
    assert.deepEqual(ask('ledger:read', at('2026-11-25T12:00:00Z')), {
      allowed: false,
      code: 'CONDITION_DENIED',
      conditions: ['night'],
    });
  });

  test('network: only from the ranges, only for the roles named', () => {
    const n = '2026-11-25T23:00:00Z';
    assert.equal(ask('access:roles:write', at(n, '10.9.9.9'), ['administrator']).allowed, true);
    assert.equal(
      ask('access:roles:write', at(n, '::ffff:10.9.9.9'), ['administrator']).allowed,
      true,
      'IPv4-mapped',
    );
    assert.equal(ask('access:roles:write', at(n, 'fd12::1'), ['administrator']).allowed, true);
    assert.deepEqual(ask('access:roles:write', at(n, '203.0.113.7'), ['administrator']), {
      allowed: false,
      code: 'CONDITION_DENIED',
      conditions: ['lan-only'],
    });
    assert.equal(
      ask('access:roles:write', at(n, '203.0.113.7'), ['auditor']).allowed,
      true,
      'role not named',
    );
  });

  test('step-up: only within maxAgeSeconds of the last step-up; none at all is refused', () => {
    const n = '2026-11-25T23:00:00Z';
    assert.equal(ask('custody:read', at(n, '10.0.0.1', 30)).allowed, true);
    assert.equal(ask('custody:read', at(n, '10.0.0.1', 301)).allowed, false);
    assert.equal(ask('custody:read', at(n, '10.0.0.1')).allowed, false);
    assert.equal(p.needsStepUp('custody:read'), true);
    assert.equal(p.needsStepUp('custody:approve'), false);
  });

  test('Cedar is not consulted for a permission no condition names', () => {
    const only = prepareConditions([office]);
    assert.equal(only.applies('ledger:read'), false);
    assert.equal(only.applies('custody:approve'), true);
  });

  test('hand-written Cedar forbids; permits, templates and bad text are refused; errors fail closed', () => {
    const c = prepareConditions([
      {
        id: 'no-weekend-reads',
        kind: 'cedar',
        forbid:
          'forbid (principal, action == Rampart::Action::"ledger:read", resource) when { context.weekday == "sun" };',
      },
    ]);
    assert.equal(c.applies('ledger:read'), true);
    assert.equal(c.applies('custody:read'), false);
    const sunday = at('2026-11-29T12:00:00Z');
    assert.equal(
      evaluateConditions(c, { principal: 'user:p', roles: [], permission: 'ledger:read', context: sunday })
        .allowed,
      false,
    );
    assert.throws(
      () =>
        prepareConditions(
          parseConditions([{ id: 'x1', kind: 'cedar', forbid: 'permit (principal, action, resource);' }]),
        ),
      {
        code: 'CONDITIONS_INVALID',
      },
    );
    assert.throws(
      () =>
        prepareConditions(
          parseConditions([
            { id: 'x2', kind: 'cedar', forbid: 'forbid (principal, action, resource) when {' },
          ]),
        ),
      {
        code: 'CONDITIONS_INVALID',
      },
    );
    // An attribute that is not in the context makes the policy error: refused, never skipped.
    const broken = prepareConditions([
      {
        id: 'typo',
        kind: 'cedar',
        forbid: 'forbid (principal, action, resource) when { context.nope == 1 };',
      },
    ]);
    assert.deepEqual(
      evaluateConditions(broken, {
        principal: 'user:p',
        roles: [],
        permission: 'ledger:read',
        context: sunday,
      }),
      {
        allowed: false,
        code: 'CONDITION_ERROR',
        conditions: ['typo'],
      },
    );
  });

  test('bad conditions are refused naming what is wrong', () => {
    assert.throws(
      () =>
        parseConditions([
          {
            id: 'a1',
            kind: 'time-of-day',
            permissions: ['custody:approve'],
            allow: { from: '25:00', to: '08:00' },
          },
        ]),
      {
        code: 'CONDITIONS_INVALID',
        message: /0\.allow\.from: a time is HH:MM/,
      },
    );
    assert.throws(
      () =>
        parseConditions([
          { id: 'a1', kind: 'network', permissions: ['x:y'], allow: { cidrs: ['10.0.0.0/33'] } },
        ]),
      {
        code: 'CONDITIONS_INVALID',
      },
    );
    assert.throws(
      () =>
        parseConditions([
          { id: 'a1', kind: 'step-up', permissions: ['x:y'], maxAgeSeconds: 60 },
          { id: 'a1', kind: 'step-up', permissions: ['x:y'], maxAgeSeconds: 60 },
        ]),
      { code: 'CONDITIONS_INVALID', message: /appears twice/ },
    );
  });
});

describe('conditions over HTTP', () => {
  let srv: TestServer;
  const call = caller(() => srv);
  let admin = '';
  let op = '';
  before(async () => {
    srv = await startTestServer({ resolvePrincipal: grantsResolver(() => srv) as never });
    admin = await addPerson(srv.app.ledger, 'p_admin', 'Ada Admin');
    op = await addPerson(srv.app.ledger, 'p_op', 'Otto Operator');
    await bootstrapGrant(srv.app.ledger, admin, 'administrator');
    await bootstrapGrant(srv.app.ledger, op, 'operator', false);
  });
  after(() => srv.close());

  const set = (conditions: unknown[]) => call('PUT', '/api/v1/access/conditions', admin, { conditions });

  test('a time-of-day forbid refuses now and allows inside its window', async () => {
    assert.equal((await call('GET', '/api/v1/custody/requests', op)).status, 200);
    // A window that ends before now: custody:read is refused for the operator.
    const closed = await set([
      {
        id: 'desk-hours',
        kind: 'time-of-day',
        permissions: ['custody:read'],
        roles: ['operator'],
        allow: { from: hhmm(inHours(2)), to: hhmm(inHours(3)) },
      },
    ]);
    assert.equal(closed.status, 200, JSON.stringify(closed.body));
    assert.match(
      closed.body['cedar'] as string,
      /forbid \(principal, action in \[Rampart::Action::"custody:read"\], resource\)/,
    );
    const refused = await call('GET', '/api/v1/custody/requests', op);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error?.code, 'CONDITION_DENIED');
    assert.deepEqual(refused.body.error?.details?.['conditions'], ['desk-hours']);
    // Other permissions are untouched: submitting passes the check and reaches validation.
    const submit = await call('POST', '/api/v1/custody/requests', op, {});
    assert.equal(submit.status, 400, JSON.stringify(submit.body));
    // A window around now: allowed again.
    await set([
      {
        id: 'desk-hours',
        kind: 'time-of-day',
        permissions: ['custody:read'],
        roles: ['operator'],
        allow: { from: hhmm(inHours(-1)), to: hhmm(inHours(1)) },
      },
    ]);
    assert.equal((await call('GET', '/api/v1/custody/requests', op)).status, 200);
  });

  test('a network forbid refuses a request from outside its ranges', async () => {
    const far = await set([
      {
        id: 'lan-only',
        kind: 'network',
        permissions: ['*'],
        roles: ['operator'],
        allow: { cidrs: ['10.0.0.0/8'] },
      },
    ]);
    assert.equal(far.status, 200, JSON.stringify(far.body));
    const refused = await call('GET', '/api/v1/custody/requests', op);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error?.code, 'CONDITION_DENIED');
    assert.deepEqual(refused.body.error?.details?.['conditions'], ['lan-only']);
    // The administrator is not named by the condition: still allowed.
    assert.equal((await call('GET', '/api/v1/access/conditions', admin)).status, 200);
    await set([
      {
        id: 'lan-only',
        kind: 'network',
        permissions: ['*'],
        roles: ['operator'],
        allow: { cidrs: ['127.0.0.0/8', '::1/128'] },
      },
    ]);
    assert.equal((await call('GET', '/api/v1/custody/requests', op)).status, 200);
  });

  test('changes are audited; bad ones refused; only with access:roles:write', async () => {
    const bad = await set([{ id: 'x', kind: 'network', permissions: ['*'], allow: { cidrs: [] } }]);
    assert.equal(bad.status, 400);
    const notAdmin = await call('PUT', '/api/v1/access/conditions', op, { conditions: [] });
    assert.equal(notAdmin.body.error?.code, 'PERMISSION_DENIED');
    const clear = await set([]);
    assert.equal(clear.status, 200);
    const entries = await srv.app.ledger.store.db
      .selectFrom('ledger_entries')
      .select(['actor', 'entry'])
      .where('action', '=', 'access.conditions.set')
      .execute();
    assert.equal(entries.length, 5);
    assert.ok(entries.every((e) => e.actor === admin));
    const last = JSON.parse(entries.at(-1)!.entry) as { payload: { seq: number; digest: string } };
    assert.equal(last.payload.seq, 5);
    assert.equal(last.payload.digest, (await call('GET', '/api/v1/access/conditions', admin)).body['digest']);
  });
});
