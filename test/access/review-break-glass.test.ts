/**
 * The access review and break-glass, end to end: accounts made by the real `rampart` CLI against the
 * server's store, used over HTTP (each use an error-level BREAK_GLASS_USED log line and an
 * `access.break-glass.used` entry), time-limited and revocable; four eyes through the CLI; the
 * review flags unused, expiring and pending grants and shows the alerts.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { authzDb } from '../../src/access/authz/index.ts';
import { createBreakGlass } from '../../src/access/break-glass/index.ts';
import { configSchema } from '../../src/core/node.ts';
import { createRampart, type RampartApp } from '../../src/server/app.ts';
import { rampartAsync } from '../support/cli.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { addPerson } from './grants-support.ts';

let db: TestDb;
let app: RampartApp;
let url = '';
let base: string[];
const logLines: Array<Record<string, unknown>> = [];

before(async () => {
  db = await createTestDb();
  base = ['--data-dir', db.dataDir, ...(db.databaseUrl ? ['--database-url', db.databaseUrl] : [])];
  const config = configSchema.parse({
    dataDir: db.dataDir,
    database: { url: db.databaseUrl },
    server: { host: '127.0.0.1', port: 0 },
    ledger: { checkpointEverySeconds: 3600 },
  });
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
      done();
    },
  });
  app = await createRampart(config, { logger: { level: 'error', stream } });
  url = await app.http.listen({ host: '127.0.0.1', port: 0 });
});
after(async () => {
  await app.close();
  await db.drop();
});

const cli = async (...args: string[]) => {
  const r = await rampartAsync([...base, ...args]);
  const json = () => {
    try {
      return JSON.parse(r.stdout) as Record<string, unknown> & { error?: { code: string } };
    } catch {
      throw new Error(`rampart ${args.join(' ')} (exit ${r.code}) printed no JSON: ${r.stdout}${r.stderr}`);
    }
  };
  return { ...r, json };
};
const http = async (method: string, path: string, secret: string | undefined, body?: unknown) => {
  const r = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(secret ? { authorization: `Break-Glass ${secret}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return {
    status: r.status,
    body: (await r.json()) as Record<string, unknown> & { error?: { code: string } },
  };
};

let secret = '';
let bgId = '';
let dana = '';

test('a break-glass account: sealed secret from the CLI; every use an alert and a ledger entry', async () => {
  const made = await cli(
    '--json',
    'access',
    'break-glass',
    'create',
    '--roles',
    'administrator',
    '--ttl',
    '10m',
  );
  assert.equal(made.code, 0, made.stderr);
  const out = made.json();
  secret = out['secret'] as string;
  bgId = out['id'] as string;
  assert.match(secret, /^rbg_[A-Za-z0-9_-]{43}$/);
  assert.equal(out['state'], 'sealed');
  const stored = await authzDb(app.ledger.store.db).selectFrom('access_break_glass').selectAll().execute();
  assert.ok(!JSON.stringify(stored).includes(secret.slice(4)), 'only the hash is stored');

  dana = await addPerson(app.ledger, 'p_dana', 'Dana');
  const first = await http('GET', '/api/v1/access/review', secret);
  assert.equal(first.status, 200, JSON.stringify(first.body));
  const g = await http('POST', '/api/v1/access/grants', secret, {
    principal: dana,
    role: 'operator',
    reason: 'night shift',
  });
  assert.equal(g.status, 200, JSON.stringify(g.body));
  assert.equal(g.body['requestedBy'], `user:${bgId}`);

  const alerts = logLines.filter((l) => l['code'] === 'BREAK_GLASS_USED');
  assert.equal(alerts.length, 2);
  assert.equal(alerts[0]!['level'], 50, 'error level');
  const used = await app.ledger.store.db
    .selectFrom('ledger_entries')
    .select(['actor', 'entry'])
    .where('action', '=', 'access.break-glass.used')
    .orderBy('idx')
    .execute();
  assert.equal(used.length, 2);
  const p0 = JSON.parse(used[0]!.entry).payload;
  assert.equal(p0.opened, true);
  assert.equal(p0.use, 1);
  assert.equal(JSON.parse(used[1]!.entry).payload.url, '/api/v1/access/grants');

  const wrong = await http('GET', '/api/v1/access/review', `rbg_${'A'.repeat(43)}`);
  assert.equal(wrong.status, 401);
  assert.equal(wrong.body.error?.code, 'BREAK_GLASS_INVALID');
});

test('four eyes over the CLI: the same OS account cannot approve its own request; a second administrator can', async () => {
  const asked = await cli(
    '--json',
    'access',
    'grant',
    dana,
    'approver',
    '--expires',
    '3d',
    '--reason',
    'cover',
  );
  assert.equal(asked.code, 0, asked.stderr);
  const grant = asked.json();
  assert.equal(grant['status'], 'pending');
  const same = await cli('--json', 'access', 'grant', 'approve', grant['id'] as string);
  assert.equal(same.code, 1);
  assert.equal(same.json().error?.code, 'GRANT_FOUR_EYES');
  // Dana holds operator: approver would not mix duties (neither has access:roles:write).
  const approved = await http('POST', `/api/v1/access/grants/${grant['id']}/approve`, secret);
  assert.equal(approved.status, 200, JSON.stringify(approved.body));
  assert.equal(approved.body['status'], 'active');
});

test('the review: last use, unused and expiring flagged, break-glass alerts first', async () => {
  const r = await cli('--json', 'access', 'review', '--expiring-days', '7');
  assert.equal(r.code, 0, r.stderr);
  const review = r.json() as unknown as {
    summary: { grants: number; unused: number; expiring: number; pending: number; breakGlassUses: number };
    grants: Array<{
      principal: string;
      role: string;
      flags: string[];
      lastUsedAt: string | null;
      principalName: string | null;
    }>;
    breakGlass: Array<{ id: string; state: string; uses: number }>;
    alerts: Array<{ account: string }>;
  };
  const find = (p: string, role: string) => review.grants.find((g) => g.principal === p && g.role === role)!;
  const glass = find(`user:${bgId}`, 'administrator');
  assert.ok(glass.flags.includes('break-glass'));
  assert.ok(glass.lastUsedAt, 'its use is recorded on the grant');
  assert.ok(!glass.flags.includes('unused'));
  const approver = find(dana, 'approver');
  assert.deepEqual(approver.flags.sort(), ['expiring', 'privileged', 'unused']);
  assert.equal(approver.principalName, 'Dana');
  assert.deepEqual(find(dana, 'operator').flags, ['unused']);
  assert.equal(review.breakGlass[0]?.state, 'open');
  assert.equal(review.breakGlass[0]?.uses, 3);
  assert.equal(review.alerts.length, 3);
  assert.equal(review.summary.breakGlassUses, 3);
  const text = await cli('access', 'review');
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout.split('\n')[0]!, /^ALERT: break-glass used 3 time\(s\)/);
  assert.match(text.stdout, /approver\s+user:p_dana \(Dana\) \[unused, expiring, privileged\]/);
});

test('break-glass is time-limited and revocable; refusals are recorded too', async () => {
  // Its window ends (the clock moved past expires_at): refused.
  const [row] = await authzDb(app.ledger.store.db).selectFrom('access_break_glass').selectAll().execute();
  await authzDb(app.ledger.store.db)
    .updateTable('access_break_glass')
    .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
    .where('id', '=', row!.id)
    .execute();
  const late = await http('GET', '/api/v1/access/review', secret);
  assert.equal(late.status, 401);
  assert.equal(late.body.error?.code, 'BREAK_GLASS_EXPIRED');

  const second = await createBreakGlass(app.ledger, {
    roles: ['auditor'],
    actor: 'cli:test',
    ttlSeconds: 300,
  });
  const revoked = await cli('--json', 'access', 'break-glass', 'revoke', second.id);
  assert.equal(revoked.code, 0, revoked.stderr);
  const r = await http('GET', '/api/v1/access/review', second.secret);
  assert.equal(r.status, 401);
  assert.equal(r.body.error?.code, 'BREAK_GLASS_REVOKED');
  const refused = await app.ledger.store.db
    .selectFrom('ledger_entries')
    .select('entry')
    .where('action', '=', 'access.break-glass.refused')
    .execute();
  assert.deepEqual(
    refused.map((e) => JSON.parse(e.entry).payload.code),
    ['BREAK_GLASS_EXPIRED', 'BREAK_GLASS_REVOKED'],
  );
  await assert.rejects(
    createBreakGlass(app.ledger, { roles: ['administrator'], actor: 'cli:test', ttlSeconds: 3 * 86_400 }),
    {
      code: 'BREAK_GLASS_INVALID',
    },
  );
  await assert.rejects(createBreakGlass(app.ledger, { roles: ['wizard'], actor: 'cli:test' }), {
    code: 'ROLE_UNKNOWN',
  });
});
