/**
 * `serve --demo` seeds the demo as one unit: an empty store gets all of it, a store a stop left
 * with part of it is finished where it stopped (same steps, same order, one `demo.seeded` mark), and
 * a store holding anything else — real entries, a finished demo, a `rampart demo --stream` log — is
 * left exactly as it was.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Ledger, StoredEntry } from '../../src/ledger/index.ts';
import { getBuild, listAttestations, proofForUser, verifyProof } from '../../src/reserves/index.ts';
import { seedDemo } from '../../src/server/demo.ts';
import { seedReservesDemo } from '../../src/server/demo-reserves.ts';
import { DEMO_SEEDED, demoProgress, seedDemoStore } from '../../src/server/demo-store.ts';
import type { Store } from '../../src/store/index.ts';
import { createTestDb } from '../support/db.ts';
import { testLedger } from '../support/ledger.ts';

const LAST = new Date('2026-12-07T12:00:00Z');
const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function fresh(): Promise<{ ledger: Ledger; store: Store; dataDir: string }> {
  const db = await createTestDb();
  const store = await db.open();
  const { ledger } = testLedger(store);
  const dataDir = mkdtempSync(join(tmpdir(), 'rampart-demo-store-'));
  cleanups.push(async () => {
    await ledger.stop();
    await store.close();
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return { ledger, store, dataDir };
}

async function all(ledger: Ledger): Promise<StoredEntry[]> {
  return ledger.entries(0, await ledger.size());
}

/** What a demo is made of, without times and build ids (a build's id is its time and a random tail). */
const shape = (entries: StoredEntry[]) =>
  entries.map((e) => `${e.actor} ${e.action} ${e.subject?.startsWith('por-') ? 'por-…' : (e.subject ?? '')}`);

let complete: StoredEntry[];

test('an empty store gets the whole demo, marked whole; a second start writes nothing', async () => {
  const { ledger, store, dataDir } = await fresh();
  const seeded = await seedDemoStore(ledger, dataDir, LAST);
  assert.deepEqual(seeded, { entries: 69, resumed: false, users: 2000, attestations: 7 });
  complete = await all(ledger);
  assert.equal(complete.length, 69);
  assert.equal(complete.at(-1)!.action, DEMO_SEEDED);
  assert.equal((await listAttestations(ledger)).length, 7);
  const proof = await proofForUser(store.db, dataDir, 'demo-user-0007');
  assert.equal(verifyProof(JSON.parse(JSON.stringify(proof)), (await getBuild(store.db)).statement).ok, true);

  assert.equal(await seedDemoStore(ledger, dataDir, LAST), undefined);
  assert.equal(await ledger.size(), 69);
});

test('stopped in the middle of the history: finished from the next entry on', async () => {
  const { ledger, dataDir } = await fresh();
  assert.equal(await seedDemo(ledger, { entries: 25 }), 25, 'the first 25 entries of the same sequence');
  const seeded = await seedDemoStore(ledger, dataDir, LAST);
  assert.deepEqual(seeded, { entries: 69 - 25, resumed: true, users: 2000, attestations: 7 });
  const entries = await all(ledger);
  assert.deepEqual(shape(entries), shape(complete), 'the same demo as an uninterrupted start');
  assert.deepEqual(
    entries.slice(0, 60).map((e) => e.payload),
    complete.slice(0, 60).map((e) => e.payload),
  );
});

test('stopped after the liabilities, before any attestation: only the rest is written', async () => {
  const { ledger, dataDir } = await fresh();
  await seedDemo(ledger);
  // The liabilities alone (attestations counted as done), as a stop right after them leaves it.
  assert.equal(await seedReservesDemo(ledger, dataDir, LAST, { liabilities: false, attestations: 7 }), 1);
  const seeded = await seedDemoStore(ledger, dataDir, LAST);
  assert.deepEqual(seeded, { entries: 7 + 1, resumed: true, users: 2000, attestations: 7 });
  assert.deepEqual(shape(await all(ledger)), shape(complete));
  assert.equal((await listAttestations(ledger)).length, 7);
});

test('a store holding anything but a demo prefix is left as it was', async () => {
  const { ledger, dataDir } = await fresh();
  await seedDemo(ledger, { entries: 10 });
  await ledger.record({ actor: 'user:alice', action: 'settings.changed', subject: 'limit', payload: {} });
  assert.equal(await seedDemoStore(ledger, dataDir, LAST), undefined, 'a real entry after demo ones');
  assert.equal(await ledger.size(), 11);
});

test('demoProgress: the demo steps in their order, and nothing else', () => {
  const e = (actor: string, action: string, payload: Record<string, unknown> = {}) =>
    ({ actor, action, payload }) as unknown as StoredEntry;
  const history = Array.from({ length: 60 }, () => e('user:bob', 'settings.changed', { demo: true }));
  const liabilities = e('cli:demo', 'reserves.liabilities.published');
  const attestation = e('cli:demo', 'reserves.attestation.published');

  assert.deepEqual(demoProgress([]), { history: 0, liabilities: false, attestations: 0 });
  assert.deepEqual(demoProgress([...history, liabilities, attestation, attestation]), {
    history: 60,
    liabilities: true,
    attestations: 2,
  });
  // A `rampart demo --stream` log: more demo entries than the history has.
  assert.equal(demoProgress([...history, history[0]!]), undefined);
  // Reserves before the history is complete, or out of order, or twice.
  assert.equal(demoProgress([...history.slice(1), liabilities]), undefined);
  assert.equal(demoProgress([...history, attestation]), undefined);
  assert.equal(demoProgress([...history, liabilities, liabilities]), undefined);
  assert.equal(demoProgress([...history, liabilities, ...Array(8).fill(attestation)]), undefined);
  // The finished demo, and real data.
  assert.equal(demoProgress([...history, liabilities, e('system', DEMO_SEEDED, { demo: true })]), undefined);
  assert.equal(demoProgress([e('user:alice', 'access.person.enrolled')]), undefined);
  assert.equal(demoProgress([e('someone', 'reserves.attestation.published')]), undefined);
});
