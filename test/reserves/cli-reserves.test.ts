// `rampart reserves build|proof|verify|token|statement|roots` through the real command, on the suite's
// store: exit 0 / 1 with the reason / 2 for usage.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { proofToken } from '../../src/reserves/index.ts';
import { rampart } from '../support/cli.ts';
import { createTestDb, type TestDb } from '../support/db.ts';

let db: TestDb;
let base: string[];
const tmp = mkdtempSync(join(tmpdir(), 'rampart-reserves-cli-'));
before(async () => {
  db = await createTestDb();
  base = ['--data-dir', db.dataDir, ...(db.databaseUrl ? ['--database-url', db.databaseUrl] : [])];
  writeFileSync(join(tmp, 'snap.csv'), 'user,BTC,ETH\nalice,100,5\nbob,0,7\ncarol@x.io,3,0\nd/e,1,1\n');
  writeFileSync(join(tmp, 'bad.csv'), 'user,BTC,DOGE\nalice,100,5\n');
});
after(async () => {
  await db.drop();
  rmSync(tmp, { recursive: true, force: true });
});

let root: string;

test('build publishes the root (JSON), writes proofs on request, and records it in the ledger', () => {
  const out = join(tmp, 'proofs');
  const r = rampart([
    ...base,
    '--json',
    'reserves',
    'build',
    join(tmp, 'snap.csv'),
    '--assets',
    'BTC,ETH',
    '--snapshot-time',
    '2026-11-25T00:00:00Z',
    '--write-proofs',
    out,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as {
    root: { hash: string; totals: string[] };
    users: number;
    proofsWritten: number;
  };
  assert.deepEqual(j.root.totals, ['104', '13']);
  assert.equal(j.users, 4);
  assert.equal(j.proofsWritten, 4);
  assert.deepEqual(readdirSync(out).sort(), ['alice.json', 'bob.json', 'carol@x.io.json', 'd_2fe.json']);
  root = j.root.hash;
  const v = rampart(['reserves', 'verify', join(out, 'd_2fe.json'), '--root', root]);
  assert.equal(v.code, 0, v.stderr);
  assert.match(v.stdout, /OK: d\/e is included/);
});

test('proof from the stored tree, verified against the statement file; a tampered proof exits 1 with its reason', () => {
  const file = join(tmp, 'alice.json');
  assert.equal(rampart([...base, 'reserves', 'proof', 'alice', '--out', file]).code, 0);
  const st = rampart([...base, 'reserves', 'statement']);
  assert.equal(st.code, 0, st.stderr);
  writeFileSync(join(tmp, 'statement.json'), st.stdout);
  const ok = rampart(['--json', 'reserves', 'verify', file, '--root', join(tmp, 'statement.json')]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal((JSON.parse(ok.stdout) as { againstPublishedRoot: boolean }).againstPublishedRoot, true);

  const p = JSON.parse(readFileSync(file, 'utf8')) as { leaf: { balances: string[] } };
  p.leaf.balances[0] = '1000';
  writeFileSync(join(tmp, 'tampered.json'), JSON.stringify(p));
  const bad = rampart(['reserves', 'verify', join(tmp, 'tampered.json')]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /RESERVES_TOTALS_MISMATCH/);
  const other = rampart(['--json', 'reserves', 'verify', file, '--root', 'ab'.repeat(32)]);
  assert.equal(other.code, 1);
  assert.equal((JSON.parse(other.stdout) as { code: string }).code, 'RESERVES_ROOT_NOT_PUBLISHED');
  assert.equal(rampart([...base, 'reserves', 'proof', 'mallory']).code, 1);
});

test('a bad snapshot exits 1 naming the line, and publishes nothing; usage errors exit 2', () => {
  const bad = rampart([...base, 'reserves', 'build', join(tmp, 'bad.csv'), '--assets', 'BTC,ETH']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /line 1: unknown asset column "DOGE".*RESERVES_SNAPSHOT_UNKNOWN_ASSET/);
  const roots = rampart([...base, '--json', 'reserves', 'roots']);
  assert.equal((JSON.parse(roots.stdout) as unknown[]).length, 1);
  assert.equal(rampart([...base, 'reserves', 'build', join(tmp, 'snap.csv')]).code, 2);
  assert.equal(
    rampart([...base, 'reserves', 'build', join(tmp, 'snap.csv'), '--assets', 'BTC,ETH', '--min-height', 'x'])
      .code,
    2,
  );
  assert.equal(rampart(['reserves', 'verify']).code, 2);
});

test('token: the one the exchange hands out, derived from the data directory’s token key', () => {
  const a = rampart([...base, 'reserves', 'token', 'alice']).stdout.trim();
  assert.match(a, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(a, proofToken(db.dataDir, 'alice'));
  assert.notEqual(proofToken(db.dataDir, 'bob'), a);
});
