// Imports of the four formats into the screening set, on the suite's store (SQLite and PostgreSQL):
// the FBI list, the MSMT list with its truncated line 69, the Bybit roles CSV, a STIX bundle and a
// MISP event; each import one ledger entry; structural errors refuse the whole file.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import {
  addressIndicator,
  bundle,
  identity,
  importList,
  parseImport,
  ScreeningSet,
} from '../../src/alliance/index.ts';
import type { RampartError } from '../../src/core/index.ts';
import type { Ledger } from '../../src/ledger/index.ts';
import type { Store } from '../../src/store/index.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { testLedger } from '../support/ledger.ts';

const INTEL = new URL('../../../shared/vectors/intel/bybit-2025/', import.meta.url);
const FBI = readFileSync(new URL('fbi-ic3-psa250226-eth-addresses.txt', INTEL), 'utf8');
const MSMT = readFileSync(new URL('msmt-annex6-hk-broker-btc-addresses.txt', INTEL), 'utf8');
const ROLES = readFileSync(new URL('bybit-2025-address-roles.csv', INTEL), 'utf8');
const fbi = FBI.split(/\r?\n/).filter((l) => l.trim());
const msmt = MSMT.split(/\r?\n/).filter((l) => l.trim());

async function rejects(
  p: Promise<unknown> | (() => unknown),
  code: string,
  re: RegExp,
): Promise<RampartError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    assert.equal((e as RampartError).code, code, (e as Error).message);
    assert.match((e as Error).message, re);
    return e as RampartError;
  }
  assert.fail('expected an error');
}

describe('alliance imports', () => {
  let db: TestDb;
  let store: Store;
  let ledger: Ledger;
  let set: ScreeningSet;

  before(async () => {
    db = await createTestDb();
    store = await db.open();
    ledger = testLedger(store).ledger;
    set = await ScreeningSet.open(ledger);
  });
  after(async () => {
    await store.close();
    await db.drop();
  });

  async function ledgerActions(): Promise<{ action: string; entry: string }[]> {
    return store.db.selectFrom('ledger_entries').select(['action', 'entry']).orderBy('idx').execute();
  }

  it('the 51 FBI addresses load as one audited import', async () => {
    const r = await importList(set, {
      text: FBI,
      fileName: 'fbi-ic3-psa250226-eth-addresses.txt',
      source: 'fbi-ic3-psa250226',
      reason: 'FBI PSA I-022625-PSA: TraderTraitor (Bybit theft)',
      confidence: 100,
      tlp: 'clear',
      actor: 'user:alice',
    });
    assert.deepEqual(
      [r.format, r.listed, r.added, r.alreadyListed, r.rejected.length],
      ['txt', 51, 51, 0, 0],
    );
    for (const a of fbi) {
      const s = set.screen(a);
      assert.ok(s.valid && s.listed, a);
      assert.deepEqual(
        s.listings.map((l) => [l.source, l.confidence, l.tlp, l.listedBy]),
        [['fbi-ic3-psa250226', 100, 'clear', 'user:alice']],
      );
    }
    const entries = await ledgerActions();
    assert.equal(entries.length, 1);
    assert.equal(entries[0]!.action, 'alliance.screening.imported');
    const payload = JSON.parse(entries[0]!.entry).payload;
    assert.equal(payload.added, 51);
    assert.equal(payload.addresses.length, 51);
    assert.equal(payload.format, 'txt');
    // Importing again adds nothing.
    const again = await importList(set, { text: FBI, source: 'fbi-ic3-psa250226', actor: 'user:alice' });
    assert.deepEqual([again.added, again.alreadyListed], [0, 51]);
  });

  it('the MSMT list: 148 load, line 69 is rejected with its number and reason', async () => {
    const r = await importList(set, {
      text: MSMT,
      fileName: 'msmt.txt',
      source: 'msmt-2025-annex6',
      actor: 'user:alice',
    });
    assert.equal(r.added, 148);
    assert.equal(r.rejected.length, 1);
    assert.equal(r.rejected[0]!.line, 69);
    assert.equal(r.rejected[0]!.input, 'bc1p3xpgvzdp3ns8wnw7a93');
    assert.match(r.rejected[0]!.reason, /checksum does not match/);
    for (const a of msmt) assert.equal(set.screen(a).listed, a !== 'bc1p3xpgvzdp3ns8wnw7a93', a);
    const last = (await ledgerActions()).at(-1)!;
    assert.match(JSON.parse(last.entry).payload.rejectedLines[0], /^line 69: "bc1p3xpgvzdp3ns8wnw7a93": /);
    // --strict refuses the whole file.
    await rejects(
      importList(set, { text: MSMT, source: 'msmt-strict', strict: true, actor: 'user:alice' }),
      'IMPORT_REJECTED',
      /line 69/,
    );
    assert.equal(
      (await set.sources()).some((s) => s.source === 'msmt-strict'),
      false,
    );
  });

  it('the roles CSV, header-aware, keeping only attacker rows (victims are not screened)', async () => {
    const all = parseImport({ text: ROLES, fileName: 'roles.csv', source: 'x' });
    assert.equal(all.entries.length, 66);
    const fbiOnly = parseImport({ text: ROLES, format: 'csv', source: 'x', where: 'in_fbi_psa250226=yes' });
    assert.equal(fbiOnly.entries.length, 51);
    assert.equal(fbiOnly.skipped, 15);
    const r = await importList(set, {
      text: ROLES,
      format: 'csv',
      source: 'bybit-roles',
      reason: 'Bybit 2025',
      where: 'role=attacker_eoa|attacker_contract|attacker_test_safe',
      actor: 'user:bob',
    });
    assert.equal(r.added, 8);
    const victim = set.screen('0x1Db92e2EeBC8E0c075a02BeA49a2935BcD2dFCF4');
    assert.equal(victim.listed, false);
    const eoa = ROLES.split('\n')
      .find((l) => l.includes(',attacker_eoa,'))!
      .split(',')[0]!;
    const s = set.screen(eoa);
    assert.ok(s.valid && s.listed);
    assert.match(s.listings.find((l) => l.source === 'bybit-roles')!.reason, /^Bybit 2025: attacker_eoa/);
  });

  it('CSV structure errors refuse the file', async () => {
    await rejects(
      () => parseImport({ text: 'foo,bar\n1,2\n', format: 'csv', source: 'x' }),
      'IMPORT_CSV_INVALID',
      /no address column/,
    );
    await rejects(
      () => parseImport({ text: `address,role\n${fbi[0]},a\n${fbi[1]},b,c\n`, format: 'csv', source: 'x' }),
      'IMPORT_CSV_INVALID',
      /line 3: 3 fields, the header has 2/,
    );
    await rejects(
      () => parseImport({ text: 'address\n"0xab', format: 'csv', source: 'x' }),
      'IMPORT_CSV_INVALID',
      /unterminated/,
    );
    await rejects(
      () => parseImport({ text: ROLES, format: 'csv', source: 'x', where: 'colour=red' }),
      'IMPORT_WHERE_INVALID',
      /colour/,
    );
  });

  it('a STIX bundle: address indicators with confidence, TLP and object id; a bad address rejected alone', async () => {
    const me = identity({ name: 'Exchange B' });
    const good = addressIndicator({
      addresses: ['bc1qm34lsc65zpw79lxes69zkqmk6ee3ewf0j77s3h', '0x0000000000000000000000000000000000000001'],
      name: 'Bybit laundering',
      confidence: 85,
      tlp: 'amber',
      createdBy: me.id,
    });
    const withBad = addressIndicator({
      addresses: ['0x0000000000000000000000000000000000000002'],
      name: 'x',
    });
    withBad['pattern'] =
      "[cryptocurrency-wallet:value = '0x0000000000000000000000000000000000000002' OR cryptocurrency-wallet:value = 'bc1p3xpgvzdp3ns8wnw7a93']";
    const revoked = {
      ...addressIndicator({ addresses: ['0x0000000000000000000000000000000000000003'] }),
      revoked: true,
    };
    const text = JSON.stringify(bundle([me, good, withBad, revoked]));
    const r = await importList(set, {
      text,
      fileName: 'b.json',
      source: 'member:exchange-b',
      actor: 'service:exchange-b',
    });
    assert.equal(r.format, 'stix');
    assert.equal(r.added, 3);
    assert.equal(r.skipped, 1);
    assert.deepEqual(
      r.rejected.map((x) => [x.where, x.input]),
      [[`objects[2] ${withBad.id}`, 'bc1p3xpgvzdp3ns8wnw7a93']],
    );
    const s = set.screen('0x0000000000000000000000000000000000000001');
    assert.ok(s.valid && s.listed);
    assert.deepEqual(
      [s.listings[0]!.confidence, s.listings[0]!.tlp, s.listings[0]!.objectId, s.listings[0]!.reason],
      [85, 'amber', good.id, 'member:exchange-b: Bybit laundering'],
    );
    assert.equal(set.screen('0x0000000000000000000000000000000000000003').listed, false);
  });

  it('a bundle with one invalid object is refused with its id and schema error; nothing imported', async () => {
    const ind = addressIndicator({ addresses: ['0x0000000000000000000000000000000000000004'] });
    const bad = {
      ...addressIndicator({ addresses: ['0x0000000000000000000000000000000000000005'] }),
      confidence: 101,
    };
    const e = await rejects(
      importList(set, { text: JSON.stringify(bundle([ind, bad])), source: 'bad-bundle', actor: 'cli:test' }),
      'STIX_SCHEMA_INVALID',
      new RegExp(`${bad.id}.*confidence must be <= 100`),
    );
    assert.equal(e.details?.['id'], bad.id);
    assert.equal(set.screen('0x0000000000000000000000000000000000000004').listed, false);
    await rejects(
      importList(set, { text: '{"type":"bundle",', format: 'stix', source: 'x', actor: 'cli:test' }),
      'IMPORT_JSON_INVALID',
      /not JSON/,
    );
  });

  it('a MISP event with coin-address objects', async () => {
    const event = {
      Event: {
        info: 'Bybit hack follow-up',
        uuid: '5f0c2a1e-0000-4000-8000-000000000001',
        Tag: [{ name: 'tlp:amber' }, { name: 'misp-galaxy:threat-actor="Lazarus Group"' }],
        Object: [
          {
            name: 'coin-address',
            uuid: '5f0c2a1e-0000-4000-8000-000000000002',
            Attribute: [
              { object_relation: 'address', type: 'btc', value: msmt[0] },
              { object_relation: 'symbol', type: 'text', value: 'BTC' },
              { object_relation: 'first-seen', type: 'datetime', value: '2025-03-01T00:00:00Z' },
            ],
          },
          {
            name: 'coin-address',
            Attribute: [
              {
                object_relation: 'address-crypto',
                type: 'text',
                value: '0x0000000000000000000000000000000000000006',
              },
              { object_relation: 'symbol', type: 'text', value: 'ETH' },
            ],
          },
          {
            name: 'coin-address',
            Attribute: [{ object_relation: 'address', type: 'btc', value: 'bc1p3xpgvzdp3ns8wnw7a93' }],
          },
          {
            name: 'domain-ip',
            Attribute: [{ object_relation: 'domain', type: 'domain', value: 'example.com' }],
          },
        ],
      },
    };
    const r = await importList(set, {
      text: JSON.stringify(event),
      fileName: 'e.json',
      source: 'misp:circl',
      actor: 'cli:test',
    });
    assert.equal(r.format, 'misp');
    assert.equal(r.added, 2);
    assert.equal(r.rejected.length, 1);
    assert.match(r.rejected[0]!.where!, /Object\[2\]/);
    const s = set.screen(msmt[0]!);
    assert.ok(s.valid);
    const l = s.listings.find((x) => x.source === 'misp:circl')!;
    assert.deepEqual(
      [l.tlp, l.firstSeen, l.reason],
      ['amber', '2025-03-01T00:00:00.000Z', 'misp:circl: Bybit hack follow-up (BTC)'],
    );
    await rejects(
      importList(set, {
        text: JSON.stringify({ Event: { Object: [] } }),
        format: 'misp',
        source: 'x',
        actor: 'cli:test',
      }),
      'IMPORT_MISP_INVALID',
      /Event\.info/,
    );
  });

  it('refuses a file with no address, a bad source, and a --where on a non-CSV', async () => {
    await rejects(
      importList(set, { text: '# nothing\n\n', source: 'x', actor: 'cli:test' }),
      'IMPORT_EMPTY',
      /no address/,
    );
    await rejects(
      importList(set, { text: 'nope\n', source: 'x', actor: 'cli:test' }),
      'IMPORT_EMPTY',
      /line 1: "nope"/,
    );
    await rejects(
      importList(set, { text: FBI, source: 'bad source!', actor: 'cli:test' }),
      'SCREENING_SOURCE_INVALID',
      /source/,
    );
    await rejects(
      () => parseImport({ text: FBI, format: 'txt', source: 'x', where: 'a=b' }),
      'IMPORT_WHERE_INVALID',
      /CSV/,
    );
  });

  it('another process sees every change through refresh(), removals included', async () => {
    const other = await ScreeningSet.open(ledger);
    assert.equal(other.table.size, set.table.size);
    assert.ok(other.screen(fbi[0]!).listed);
    const c = set.screen(fbi[0]!);
    assert.ok(c.valid);
    const { checkAddress } = await import('../../src/alliance/index.ts');
    const addr = checkAddress(fbi[0]!);
    assert.ok(addr.ok);
    const r = await set.unlist('fbi-ic3-psa250226', [addr.address], {
      actor: 'user:alice',
      action: 'alliance.screening.removed',
    });
    assert.equal(r.removed, 1);
    assert.equal(set.screen(fbi[0]!).listed, false);
    assert.equal(other.screen(fbi[0]!).listed, true);
    assert.ok((await other.refresh()) >= 1);
    assert.equal(other.screen(fbi[0]!).listed, false);
    assert.equal(other.screen(fbi[1]!).listed, true);
    // Listed again after removal: back in both.
    await importList(set, { text: fbi[0]!, source: 'fbi-ic3-psa250226', actor: 'user:alice' });
    await other.refresh();
    assert.equal(other.screen(fbi[0]!).listed, true);
    assert.equal((await ledgerActions()).at(-2)!.action, 'alliance.screening.removed');
  });
});
