/**
 * The SQL listing (latestVersionsPage) against the general one (loadVersionRows + selectVersions) on
 * the suite's store: the same pages, in the same order, for every combination of `added_after`,
 * `match[id]`, `match[type]` and TLP visibility, walked a page at a time with the cursor, over a
 * collection with several versions and spec versions per object and ties on date_added.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type FilterField,
  latestVersionsPage,
  loadVersionRows,
  selectVersions,
  type TaxiiFilters,
  type VersionRow,
  type Visibility,
} from '../../src/alliance/taxii/index.ts';
import type { Store } from '../../src/store/index.ts';
import { createTestDb, type TestDb } from '../support/db.ts';

const COLLECTION = 'listing-sql';
const ALL: ReadonlySet<FilterField> = new Set(['id', 'type', 'version', 'spec_version']);
const TYPES = ['indicator', 'malware', 'identity'] as const;
const TLPS = ['clear', 'green', 'amber', 'red'] as const;

/** Deterministic, so a failure can be replayed (mulberry32). */
function prng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fixed-width microsecond UTC form, as the store keeps `version_key` and `date_added`. */
const stamp = (seconds: number) =>
  `${new Date(Date.UTC(2025, 1, 21) + seconds * 1000).toISOString().slice(0, 19)}.000000Z`;

const key = (r: VersionRow) => `${r.dateAdded} ${r.objectId} ${r.versionKey} ${r.specVersion}`;

describe('TAXII listing: the SQL page equals the general filter', () => {
  let db: TestDb;
  let store: Store;
  const ids: string[] = [];
  const added: string[] = [];

  before(async () => {
    db = await createTestDb();
    store = await db.open();
    const random = prng(21);
    const rows = [];
    for (let i = 0; i < 40; i++) {
      const type = TYPES[Math.floor(random() * TYPES.length)]!;
      const id = `${type}--00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      ids.push(id);
      const versions = 1 + Math.floor(random() * 4);
      for (let v = 0; v < versions; v++) {
        // Some objects hold a version under spec 2.0 as well; some date_added values tie.
        const specVersion = random() < 0.2 ? '2.0' : '2.1';
        const dateAdded = stamp(Math.floor(random() * 60));
        added.push(dateAdded);
        rows.push({
          collection_id: COLLECTION,
          object_id: id,
          type,
          version: stamp(v * 100),
          version_key: stamp(v * 100),
          spec_version: specVersion,
          date_added: dateAdded,
          tlp: TLPS[Math.floor(random() * TLPS.length)]!,
          added_by: 'local',
          object: '{}',
        });
      }
    }
    // One version held under both spec versions at once (the key includes spec_version).
    rows.push({ ...rows[0]!, spec_version: rows[0]!.spec_version === '2.0' ? '2.1' : '2.0' });
    await store.db.insertInto('taxii_objects').values(rows).execute();
    added.sort();
  });
  after(async () => {
    await store.close();
    await db.drop();
  });

  test('every combination of filters, page by page', async () => {
    const afters = [undefined, added[Math.floor(added.length / 3)]!, added[added.length - 3]!];
    const idSets = [
      undefined,
      [ids[0]!, ids[5]!, ids[17]!, 'indicator--00000000-0000-4000-8000-999999999999'],
    ];
    const typeSets = [undefined, ['indicator'], ['malware', 'identity']];
    const visibilities: Visibility[] = [undefined, ['clear', 'green'], []];
    let compared = 0;
    for (const addedAfter of afters)
      for (const idSet of idSets)
        for (const types of typeSets)
          for (const visibility of visibilities)
            for (const limit of [3, 50]) {
              const f: TaxiiFilters = {
                ...(addedAfter ? { addedAfter } : {}),
                ...(idSet ? { ids: idSet } : {}),
                ...(types ? { types } : {}),
              };
              const general = selectVersions(
                await loadVersionRows(store.db, COLLECTION, visibility, f),
                f,
                ALL,
              ).map(key);
              const paged: string[] = [];
              let position: VersionRow | undefined;
              for (let pages = 0; pages < 100; pages++) {
                const page = await latestVersionsPage(store.db, COLLECTION, visibility, {
                  ...f,
                  ...(position ? { after: position } : {}),
                  limit,
                });
                paged.push(...page.map(key));
                if (page.length < limit) break;
                position = page[page.length - 1];
              }
              const what = JSON.stringify({ f, visibility, limit });
              assert.deepEqual(paged, general, what);
              compared += general.length;
            }
    // The cases are not vacuous: together they list many versions.
    assert.ok(compared > 200, `only ${compared} rows compared`);
  });
});
