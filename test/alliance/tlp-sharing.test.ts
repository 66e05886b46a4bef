/**
 * TLP 2.0 on the way out: a member tries to get each marking through every read path of the TAXII
 * server (objects, object by id, versions, manifest, with and without filters). RED never leaves;
 * AMBER and AMBER+STRICT only to members whose right on the collection reaches them; GREEN and CLEAR
 * to members with read access; nothing to a member without a right; this member's own people see all.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addMember, hashPassword, setCollectionRight } from '../../src/alliance/members/index.ts';
import { TLP_MARKING_IDS, type TlpLevel } from '../../src/alliance/stix/tlp.ts';
import { createApiRoot, createCollection } from '../../src/alliance/taxii/store.ts';
import type { TestServer } from '../support/server.ts';
import { startTestServer } from '../support/server.ts';
import { basic, localUsers, taxiiFetcher } from './taxii-support.ts';

let srv: TestServer;
let col: string;
const PASSWORD = 'tlp test password 2025';
const LEVELS: (TlpLevel | 'unmarked')[] = ['clear', 'green', 'amber', 'amber+strict', 'red', 'unmarked'];
const idOf = (l: string) =>
  `indicator--${(LEVELS.indexOf(l as TlpLevel) + 1).toString().padStart(8, '0')}-0000-4000-8000-000000000000`;

function indicator(level: TlpLevel | 'unmarked') {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: idOf(level),
    created: '2025-02-21T14:13:00.000Z',
    modified: '2025-02-21T14:13:00.000Z',
    name: `TLP ${level}`,
    indicator_types: ['malicious-activity'],
    pattern: "[cryptocurrency-wallet:value = '0x51E9d833Ecae4E8D9D8Be17300AEE6D3398C135D']",
    pattern_type: 'stix',
    valid_from: '2025-02-21T14:13:00.000Z',
    ...(level === 'unmarked' ? {} : { object_marking_refs: [TLP_MARKING_IDS[level]] }),
  };
}

const MEMBERS = {
  'm-clear': 'clear',
  'm-green': 'green',
  'm-amber': 'amber',
  'm-strict': 'amber+strict',
} as const;

before(async () => {
  srv = await startTestServer({ resolvePrincipal: localUsers });
  const l = srv.app.ledger;
  await createApiRoot(l, { name: 'alliance', title: 'Alliance' }, 'user:admin');
  col = (await createCollection(l, { apiRoot: 'alliance', title: 'Incidents' }, 'user:admin')).id;
  const passwordHash = await hashPassword(PASSWORD);
  for (const [id, tlpMax] of Object.entries(MEMBERS)) {
    await addMember(l, { id, name: id, passwordHash }, 'user:admin');
    await setCollectionRight(
      l,
      id,
      { collectionId: col, canRead: true, canWrite: false, tlpMax },
      'user:admin',
    );
  }
  await addMember(l, { id: 'm-none', name: 'no rights', passwordHash }, 'user:admin');
  const local = taxiiFetcher(srv.url, { 'x-test-user': 'analyst' });
  const r = await local(`/taxii2/alliance/collections/${col}/objects/`, {
    body: { objects: LEVELS.map(indicator) },
  });
  assert.equal(r.status, 202, JSON.stringify(r.body));
});
after(() => srv?.close());

/** Every id a caller can obtain from the collection by any read path. */
async function reachable(auth: Record<string, string>): Promise<Set<string>> {
  const get = taxiiFetcher(srv.url, auth);
  const base = `/taxii2/alliance/collections/${col}/`;
  const seen = new Set<string>();
  const collect = (body: Record<string, unknown>, key = 'objects') => {
    for (const o of (body[key] as { id: string }[] | undefined) ?? []) seen.add(o.id);
  };
  for (const q of [
    '',
    '?match[version]=all',
    '?match[spec_version]=2.0,2.1',
    '?match[type]=indicator',
    `?match[id]=${LEVELS.map(idOf).join(',')}`,
    '?added_after=2000-01-01T00:00:00Z',
  ])
    for (const path of ['objects/', 'manifest/']) {
      const r = await get(`${base}${path}${q}`);
      if (r.status === 200) collect(r.body);
    }
  for (const l of LEVELS) {
    const one = await get(`${base}objects/${idOf(l)}/?match[version]=all`);
    if (one.status === 200 && one.body['objects']) collect(one.body);
    else assert.ok([403, 404].includes(one.status) || one.status === 200, `${one.status}`);
    const v = await get(`${base}objects/${idOf(l)}/versions/`);
    if (v.status === 200 && (v.body['versions'] as string[] | undefined)?.length) seen.add(idOf(l));
  }
  return seen;
}

const names = (s: Set<string>) => LEVELS.filter((l) => s.has(idOf(l)));

describe('TLP 2.0 sharing rules', () => {
  test('RED never leaves; each member gets exactly the levels its right reaches', async () => {
    const expected: Record<string, string[]> = {
      'm-clear': ['clear'],
      'm-green': ['clear', 'green'],
      // Unmarked objects are shared as AMBER (fail closed).
      'm-amber': ['clear', 'green', 'amber', 'unmarked'],
      'm-strict': ['clear', 'green', 'amber', 'amber+strict', 'unmarked'],
    };
    for (const id of Object.keys(MEMBERS)) {
      const got = names(await reachable({ authorization: basic(id, PASSWORD) }));
      assert.deepEqual(got, expected[id], id);
      assert.ok(!got.includes('red'), `${id} must never receive TLP:RED`);
    }
  });
  test('a RED object is not even known to exist for a member (404, not 403)', async () => {
    const get = taxiiFetcher(srv.url, { authorization: basic('m-strict', PASSWORD) });
    const r = await get(`/taxii2/alliance/collections/${col}/objects/${idOf('red')}/`);
    assert.equal(r.status, 404);
    assert.equal(r.body['error_code'], 'TAXII_OBJECT_NOT_FOUND');
  });
  test('a member without a right on the collection gets 403 and nothing', async () => {
    const got = await reachable({ authorization: basic('m-none', PASSWORD) });
    assert.equal(got.size, 0);
    const get = taxiiFetcher(srv.url, { authorization: basic('m-none', PASSWORD) });
    const r = await get(`/taxii2/alliance/collections/${col}/objects/`);
    assert.equal(r.status, 403);
    assert.equal(r.body['error_code'], 'TAXII_READ_FORBIDDEN');
  });
  test("this member's own people see every marking, RED included", async () => {
    assert.deepEqual(names(await reachable({ 'x-test-user': 'analyst' })), LEVELS);
  });
  test('a member cannot be given RED, and rights changes are audited', async () => {
    await assert.rejects(
      setCollectionRight(
        srv.app.ledger,
        'm-green',
        { collectionId: col, canRead: true, canWrite: false, tlpMax: 'red' as never },
        'user:admin',
      ),
      (e: { code?: string }) => e.code === 'TLP_INVALID',
    );
    const rows = (await srv.rawSql(
      "SELECT action FROM ledger_entries WHERE action = 'alliance.member.right_set'",
    )) as unknown[];
    assert.equal(rows.length, 4);
  });
});
