// The custody guard's SCREENED_ADDRESS uses the alliance screening set through its injected
// ScreeningService; without one it refuses to analyse (fail closed). The 0010 migration moves the
// custody guard's old screening_entries into the alliance set.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { custodyScreening, importList, ScreeningSet, screeningSetFor } from '../../src/alliance/index.ts';
import type { RampartError } from '../../src/core/index.ts';
import {
  analyzeForWallet,
  importScreeningList,
  provideScreening,
  registerWallet,
  screenedAddresses,
} from '../../src/custody/registry/index.ts';
import type { Ledger } from '../../src/ledger/index.ts';
import type { Store } from '../../src/store/index.ts';
import { custodyMigration } from '../../src/store/migrations/0004-custody.ts';
import { allianceScreeningMigration } from '../../src/store/migrations/0010-alliance-screening.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { testLedger } from '../support/ledger.ts';
import { storeIndependent } from '../support/passes.ts';

const VECTORS = new URL('../../../shared/vectors/intel/bybit-2025/', import.meta.url);
const bybitList = JSON.parse(readFileSync(new URL('bybit-safe-tx-71.json', VECTORS), 'utf8'));
const expected = JSON.parse(readFileSync(new URL('expected-safe-tx-verification.json', VECTORS), 'utf8'));
const ROLES = readFileSync(new URL('bybit-2025-address-roles.csv', VECTORS), 'utf8');
const attackers = { format: 'csv' as const, where: 'role=attacker_contract|attacker_eoa' };
const SAFE = expected.safe as string;
const wallet = {
  chainId: 1,
  address: SAFE,
  version: '1.1.1',
  owners: [
    ...(expected.records[0].recovered_signers as string[]),
    '0x0000000000000000000000000000000000000abc',
  ],
  threshold: 3,
};

describe('custody screening through the alliance set', () => {
  let db: TestDb;
  let store: Store;
  let ledger: Ledger;

  before(async () => {
    db = await createTestDb();
    store = await db.open();
    ledger = testLedger(store).ledger;
    await registerWallet(ledger, wallet, 'user:alice');
  });
  after(async () => {
    await store.close();
    await db.drop();
  });

  const screenedFindings = async () => {
    const entries = await analyzeForWallet(ledger, {
      wallet: SAFE,
      chainId: 1,
      input: bybitList,
      simulate: false,
    });
    return entries.flatMap((e) =>
      'analysis' in e
        ? e.analysis.findings.filter((f) => f.code === 'SCREENED_ADDRESS').map((f) => f.message)
        : [],
    );
  };

  it('refuses to analyse before a screening set is wired', async () => {
    await assert.rejects(screenedFindings(), (e: RampartError) => e.code === 'SCREENING_UNAVAILABLE');
  });

  it('an address listed in the alliance set is SCREENED_ADDRESS; unlisting it clears the finding', async () => {
    provideScreening(ledger, custodyScreening(ledger));
    assert.deepEqual(await screenedFindings(), []);
    const set = await screeningSetFor(ledger);
    await importList(set, { text: ROLES, ...attackers, source: 'bybit-attackers', actor: 'user:alice' });
    const hits = await screenedFindings();
    assert.ok(hits.length > 0);
    assert.ok(
      hits.some((m) => /0x96221423681A6d52E184D440a8eFCEbB105C7242/i.test(m)),
      hits.join('\n'),
    );
    await set.unlist('bybit-attackers', 'all', {
      actor: 'user:alice',
      action: 'alliance.screening.removed',
    });
    assert.deepEqual(await screenedFindings(), []);
  });

  it('a change made by another process (another set on the same store) reaches the guard', async () => {
    const other = await ScreeningSet.open(ledger);
    await importList(other, { text: ROLES, ...attackers, source: 'other-process', actor: 'cli:ops' });
    assert.ok((await screenedFindings()).length > 0);
  });

  it('custody screen-import (importScreeningList) writes into the alliance set', async () => {
    const r = await importScreeningList(ledger, ['0x000000000000000000000000000000000000dEaD'], {
      source: 'custody-list',
      reason: 'test',
      actor: 'cli:ops',
    });
    assert.deepEqual([r.added, r.alreadyListed], [1, 0]);
    const s = (await screeningSetFor(ledger)).screen('0x000000000000000000000000000000000000dead');
    assert.ok(s.valid && s.listed);
    assert.equal(s.listings[0]!.source, 'custody-list');
    assert.ok((await screenedAddresses(ledger)).includes('0x000000000000000000000000000000000000dEaD'));
    const last = await store.db
      .selectFrom('ledger_entries')
      .select('action')
      .orderBy('idx', 'desc')
      .executeTakeFirstOrThrow();
    assert.equal(last.action, 'alliance.screening.imported');
  });
});

describe('migration 0010 moves custody screening entries', storeIndependent, () => {
  it('copies each (address, source) as an EVM listing with seq 1', async () => {
    const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
    try {
      await custodyMigration('sqlite').up(db);
      await sql`insert into screening_entries (address, source, reason, added_at) values
        ('0x51e9d833ecae4e8d9d8be17300aee6d3398c135d', 'fbi', 'FBI PSA', '2025-02-27T00:00:00.000Z'),
        ('0x51e9d833ecae4e8d9d8be17300aee6d3398c135d', 'ops', 'manual', '2025-02-28T00:00:00.000Z')`.execute(
        db,
      );
      await allianceScreeningMigration('sqlite').up(db);
      const rows = await sql<
        Record<string, unknown>
      >`select address, source, chain, kind, reason, first_seen, seq, removed_at
        from alliance_screening_entries order by source`.execute(db);
      assert.deepEqual(rows.rows, [
        {
          address: '0x51e9d833ecae4e8d9d8be17300aee6d3398c135d',
          source: 'fbi',
          chain: 'ethereum',
          kind: 'evm',
          reason: 'FBI PSA',
          first_seen: '2025-02-27T00:00:00.000Z',
          seq: 1,
          removed_at: null,
        },
        {
          address: '0x51e9d833ecae4e8d9d8be17300aee6d3398c135d',
          source: 'ops',
          chain: 'ethereum',
          kind: 'evm',
          reason: 'manual',
          first_seen: '2025-02-28T00:00:00.000Z',
          seq: 1,
          removed_at: null,
        },
      ]);
      const head = await sql<{ seq: number }>`select seq from alliance_screening_head where id = 1`.execute(
        db,
      );
      assert.equal(head.rows[0]!.seq, 1);
    } finally {
      await db.destroy();
    }
  });
});
