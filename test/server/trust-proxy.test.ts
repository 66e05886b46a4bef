/**
 * server.trustProxy: the client address that lock-outs, rate limits, network conditions and the
 * ledger see. X-Forwarded-For counts only on a connection from a configured proxy; by default, and
 * from anywhere else, a client cannot choose the address it is recorded under.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, test } from 'node:test';
import { createBreakGlass } from '../../src/access/break-glass/index.ts';
import { configSchema } from '../../src/core/node.ts';
import { createRampart, type RampartApp } from '../../src/server/app.ts';
import { createTestDb, type TestDb } from '../support/db.ts';

const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** A server with the given proxies; returns the address its break-glass alert records for a request. */
async function recordedAddress(
  trustProxy: string[] | undefined,
  from: string,
  forwardedFor: string | undefined,
): Promise<string> {
  const db: TestDb = await createTestDb();
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const config = configSchema.parse({
    dataDir: db.dataDir,
    database: { url: db.databaseUrl },
    server: { host: '127.0.0.1', port: 0, ...(trustProxy ? { trustProxy } : {}) },
    ledger: { checkpointEverySeconds: 3600 },
  });
  const app: RampartApp = await createRampart(config, { logger: { level: 'error', stream } });
  cleanups.push(async () => {
    await app.close();
    await db.drop();
  });
  const glass = await createBreakGlass(app.ledger, { roles: ['auditor'], actor: 'cli:test' });
  const r = await app.http.inject({
    method: 'GET',
    url: '/api/v1/access/review',
    remoteAddress: from,
    headers: {
      authorization: `Break-Glass ${glass.secret}`,
      ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
    },
  });
  assert.equal(r.statusCode, 200, r.body);
  const alert = lines.find((l) => l['code'] === 'BREAK_GLASS_USED');
  assert.ok(alert, 'the use raised its alert');
  return alert['ip'] as string;
}

test('by default X-Forwarded-For is ignored: the connection is the address', async () => {
  assert.equal(await recordedAddress(undefined, '198.51.100.20', '203.0.113.7'), '198.51.100.20');
});

test('through a configured proxy the forwarded client is the address', async () => {
  assert.equal(await recordedAddress(['10.0.0.0/8'], '10.1.2.3', '203.0.113.7'), '203.0.113.7');
  // A client behind the proxy cannot prepend a made-up hop: the proxy's own entry is the last one.
  assert.equal(await recordedAddress(['10.0.0.5'], '10.0.0.5', '192.0.2.1, 203.0.113.7'), '203.0.113.7');
});

test('from anywhere but a configured proxy the header is not believed', async () => {
  assert.equal(await recordedAddress(['10.0.0.5'], '198.51.100.20', '203.0.113.7'), '198.51.100.20');
});

test('a proxy entry that is not an address or range stops the configuration, naming it', () => {
  for (const bad of ['proxy.local', '10.0.0.0/33', '::1/129', ''])
    assert.throws(() => configSchema.parse({ server: { trustProxy: [bad] } }), /IP address or CIDR/, bad);
  assert.deepEqual(configSchema.parse({ server: { trustProxy: ['::1', 'fd00::/8'] } }).server.trustProxy, [
    '::1',
    'fd00::/8',
  ]);
});
