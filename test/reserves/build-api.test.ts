// Publishing through the API on the suite's store: the root in the ledger (same transaction as the
// build's row) under a signed checkpoint; the public statement; a user's own proof only with their
// token; bad snapshots and a failing store publish nothing.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { proofToken, type RootStatement, verifyProof } from '../../src/reserves/index.ts';
import type { Principal } from '../../src/server/permissions.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let srv: TestServer;
const principals: Record<string, Principal> = {
  publisher: { id: 'user:pub', kind: 'user', permissions: new Set(['reserves:publish', 'reserves:read']) },
  reader: { id: 'user:aud', kind: 'user', permissions: new Set(['reserves:read']) },
};

async function call(method: string, path: string, who?: string, body?: unknown) {
  const res = await fetch(`${srv.url}${path}`, {
    method,
    headers: {
      ...(who ? { 'x-test-principal': who } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown> & { error?: { code: string } },
  };
}

const ASSETS = ['BTC', 'ETH', 'USDT', 'USDC'];
let snapDir: string;

before(async () => {
  srv = await startTestServer({
    resolvePrincipal: (async (req: { headers: Record<string, unknown> }) =>
      principals[String(req.headers['x-test-principal'])]) as never,
  });
  snapDir = join(srv.db.dataDir, 'reserves', 'snapshots');
  mkdirSync(snapDir, { recursive: true });
  const rows = ['user,BTC,ETH,USDT,USDC'];
  for (let i = 0; i < 300; i++) rows.push(`client-${i},${i},${i * 2},${i * 3},0`);
  writeFileSync(join(snapDir, 'nov.csv'), `${rows.join('\n')}\n`);
  writeFileSync(join(snapDir, 'bad.csv'), 'user,BTC,ETH,USDT,USDC\nx,1,2,3,4\ny,1,-2,3,4\n');
});
after(() => srv.close());

describe('reserves API', () => {
  let statement: RootStatement;

  test('a publisher builds from a snapshot: the root is in the ledger under a signed checkpoint', async () => {
    const r = await call('POST', '/api/v1/reserves/liabilities', 'publisher', {
      snapshot: 'nov.csv',
      assets: ASSETS,
      snapshotTime: '2026-11-25T00:00:00Z',
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    statement = r.body.statement as RootStatement;
    assert.equal(r.body.users, 300);
    assert.equal(statement.height, 9);
    assert.equal(statement.userCountBound, '512');
    assert.deepEqual(statement.root.totals, ['44850', '89700', '134550', '0']);
    const idx = r.body.ledgerIndex as number;
    const entry = await srv.app.ledger.entries(idx, 1);
    assert.equal(entry[0]!.action, 'reserves.liabilities.published');
    assert.equal(entry[0]!.actor, 'user:pub');
    assert.deepEqual(entry[0]!.payload, statement);
    const cp = await srv.app.ledger.latestCheckpoint(true);
    assert.ok(cp && cp.size > idx, 'a signed checkpoint covers the entry');
  });

  test('readers see the latest root and the history; anyone sees the statement', async () => {
    const latest = await call('GET', '/api/v1/reserves/liabilities/latest', 'reader');
    assert.deepEqual(latest.body.statement, statement);
    const list = await call('GET', '/api/v1/reserves/liabilities', 'reader');
    assert.equal((list.body.builds as unknown[]).length, 1);
    const pub = await call('GET', '/api/v1/reserves/statement');
    assert.deepEqual(pub.body, statement);
    assert.equal((await call('GET', '/api/v1/reserves/liabilities/latest')).status, 401);
  });

  test('a user fetches their own proof with their token, and it verifies against the statement', async () => {
    const token = proofToken(srv.db.dataDir, 'client-42');
    const r = await call('POST', '/api/v1/reserves/proof', undefined, { user: 'client-42', token });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const v = verifyProof(r.body, statement);
    assert.ok(v.ok, JSON.stringify(v));
    assert.deepEqual(v.balances, { BTC: '42', ETH: '84', USDT: '126', USDC: '0' });
  });

  test('a wrong token, another user’s token and an unknown user get the same refusal', async () => {
    const wrong = await call('POST', '/api/v1/reserves/proof', undefined, {
      user: 'client-42',
      token: 'x'.repeat(43),
    });
    const other = await call('POST', '/api/v1/reserves/proof', undefined, {
      user: 'client-42',
      token: proofToken(srv.db.dataDir, 'client-43'),
    });
    const unknown = await call('POST', '/api/v1/reserves/proof', undefined, {
      user: 'nobody',
      token: proofToken(srv.db.dataDir, 'nobody'),
    });
    for (const r of [wrong, other, unknown]) {
      assert.equal(r.status, 403);
      assert.equal(r.body.error?.code, 'RESERVES_PROOF_DENIED');
    }
    assert.deepEqual(wrong.body, unknown.body);
  });

  test('a bad snapshot publishes nothing and names the line; a path outside the snapshot folder is refused', async () => {
    const size = await srv.app.ledger.size();
    const bad = await call('POST', '/api/v1/reserves/liabilities', 'publisher', {
      snapshot: 'bad.csv',
      assets: ASSETS,
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error?.code, 'RESERVES_SNAPSHOT_NEGATIVE');
    assert.match(JSON.stringify(bad.body), /line 3/);
    const outside = await call('POST', '/api/v1/reserves/liabilities', 'publisher', {
      snapshot: '../../etc/passwd',
      assets: ASSETS,
    });
    assert.equal(outside.status, 400);
    assert.equal(await srv.app.ledger.size(), size);
    assert.equal(
      ((await call('GET', '/api/v1/reserves/liabilities', 'reader')).body.builds as unknown[]).length,
      1,
    );
    assert.equal(
      (await call('POST', '/api/v1/reserves/liabilities', 'reader', { snapshot: 'nov.csv', assets: ASSETS }))
        .status,
      403,
    );
  });

  test('fail closed: if the build row cannot be written, no ledger entry and no build files remain', async () => {
    const size = await srv.app.ledger.size();
    const before = readdirSync(join(srv.db.dataDir, 'reserves')).sort();
    await srv.rawSql('DROP TABLE reserves_builds');
    const r = await call('POST', '/api/v1/reserves/liabilities', 'publisher', {
      snapshot: 'nov.csv',
      assets: ASSETS,
    });
    assert.equal(r.status, 500);
    assert.equal(await srv.app.ledger.size(), size);
    assert.deepEqual(readdirSync(join(srv.db.dataDir, 'reserves')).sort(), before);
  });
});
