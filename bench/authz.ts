/**
 * `npm run bench -- authz [--seconds S]`: the cost of one authorization decision in process, after
 * authentication: the principal's permissions from its grants (cached) and the Cedar conditions.
 *  - reference: a role check alone (a Set lookup over a fixed role map, what the server did before
 *    roles were data), and Cedar's stateless `isAuthorized` parsing the same policy text each time;
 *  - ours: grants + conditions when no condition names the permission (Cedar skipped), and when one
 *    does: `statefulIsAuthorized` over the policy set parsed once, its decision remembered for that
 *    exact principal, roles, permission and context (minute of day, weekday, address, step-up age),
 *    so a repeated check within the minute costs a map lookup.
 * Ratios: `preparsedVsStateless` (ours over Cedar's stateless call, > 1 is faster) and
 * `conditionsSkippedVsRoleSet` (ours with Cedar skipped over the bare Set lookup, ≤ 1).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import {
  grantedPrincipal,
  type PreparedConditions,
  prepareConditions,
  requestContext,
  setConditions,
} from '../src/access/authz/index.ts';
import { insertGrant } from '../src/access/grants/index.ts';
import { permissionsFor } from '../src/access/roles.ts';
import { Ledger } from '../src/ledger/index.ts';
import { generateSignerKey, parseSignerKey } from '../src/ledger/note/index.ts';
import { openStore } from '../src/store/index.ts';
import type { Report } from './report.ts';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

async function rate(seconds: number, fn: () => unknown | Promise<unknown>): Promise<number> {
  for (let i = 0; i < 2000; i++) await fn();
  let n = 0;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 500; i++) await fn();
    n += 500;
  }
  return n / ((performance.now() - t0) / 1000);
}

export async function run(log: (s: string) => void): Promise<Report> {
  const seconds = arg('--seconds', 2);
  const dir = mkdtempSync(join(tmpdir(), 'rampart-bench-authz-'));
  const store = await openStore({ dataDir: dir });
  const ledger = new Ledger({
    store,
    origin: 'bench.localhost/ledger',
    signer: parseSignerKey(generateSignerKey('bench.localhost/ledger').signerKey),
  });
  try {
    const principal = 'user:p_bench';
    await ledger.transact(async (tx) => {
      for (const role of ['approver', 'auditor'])
        await insertGrant(tx.db, {
          principal,
          role,
          status: 'active',
          privileged: role === 'approver',
          requestedBy: 'system',
          approvedBy: 'system',
          now: new Date().toISOString(),
        });
      tx.audit({ actor: 'system', action: 'bench.setup', subject: principal });
    });
    const conditions = [
      {
        id: 'desk-hours',
        kind: 'time-of-day' as const,
        permissions: ['custody:approve'],
        allow: { from: '00:00', to: '23:59' },
      },
      {
        id: 'lan-only',
        kind: 'network' as const,
        permissions: ['custody:approve'],
        roles: ['approver'],
        allow: { cidrs: ['127.0.0.0/8', '10.0.0.0/8'] },
      },
    ];
    await setConditions(ledger, { conditions, actor: 'system' });
    const req = { ip: '127.0.0.1' } as never;
    const roleSet = permissionsFor(['approver', 'auditor']);
    const check = async (permission: string) => {
      const p = await grantedPrincipal(ledger, { id: principal, kind: 'user' });
      if (!p.permissions.has(permission)) throw new Error(`bench: ${permission} not held`);
      await p.authorize(permission, req);
    };

    log(`role Set lookup, ${seconds} s…`);
    const setRate = await rate(seconds, () => {
      if (!roleSet.has('custody:read')) throw new Error('bench: not held');
    });
    log(`grants + conditions, none naming the permission, ${seconds} s…`);
    const skipped = await rate(seconds, () => check('custody:read'));
    log(`grants + conditions naming the permission (decision remembered per context), ${seconds} s…`);
    const withCedar = await rate(seconds, () => check('custody:approve'));

    // Cedar alone: the same request, stateful (parsed once) vs stateless (parsed every call).
    const prepared: PreparedConditions = prepareConditions(conditions);
    const context = requestContext(new Date(), '127.0.0.1');
    const call = {
      principal: { type: 'Rampart::Principal', id: principal },
      action: { type: 'Rampart::Action', id: 'custody:approve' },
      resource: { type: 'Rampart::Api', id: 'rampart' },
      context: { ...context, sourceIp: { __extn: { fn: 'ip', arg: context.sourceIp } } },
      entities: [
        {
          uid: { type: 'Rampart::Principal', id: principal },
          attrs: {},
          parents: [{ type: 'Rampart::Role', id: 'approver' }],
        },
      ],
    };
    log(`Cedar statefulIsAuthorized (pre-parsed), ${seconds} s…`);
    const stateful = await rate(seconds, () => {
      const a = cedar.statefulIsAuthorized({ ...call, preparsedPolicySetId: prepared.setId });
      if (a.type !== 'success' || a.response.decision !== 'allow') throw new Error('bench: denied');
    });
    log(`Cedar isAuthorized (policy text parsed each call), ${seconds} s…`);
    const stateless = await rate(seconds, () => {
      const a = cedar.isAuthorized({ ...call, policies: { staticPolicies: prepared.compiled.policies } });
      if (a.type !== 'success' || a.response.decision !== 'allow') throw new Error('bench: denied');
    });
    return {
      benchmark: 'authz',
      conditions: {
        date: new Date().toISOString().slice(0, 10),
        machine: `2 cores, Node ${process.version}`,
        cedar: cedar.getCedarVersion(),
        run: `${seconds} s each, one process, principal with 2 grants (cached), 2 conditions (time of day, network) on custody:approve`,
      },
      results: [
        { subject: 'role Set lookup (reference)', metric: 'throughput', value: setRate, unit: 'checks/s' },
        {
          subject: 'grants + conditions, Cedar skipped (ours)',
          metric: 'throughput',
          value: skipped,
          unit: 'checks/s',
        },
        {
          subject: 'grants + conditions, Cedar evaluated (ours)',
          metric: 'throughput',
          value: withCedar,
          unit: 'checks/s',
        },
        {
          subject: 'Cedar statefulIsAuthorized, pre-parsed (ours)',
          metric: 'throughput',
          value: stateful,
          unit: 'calls/s',
        },
        {
          subject: 'Cedar isAuthorized, parsed each call (reference)',
          metric: 'throughput',
          value: stateless,
          unit: 'calls/s',
        },
        {
          subject: 'grants + conditions, Cedar skipped (ours)',
          metric: 'time per check',
          value: 1e6 / skipped,
          unit: 'µs',
        },
        {
          subject: 'grants + conditions, Cedar evaluated (ours)',
          metric: 'time per check',
          value: 1e6 / withCedar,
          unit: 'µs',
        },
      ],
      ratios: {
        preparsedVsStateless: stateful / stateless,
        conditionsSkippedVsRoleSet: skipped / setRate,
        conditionsAppliedVsSkipped: withCedar / skipped,
      },
    };
  } finally {
    await ledger.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
