/**
 * TAXII 2.1 conformance: the expectations of the reference server's test suite
 * (oasis-open/cti-taxii-server @ 39e76bf1, medallion/test/test_backends.py) ported 1:1 against its own
 * fixture, ../shared/vectors/taxii/medallion/default_data.json, loaded into a real Rampart and read
 * over HTTP by a member authenticated with HTTP Basic.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TAXII_MEDIA_TYPE } from '../../src/alliance/taxii/media.ts';
import type { TestServer } from '../support/server.ts';
import { basic, MEMBER_PASSWORD, medallionServer, type TaxiiReply, taxiiFetcher } from './taxii-support.ts';

let srv: TestServer;
let get: ReturnType<typeof taxiiFetcher>;
const ROOT = '/taxii2/trustgroup1/';
const COL = `${ROOT}collections/91a7b528-80eb-42ed-a74d-c6fbd5a26116/`;
const OBJECTS = `${COL}objects/`;
const MANIFEST = `${COL}manifest/`;
const MALWARE = 'malware--c0931cc6-c75e-47e5-9036-78fabc95d4ec';
const IND = 'indicator--6770298f-0fd8-471a-ab8c-1c658a46574e';

before(async () => {
  srv = await medallionServer();
  get = taxiiFetcher(srv.url, { authorization: basic('tester', MEMBER_PASSWORD) });
});
after(() => srv?.close());

function ok(r: TaxiiReply, status = 200) {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.equal(r.contentType, TAXII_MEDIA_TYPE);
}
const first = (r: TaxiiReply) => r.headers.get('x-taxii-date-added-first');
const last = (r: TaxiiReply) => r.headers.get('x-taxii-date-added-last');
const ids = (r: TaxiiReply) => (r.body['objects'] as { id: string }[]).map((o) => o.id);

describe('discovery, API root, status, collections', () => {
  test('server discovery lists the API roots', async () => {
    const r = await get('/taxii2/');
    ok(r);
    assert.equal(typeof r.body['title'], 'string');
    assert.equal(r.body['api_roots'][0], `${srv.url}/taxii2/api1/`);
    assert.equal(r.body['api_roots'].length, 3);
  });
  test('API root information', async () => {
    const r = await get(ROOT);
    ok(r);
    assert.equal(r.body['title'], 'Malware Research Group');
    assert.deepEqual(r.body['versions'], [TAXII_MEDIA_TYPE]);
    assert.equal(r.body['max_content_length'], 9765625);
  });
  test('collections: all five, with this member’s rights', async () => {
    const r = await get(`${ROOT}collections/`);
    ok(r);
    const cols = r.body['collections'] as { id: string; can_read: boolean; can_write: boolean }[];
    assert.equal(cols.length, 5);
    for (const id of [
      '52892447-4d7e-4f70-b94d-d7f22742ff63',
      '91a7b528-80eb-42ed-a74d-c6fbd5a26116',
      '64993447-4d7e-4f70-b94d-d7f33742ee63',
      '472c94ae-3113-4e3e-a4dd-a9f4ac7471d4',
      '365fed99-08fa-fdcd-a1b3-fb247eb41d01',
    ])
      assert.ok(
        cols.some((c) => c.id === id),
        id,
      );
    const secret = cols.find((c) => c.id === '64993447-4d7e-4f70-b94d-d7f33742ee63')!;
    assert.deepEqual([secret.can_read, secret.can_write], [false, false]);
  });
  test('status of an add request, as the requester sees it', async () => {
    const local = taxiiFetcher(srv.url, { 'x-test-user': 'loader' });
    const r = await local(`${ROOT}status/2d086da7-4bdc-4f91-900e-d77486753710/`);
    ok(r);
    for (const k of ['successes', 'failures', 'pendings']) assert.ok(k in r.body, k);
    // Another requester's status is not revealed to a member.
    assert.equal((await get(`${ROOT}status/2d086da7-4bdc-4f91-900e-d77486753710/`)).status, 404);
  });
});

describe('get objects', () => {
  test('all: five, ordered by date_added, with Date-Added headers', async () => {
    const r = await get(OBJECTS);
    ok(r);
    assert.equal(r.body['more'], false);
    assert.deepEqual(ids(r), [
      'relationship--2f9a9aa9-108a-4333-83e2-4fb25add0463',
      'indicator--cd981c25-8042-4166-8945-51178443bdac',
      'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da',
      MALWARE,
      IND,
    ]);
    assert.equal(first(r), '2014-05-08T09:00:00.000000Z');
    assert.equal(last(r), '2017-12-31T13:49:53.935000Z');
  });
  test('one object by id', async () => {
    const r = await get(`${OBJECTS}${MALWARE}/`);
    ok(r);
    assert.deepEqual(ids(r), [MALWARE]);
    assert.equal(first(r), '2017-01-27T13:49:59.997000Z');
    assert.equal(last(r), '2017-01-27T13:49:59.997000Z');
  });
  test('added_after is strict', async () => {
    const r = await get(`${OBJECTS}?added_after=2016-11-03T12:30:59Z`);
    ok(r);
    assert.equal(r.body['more'], false);
    assert.equal(r.body['objects'].length, 3);
  });
  test('limit and next', async () => {
    const r = await get(`${OBJECTS}?limit=3`);
    ok(r);
    assert.equal(r.body['more'], true);
    assert.deepEqual(ids(r), [
      'relationship--2f9a9aa9-108a-4333-83e2-4fb25add0463',
      'indicator--cd981c25-8042-4166-8945-51178443bdac',
      'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da',
    ]);
    assert.equal(first(r), '2014-05-08T09:00:00.000000Z');
    assert.equal(last(r), '2017-01-20T00:00:00.000000Z');
    const r2 = await get(`${OBJECTS}?limit=3&next=${r.body['next']}`);
    ok(r2);
    assert.equal(r2.body['more'], false);
    assert.deepEqual(ids(r2), [MALWARE, IND]);
    assert.equal(first(r2), '2017-01-27T13:49:59.997000Z');
    assert.equal(last(r2), '2017-12-31T13:49:53.935000Z');
  });
  test('match[id] and match[type]', async () => {
    const r = await get(`${OBJECTS}?match[id]=${MALWARE}`);
    ok(r);
    assert.equal(r.body['objects'].length, 1);
    const t = await get(`${OBJECTS}?match[type]=indicator`);
    assert.equal(t.body['objects'].length, 2);
    assert.ok(t.body['objects'].every((o: { type: string }) => o.type === 'indicator'));
    assert.equal((await get(`${OBJECTS}?match[type]=indicator,malware`)).body['objects'].length, 3);
  });
  test('match[version]: a timestamp, first, last, all', async () => {
    const d = await get(`${OBJECTS}?match[version]=2016-12-25T12:30:59.444Z`);
    assert.deepEqual(ids(d), [IND]);
    const f = await get(`${OBJECTS}?match[version]=first`);
    for (const o of f.body['objects']) {
      if (o.id === IND) assert.equal(o.modified, '2016-11-03T12:30:59.000Z');
      if (o.id === MALWARE) assert.equal(o.modified, '2017-01-27T13:49:53.997Z');
    }
    const l = await get(`${OBJECTS}?match[version]=last`);
    assert.equal(
      l.body['objects'].find((o: { id: string }) => o.id === IND).modified,
      '2017-01-27T13:49:53.935Z',
    );
    assert.equal((await get(`${OBJECTS}?match[version]=all`)).body['objects'].length, 7);
    assert.equal((await get(`${OBJECTS}?match[version]=first,last`)).body['objects'].length, 6);
  });
  test('match[spec_version]', async () => {
    const v20 = await get(`${OBJECTS}?match[spec_version]=2.0`);
    assert.equal(v20.body['objects'].length, 1);
    assert.ok(v20.body['objects'].every((o: object) => !('spec_version' in o)));
    assert.equal((await get(`${OBJECTS}?match[spec_version]=2.0,2.1`)).body['objects'].length, 5);
    const v21 = await get(`${OBJECTS}?match[spec_version]=2.1`);
    assert.ok(v21.body['objects'].every((o: { spec_version: string }) => o.spec_version === '2.1'));
    const dflt = await get(OBJECTS);
    assert.ok(dflt.body['objects'].every((o: { spec_version: string }) => o.spec_version === '2.1'));
  });
  test('object by id: filters, added_after, limit and paging over versions', async () => {
    const late = await get(`${OBJECTS}${MALWARE}/?added_after=2018-01-01T00:00:00Z`);
    ok(late);
    assert.deepEqual(late.body, {});
    const early = await get(`${OBJECTS}${MALWARE}/?added_after=2015-01-01T00:00:00Z`);
    assert.equal(early.body['more'], false);
    assert.equal(early.body['objects'].length, 1);
    const one = await get(`${OBJECTS}${IND}/?limit=1`);
    assert.equal(one.body['more'], false);
    assert.equal(first(one), '2017-12-31T13:49:53.935000Z');
    const p1 = await get(`${OBJECTS}${IND}/?match[version]=all&limit=2`);
    assert.equal(p1.body['more'], true);
    assert.deepEqual(
      p1.body['objects'].map((o: { modified: string }) => o.modified),
      ['2016-11-03T12:30:59.000Z', '2016-12-25T12:30:59.444Z'],
    );
    assert.equal(first(p1), '2016-11-03T12:30:59.001000Z');
    assert.equal(last(p1), '2016-12-27T13:49:59.000000Z');
    const p2 = await get(`${OBJECTS}${IND}/?match[version]=all&limit=2&next=${p1.body['next']}`);
    assert.equal(p2.body['more'], false);
    assert.equal(p2.body['objects'].length, 1);
    assert.equal(first(p2), '2017-12-31T13:49:53.935000Z');
    for (const [filter, modified] of [
      ['first', '2016-11-03T12:30:59.000Z'],
      ['last', '2017-01-27T13:49:53.935Z'],
      ['2016-12-25T12:30:59.444Z', '2016-12-25T12:30:59.444Z'],
    ] as const) {
      const r = await get(`${OBJECTS}${IND}/?match[version]=${filter}`);
      assert.deepEqual(
        r.body['objects'].map((o: { modified: string }) => o.modified),
        [modified],
      );
    }
    assert.equal((await get(`${OBJECTS}${IND}/?match[version]=all`)).body['objects'].length, 3);
    const both = await get(`${OBJECTS}${MALWARE}/?match[spec_version]=2.0,2.1`);
    assert.equal(both.body['objects'][0].modified, '2018-02-23T18:30:00.000Z');
    assert.ok(
      (await get(`${OBJECTS}${MALWARE}/?match[spec_version]=2.0`)).body['objects'].every(
        (o: object) => !('spec_version' in o),
      ),
    );
  });
});

describe('manifest', () => {
  test('all: five, ascending date_added, headers equal first and last record', async () => {
    const r = await get(MANIFEST);
    ok(r);
    const recs = r.body['objects'] as {
      date_added: string;
      media_type: string;
      version: string;
      id: string;
    }[];
    assert.equal(recs.length, 5);
    assert.equal(first(r), '2014-05-08T09:00:00.000000Z');
    assert.equal(last(r), '2017-12-31T13:49:53.935000Z');
    for (let i = 1; i < recs.length; i++) assert.ok(recs[i - 1]!.date_added < recs[i]!.date_added);
  });
  test('added_after, limit and next', async () => {
    assert.equal((await get(`${MANIFEST}?added_after=2017-01-20T00:00:00.000Z`)).body['objects'].length, 2);
    let r = await get(`${MANIFEST}?limit=2`);
    const sizes: number[] = [];
    for (;;) {
      ok(r);
      sizes.push(r.body['objects'].length);
      assert.equal(first(r), r.body['objects'][0].date_added);
      assert.equal(last(r), r.body['objects'].at(-1).date_added);
      if (!r.body['more']) break;
      r = await get(`${MANIFEST}?limit=2&next=${r.body['next']}`);
    }
    assert.deepEqual(sizes, [2, 2, 1]);
  });
  test('filters: id, type, version, spec_version', async () => {
    assert.deepEqual(ids(await get(`${MANIFEST}?match[id]=${IND}`)), [IND]);
    assert.equal((await get(`${MANIFEST}?match[type]=indicator`)).body['objects'].length, 2);
    const spec = await get(`${MANIFEST}?match[version]=2016-12-25T12:30:59.444Z`);
    assert.equal(spec.body['objects'][0].version, '2016-12-25T12:30:59.444Z');
    const f = await get(`${MANIFEST}?match[version]=first`);
    assert.equal(f.body['objects'].length, 5);
    assert.equal(
      f.body['objects'].find((o: { id: string }) => o.id === IND).version,
      '2016-11-03T12:30:59.000Z',
    );
    assert.equal(
      (await get(`${MANIFEST}?match[version]=last`)).body['objects'].find((o: { id: string }) => o.id === IND)
        .version,
      '2017-01-27T13:49:53.935Z',
    );
    assert.equal((await get(`${MANIFEST}?match[version]=all`)).body['objects'].length, 7);
    const v20 = await get(`${MANIFEST}?match[spec_version]=2.0`);
    assert.equal(v20.body['objects'].length, 1);
    assert.equal(v20.body['objects'][0].media_type, 'application/stix+json;version=2.0');
    const both = await get(`${MANIFEST}?match[spec_version]=2.0,2.1`);
    assert.equal(both.body['objects'].length, 5);
    assert.equal(
      both.body['objects'].find((o: { id: string }) => o.id === MALWARE).version,
      '2018-02-23T18:30:00.000Z',
    );
    const dflt = await get(MANIFEST);
    assert.ok(
      dflt.body['objects'].every(
        (o: { media_type: string }) => o.media_type === 'application/stix+json;version=2.1',
      ),
    );
  });
});

describe('versions', () => {
  test('one version, headers, added_after', async () => {
    const rel = `${OBJECTS}relationship--2f9a9aa9-108a-4333-83e2-4fb25add0463/versions/`;
    const r = await get(rel);
    ok(r);
    assert.equal(r.body['versions'].length, 1);
    assert.equal(first(r), '2014-05-08T09:00:00.000000Z');
    assert.equal(last(r), '2014-05-08T09:00:00.000000Z');
    assert.deepEqual((await get(`${rel}?added_after=2014-05-08T09:00:00Z`)).body, {});
    assert.equal((await get(`${rel}?added_after=2014-05-08T08:00:00Z`)).body['versions'].length, 1);
  });
  test('paging one at a time', async () => {
    const v = `${OBJECTS}${IND}/versions/`;
    const seen: [string, string | null][] = [];
    let r = await get(`${v}?limit=1`);
    for (;;) {
      assert.equal(r.body['versions'].length, 1);
      seen.push([r.body['versions'][0], first(r)]);
      if (!r.body['more']) break;
      r = await get(`${v}?limit=1&next=${r.body['next']}`);
    }
    assert.deepEqual(seen, [
      ['2016-11-03T12:30:59.000Z', '2016-11-03T12:30:59.001000Z'],
      ['2016-12-25T12:30:59.444Z', '2016-12-27T13:49:59.000000Z'],
      ['2017-01-27T13:49:53.935Z', '2017-12-31T13:49:53.935000Z'],
    ]);
  });
  test('spec_version filtering', async () => {
    const v = `${OBJECTS}${MALWARE}/versions/`;
    assert.deepEqual((await get(`${v}?match[spec_version]=2.0`)).body['versions'], [
      '2018-02-23T18:30:00.000Z',
    ]);
    assert.deepEqual((await get(`${v}?match[spec_version]=2.1`)).body['versions'], [
      '2017-01-27T13:49:53.997Z',
    ]);
    assert.equal((await get(`${v}?match[spec_version]=2.0,2.1`)).body['versions'].length, 2);
    assert.deepEqual((await get(v)).body['versions'], ['2017-01-27T13:49:53.997Z']);
  });
});

describe('add, read back, status, manifest, delete', () => {
  const ADD = '/taxii2/trustgroup1/collections/365fed99-08fa-fdcd-a1b3-fb247eb41d01/';
  const indicator = (modified: string) => ({
    type: 'indicator',
    spec_version: '2.1',
    id: 'indicator--68794cd5-28db-429d-ab1e-1256704ef906',
    created: '2014-05-08T09:00:00.000Z',
    modified,
    name: 'Poison Ivy Malware',
    description: 'This file is part of Poison Ivy',
    indicator_types: ['file-hash-watchlist'],
    pattern: "[file:hashes.'SHA-256' = 'ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c']",
    pattern_type: 'stix',
    valid_from: '2014-05-08T09:00:00.000000Z',
    object_marking_refs: ['marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb'],
  });
  test('add → get → status → manifest → delete → 404', async () => {
    const post = await get(`${ADD}objects/`, { body: { objects: [indicator('2014-05-08T09:00:00.000Z')] } });
    ok(post, 202);
    assert.equal(post.body['success_count'], 1);
    assert.equal(post.body['total_count'], 1);
    const id = 'indicator--68794cd5-28db-429d-ab1e-1256704ef906';
    assert.ok(ids(await get(`${ADD}objects/`)).includes(id));
    assert.deepEqual(ids(await get(`${ADD}objects/${id}/`)), [id]);
    const st = await get(`/taxii2/trustgroup1/status/${post.body['id']}/`);
    ok(st);
    assert.equal(st.body['success_count'], 1);
    assert.equal(
      st.body['success_count'] + st.body['failure_count'] + st.body['pending_count'],
      st.body['total_count'],
    );
    const man = await get(`${ADD}manifest/?match[id]=${id}`);
    assert.equal(man.body['objects'].length, 1);
    ok(await get(`${ADD}objects/${id}/`, { method: 'DELETE' }));
    const gone = await get(`${ADD}objects/${id}/`);
    assert.equal(gone.status, 404);
    assert.equal(gone.contentType, TAXII_MEDIA_TYPE);
    assert.equal(gone.body['http_status'], '404');
  });
  test('delete by match[version]: last, first, a timestamp, all', async () => {
    const stamps = [
      '2015-01-27T13:49:53.935Z',
      '2016-01-27T13:49:53.935Z',
      '2017-01-27T13:49:53.935Z',
      '2018-01-27T13:49:53.935Z',
      '2019-01-27T13:49:53.935Z',
    ];
    const post = await get(`${ADD}objects/`, { body: { objects: stamps.map(indicator) } });
    assert.equal(post.body['success_count'], 5);
    const o = `${ADD}objects/indicator--68794cd5-28db-429d-ab1e-1256704ef906/`;
    const versions = async () => (await get(`${o}versions/`)).body['versions'] as string[];
    assert.equal((await versions()).length, 5);
    ok(await get(`${o}?match[version]=last`, { method: 'DELETE' }));
    assert.deepEqual(await versions(), stamps.slice(0, 4));
    ok(await get(`${o}?match[version]=first`, { method: 'DELETE' }));
    assert.deepEqual(await versions(), stamps.slice(1, 4));
    ok(await get(`${o}?match[version]=2017-01-27T13:49:53.935Z`, { method: 'DELETE' }));
    assert.deepEqual(await versions(), [stamps[1], stamps[3]]);
    ok(await get(`${o}?match[version]=all`, { method: 'DELETE' }));
    assert.equal((await get(o)).status, 404);
  });
});

describe('errors as the specification says', () => {
  test('401 without credentials or with a wrong password', async () => {
    const anon = taxiiFetcher(srv.url, {});
    const r = await anon(OBJECTS);
    assert.equal(r.status, 401);
    assert.equal(r.contentType, TAXII_MEDIA_TYPE);
    assert.match(r.headers.get('www-authenticate') ?? '', /^Basic /);
    const wrong = taxiiFetcher(srv.url, { authorization: basic('tester', 'not the password!') });
    const w = await wrong(OBJECTS);
    assert.equal(w.status, 401);
    assert.equal(w.body['error_code'], 'MEMBER_CREDENTIALS_INVALID');
  });
  test('403 on a collection the member may not read or write', async () => {
    const r = await get(`${ROOT}collections/472c94ae-3113-4e3e-a4dd-a9f4ac7471d4/objects/`);
    assert.equal(r.status, 403);
    assert.equal(r.body['error_code'], 'TAXII_READ_FORBIDDEN');
    const w = await get(`${ROOT}collections/52892447-4d7e-4f70-b94d-d7f22742ff63/objects/`, {
      body: { objects: [] },
    });
    assert.equal(w.status, 403);
    assert.equal(w.body['error_code'], 'TAXII_WRITE_FORBIDDEN');
  });
  test('404 for an unknown API root, collection, status or object', async () => {
    for (const p of [
      '/taxii2/nope/',
      '/taxii2/trustgroup1/collections/00000000-0000-4000-8000-000000000000/objects/',
      `${ROOT}status/00000000-0000-4000-8000-000000000000/`,
      `${OBJECTS}indicator--00000000-0000-4000-8000-000000000000/`,
    ]) {
      const r = await get(p);
      assert.equal(r.status, 404, p);
      assert.equal(r.contentType, TAXII_MEDIA_TYPE);
      assert.equal(typeof r.body['title'], 'string');
    }
  });
  test('400 for a bad limit and for filters changed between pages', async () => {
    for (const l of ['-1', '0', 'ten']) assert.equal((await get(`${OBJECTS}?limit=${l}`)).status, 400);
    const r = await get(`${OBJECTS}?limit=3`);
    const changed = await get(`${OBJECTS}?limit=3&match[type]=indicator&next=${r.body['next']}`);
    assert.equal(changed.status, 400);
    assert.equal(changed.body['error_code'], 'TAXII_NEXT_INVALID');
  });
  test('406 for an Accept that excludes TAXII 2.1; 415 for another Content-Type; 413 over max_content_length', async () => {
    for (const accept of ['application/json', 'application/taxii+json;version=2.0', 'text/html']) {
      const r = await get(OBJECTS, { headers: { accept } });
      assert.equal(r.status, 406, accept);
      assert.equal(r.contentType, TAXII_MEDIA_TYPE);
    }
    const add = `${ROOT}collections/365fed99-08fa-fdcd-a1b3-fb247eb41d01/objects/`;
    for (const ct of ['application/json', 'application/taxii+json;version=2.0', 'text/plain']) {
      const r = await get(add, { body: { objects: [] }, headers: { 'content-type': ct } });
      assert.equal(r.status, 415, ct);
      assert.equal(r.body['error_code'], 'TAXII_MEDIA_TYPE_UNSUPPORTED');
    }
    const big = await get(add, { body: JSON.stringify({ objects: [], pad: 'x'.repeat(9765625) }) });
    assert.equal(big.status, 413);
    assert.equal(big.body['error_code'], 'TAXII_BODY_TOO_LARGE');
  });
  test('422 for a body that is not an envelope, and for an invalid object: nothing half-imported', async () => {
    const add = `${ROOT}collections/365fed99-08fa-fdcd-a1b3-fb247eb41d01/objects/`;
    const bare = await get(add, {
      body: { type: 'indicator', id: 'indicator--68794cd5-28db-429d-ab1e-1256704ef906' },
    });
    assert.equal(bare.status, 422);
    assert.equal(bare.body['error_code'], 'TAXII_ENVELOPE_INVALID');
    const good = {
      type: 'attack-pattern',
      spec_version: '2.1',
      id: 'attack-pattern--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061',
      created: '2025-02-21T14:13:00.000Z',
      modified: '2025-02-21T14:13:00.000Z',
      name: 'Supply chain compromise of a wallet front end',
    };
    const bad = {
      ...good,
      id: 'attack-pattern--1c7b5b88-8ff7-4a4d-aa9d-feb398cd0061',
      created: '2025-02-31T99:13:00.000Z',
    };
    const r = await get(add, { body: { objects: [good, bad] } });
    assert.equal(r.status, 422);
    assert.equal(r.body['details']['id'], bad.id);
    assert.match(r.body['description'], /created/);
    assert.equal((await get(`${add}${good.id}/`)).status, 404, 'the valid object was not stored either');
  });
});
