/**
 * The demo proof of reserves (`rampart serve --demo`): built and published by the real code, so a
 * demo user's proof verifies against the published root, the snapshot's totals are exact, and the
 * attestations chart a week of ratios with one day under 1.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Ledger } from '../../src/ledger/index.ts';
import { getBuild, listAttestations, proofForUser, verifyProof } from '../../src/reserves/index.ts';
import { DEMO_USERS, demoSnapshotCsv, seedReservesDemo } from '../../src/server/demo-reserves.ts';
import type { Store } from '../../src/store/index.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { testLedger } from '../support/ledger.ts';

let db: TestDb;
let store: Store;
let ledger: Ledger;
let dataDir: string;

before(async () => {
  db = await createTestDb();
  store = await db.open();
  ledger = testLedger(store).ledger;
  dataDir = mkdtempSync(join(tmpdir(), 'rampart-demo-test-'));
});
after(async () => {
  await ledger.stop();
  await store.close();
  await db.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

test('the demo snapshot is fixed, and its columns add up to the stated totals', () => {
  const csv = demoSnapshotCsv();
  assert.equal(csv, demoSnapshotCsv(), 'the same every time');
  const rows = csv.trim().split('\n');
  assert.equal(rows[0], 'user,BTC,ETH,USDT');
  assert.equal(rows.length, DEMO_USERS + 1);
  const totals = [0n, 0n, 0n];
  for (const row of rows.slice(1)) {
    const cells = row.split(',').slice(1);
    for (let a = 0; a < cells.length; a++) totals[a]! += BigInt(cells[a]!);
  }
  assert.deepEqual(totals, [32n * 10n ** 8n, 1_600n * 10n ** 18n, 4_700_000n * 10n ** 6n]);
});

test('seeded: a demo user checks their own proof; a week of ratios, one day under 1', async () => {
  const last = new Date('2026-12-07T12:00:00Z');
  assert.equal(await seedReservesDemo(ledger, dataDir, last), 8);
  const build = await getBuild(store.db);
  const proof = await proofForUser(store.db, dataDir, 'demo-user-0042');
  const result = verifyProof(JSON.parse(JSON.stringify(proof)), build.statement);
  assert.equal(result.ok, true, JSON.stringify(result));

  const week = await listAttestations(ledger);
  assert.deepEqual(
    week.map((a) => a.date),
    ['2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05', '2026-12-06', '2026-12-07'],
  );
  assert.ok(week.every((a) => a.liabilitiesRoot === build.statement.root.hash));
  const eth = week.map((a) => Number(a.assets.find((x) => x.asset === 'ETH')!.ratio));
  assert.equal(eth.filter((r) => r < 1).length, 1, `ETH ratios ${eth.join(', ')}`);
});
