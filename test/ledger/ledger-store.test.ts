/** The ledger on the suite's store (SQLite or PostgreSQL): appends, proofs, fail-closed, concurrency. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { bytesToBase64, utf8 } from '../../src/core/index.ts';
import { encodeEntry, type Ledger, verifyStore } from '../../src/ledger/index.ts';
import { leafHash, MemoryTree, verifyConsistency, verifyInclusion } from '../../src/ledger/merkle/index.ts';
import { openNote, parseCheckpoint } from '../../src/ledger/note/index.ts';
import type { Store } from '../../src/store/index.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { testLedger } from '../support/ledger.ts';

describe(`ledger on ${process.env['RAMPART_TEST_DB'] ?? 'sqlite'}`, () => {
  let db: TestDb;
  let store: Store;
  let ledger: Ledger;
  let keys: ReturnType<typeof testLedger>;
  const mirror = new MemoryTree();

  before(async () => {
    db = await createTestDb();
    store = await db.open();
    keys = testLedger(store);
    ledger = keys.ledger;
  });
  after(async () => {
    await ledger.stop();
    await store.close();
    await db.drop();
  });

  test('appends 300 entries; stored leaves, roots and proofs equal an independent in-memory tree', async () => {
    for (let i = 0; i < 300; i++) {
      const a = await ledger.record({
        actor: 'user:alice',
        action: 'test.append',
        subject: `s${i}`,
        payload: { i },
      });
      assert.equal(a.index, i);
      const text = encodeEntry(a.entry).text;
      mirror.append(utf8(text));
    }
    assert.equal(await ledger.size(), 300);
    for (const n of [1, 2, 3, 7, 8, 9, 127, 128, 129, 255, 256, 257, 300])
      assert.deepEqual(await ledger.root(n), mirror.root(n), `root at ${n}`);
    for (const [i, n] of [
      [0, 1],
      [5, 300],
      [255, 256],
      [299, 300],
      [128, 129],
    ] as const) {
      const p = await ledger.inclusionProof(i, n);
      assert.deepEqual(p.proof, mirror.inclusionProof(i, n));
      verifyInclusion({
        index: i,
        size: n,
        leafHash: p.leafHash,
        proof: p.proof,
        root: await ledger.root(n),
      });
    }
    for (const [m, n] of [
      [1, 300],
      [100, 257],
      [256, 300],
      [299, 300],
    ] as const) {
      const proof = await ledger.consistencyProof(m, n);
      assert.deepEqual(proof, mirror.consistencyProof(m, n));
      verifyConsistency({
        size1: m,
        size2: n,
        root1: await ledger.root(m),
        root2: await ledger.root(n),
        proof,
      });
    }
  });

  test('entries read back with canonical text and leaf hash', async () => {
    const [e] = await ledger.entries(7, 1);
    assert.equal(e!.index, 7);
    assert.equal(e!.subject, 's7');
    assert.deepEqual(e!.payload, { i: 7 });
    assert.deepEqual(e!.leafHash, leafHash(utf8(e!.text)));
  });

  test('a signed checkpoint commits to the current root and verifies', async () => {
    const cp = await ledger.checkpointNow();
    assert.equal(cp.size, 300);
    assert.equal(cp.published, true);
    const body = parseCheckpoint(openNote(cp.note, [keys.verifier]).text);
    assert.equal(body.origin, 'test.rampart.localhost/ledger');
    assert.equal(body.size, 300);
    assert.equal(bytesToBase64(body.root), bytesToBase64(await ledger.root(300)));
    const report = await verifyStore(store, { origin: body.origin, verifier: keys.verifier });
    assert.equal(report.ok, true, JSON.stringify(report.problem));
    assert.equal(report.size, 300);
  });

  test('bad arguments get their own codes', async () => {
    await assert.rejects(ledger.inclusionProof(300, 300), { code: 'LEDGER_INDEX_BEYOND_SIZE' });
    await assert.rejects(ledger.inclusionProof(0, 301), { code: 'LEDGER_SIZE_BEYOND_TREE' });
    await assert.rejects(ledger.inclusionProof(-1, 10), { code: 'LEDGER_INDEX_INVALID' });
    await assert.rejects(ledger.inclusionProof(1.5, 10), { code: 'LEDGER_INDEX_INVALID' });
    await assert.rejects(ledger.consistencyProof(10, 5), { code: 'LEDGER_RANGE_INVALID' });
    await assert.rejects(ledger.entry(10_000), { code: 'LEDGER_ENTRY_NOT_FOUND' });
    await assert.rejects(ledger.entries(0, 0), { code: 'LEDGER_LIMIT_INVALID' });
    await assert.rejects(ledger.record({ actor: 'nobody', action: 'x.y' }), { code: 'LEDGER_ENTRY_INVALID' });
    await assert.rejects(ledger.record({ actor: 'system', action: 'Bad Action' }), {
      code: 'LEDGER_ENTRY_INVALID',
    });
  });

  test('fail closed: when the append fails, the domain change is rolled back', async () => {
    const before = await ledger.size();
    // 1. The entry itself is refused (too large for a tile entry bundle) after the domain write.
    await assert.rejects(
      ledger.record(
        { actor: 'user:bob', action: 'settings.changed', payload: { big: 'x'.repeat(70_000) } },
        async (trx) => {
          await trx
            .insertInto('settings')
            .values({ key: 'k1', value: 'v', updated_at: 'now', updated_by: 'user:bob' })
            .execute();
        },
      ),
      { code: 'LEDGER_ENTRY_TOO_LARGE' },
    );
    // 2. The database refuses the audit row (a trigger stands in for a full disk or a lost connection).
    if (store.dialect === 'sqlite') {
      await sql`CREATE TRIGGER refuse_audit BEFORE INSERT ON ledger_entries BEGIN SELECT RAISE(ABORT, 'audit write refused'); END`.execute(
        store.db,
      );
    } else {
      await sql`CREATE FUNCTION refuse_audit() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'audit write refused'; END $$ LANGUAGE plpgsql`.execute(
        store.db,
      );
      await sql`CREATE TRIGGER refuse_audit BEFORE INSERT ON ledger_entries FOR EACH ROW EXECUTE FUNCTION refuse_audit()`.execute(
        store.db,
      );
    }
    await assert.rejects(
      ledger.record({ actor: 'user:bob', action: 'settings.changed', subject: 'k2' }, async (trx) => {
        await trx
          .insertInto('settings')
          .values({ key: 'k2', value: 'v', updated_at: 'now', updated_by: 'user:bob' })
          .execute();
      }),
      /audit write refused/,
    );
    await sql`DROP TRIGGER refuse_audit${sql.raw(store.dialect === 'postgres' ? ' ON ledger_entries' : '')}`.execute(
      store.db,
    );
    // 3. A change with no audit entry at all is refused.
    await assert.rejects(
      ledger.transact(async (tx) => {
        await tx.db
          .insertInto('settings')
          .values({ key: 'k3', value: 'v', updated_at: 'now', updated_by: 'user:bob' })
          .execute();
      }),
      { code: 'LEDGER_NOTHING_AUDITED' },
    );
    const rows = await store.db
      .selectFrom('settings')
      .select('key')
      .where('key', 'in', ['k1', 'k2', 'k3'])
      .execute();
    assert.deepEqual(rows, [], 'no domain row survived a failed audit append');
    assert.equal(await ledger.size(), before, 'the log did not grow');
    // And the log still verifies and still appends.
    const ok = await ledger.record(
      { actor: 'user:bob', action: 'settings.changed', subject: 'k4' },
      async (trx) => {
        await trx
          .insertInto('settings')
          .values({ key: 'k4', value: 'v', updated_at: 'now', updated_by: 'user:bob' })
          .execute();
      },
    );
    assert.equal(ok.index, before);
  });

  test('concurrent transactions get contiguous indexes and a consistent tree', async () => {
    const start = await ledger.size();
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        ledger.transact(async (tx) => {
          tx.audit({ actor: 'service:bot', action: 'test.concurrent', payload: { i, part: 1 } });
          tx.audit({ actor: 'service:bot', action: 'test.concurrent', payload: { i, part: 2 } });
          return i;
        }),
      ),
    );
    const idx = results.flatMap((r) => r.appended.map((a) => a.index)).sort((a, b) => a - b);
    assert.deepEqual(
      idx,
      Array.from({ length: 80 }, (_, k) => start + k),
    );
    await ledger.checkpointNow();
    const report = await verifyStore(store, {
      origin: 'test.rampart.localhost/ledger',
      verifier: keys.verifier,
    });
    assert.equal(report.ok, true, JSON.stringify(report.problem));
  });
});
