/** The newest entries of one action (and subject), newest first, on the suite's store. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { encodeEntry, type Ledger, latestEntries } from '../../src/ledger/index.ts';
import { leafHash } from '../../src/ledger/merkle/index.ts';
import type { Store } from '../../src/store/index.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { hasCode } from '../support/errors.ts';
import { testLedger } from '../support/ledger.ts';

describe('ledger: latest entries by action and subject', () => {
  let db: TestDb;
  let store: Store;
  let ledger: Ledger;

  before(async () => {
    db = await createTestDb();
    store = await db.open();
    ({ ledger } = testLedger(store));
    // Interleaved actions and subjects, so that order and both filters matter.
    for (let i = 0; i < 12; i++)
      await ledger.record({
        actor: 'system',
        action: i % 3 === 0 ? 'test.other' : 'test.latest',
        subject: i % 2 === 0 ? 'even' : 'odd',
        payload: { i },
      });
  });
  after(async () => {
    await ledger.stop();
    await store.close();
    await db.drop();
  });

  test('newest first, filtered by action, then also by subject', async () => {
    const all = await ledger.latest({ action: 'test.latest', limit: 100 });
    assert.deepEqual(
      all.map((e) => e.payload.i),
      [11, 10, 8, 7, 5, 4, 2, 1],
    );
    const odd = await ledger.latest({ action: 'test.latest', subject: 'odd', limit: 3 });
    assert.deepEqual(
      odd.map((e) => e.payload.i),
      [11, 7, 5],
    );
    const [last] = await ledger.latest({ action: 'test.other', subject: 'odd' });
    assert.equal(last?.payload.i, 9);
    assert.deepEqual(await ledger.latest({ action: 'test.none' }), []);
  });

  test('each entry is the stored one: index, canonical text and leaf hash', async () => {
    const [e] = await latestEntries(store.db, { action: 'test.latest', subject: 'even' });
    assert.ok(e);
    const stored = await ledger.entry(e.index);
    assert.equal(e.text, stored.text);
    const { time, actor, action, subject, payload } = e;
    assert.equal(e.text, encodeEntry({ time, actor, action, subject, payload }).text);
    assert.deepEqual(e.leafHash, leafHash(new TextEncoder().encode(e.text)));
  });

  test('a limit outside 1..1000 is refused', async () => {
    for (const limit of [0, 1001, 1.5, Number.NaN])
      await assert.rejects(ledger.latest({ action: 'test.latest', limit }), hasCode('LEDGER_LIMIT_INVALID'));
  });
});
