/**
 * Incidents and members over HTTP: validation names what is wrong, unknown incidents are 404, a
 * member cannot be given TLP:RED, an incident declared by another member cannot be updated here,
 * and the per-member timeline comes back with the incident.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestServer } from '../support/server.ts';
import { startTestServer } from '../support/server.ts';
import { localUsers } from './taxii-support.ts';

let srv: TestServer;
before(async () => {
  srv = await startTestServer({ resolvePrincipal: localUsers });
});
after(() => srv?.close());

async function call(method: string, path: string, body?: unknown) {
  const r = await fetch(`${srv.url}${path}`, {
    method,
    headers: {
      'x-test-user': 'liaison',
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  // biome-ignore lint/suspicious/noExplicitAny: bodies are read field by field in assertions
  return { status: r.status, body: (await r.json()) as Record<string, any> };
}

test('declare, update, resolve and read an incident over HTTP', async () => {
  const bad = await call('POST', '/api/v1/alliance/incidents', { title: 'x', addresses: [], tlp: 'amber' });
  assert.equal(bad.status, 400);
  assert.match(bad.body['error'].message, /addresses/);
  const badTlp = await call('POST', '/api/v1/alliance/incidents', {
    title: 'x',
    addresses: ['0x51E9d833Ecae4E8D9D8Be17300AEE6D3398C135D'],
    tlp: 'purple',
  });
  assert.equal(badTlp.status, 400);
  assert.match(badTlp.body['error'].message, /tlp/);

  const d = await call('POST', '/api/v1/alliance/incidents', {
    title: 'Drained hot wallet',
    addresses: ['0x51E9d833Ecae4E8D9D8Be17300AEE6D3398C135D', 'bc1qmxjefnuy06v345v6vhwpwt05dztztmx4g3y7wp'],
    tlp: 'amber+strict',
    description: 'two addresses',
  });
  assert.equal(d.status, 201, JSON.stringify(d.body));
  const id = d.body['id'] as string;
  assert.match(id, /^report--/);
  const u = await call('POST', `/api/v1/alliance/incidents/${id}/update`, {
    addresses: ['0x96244D83DC15d36847C35209bBDc5bdDE9bEc3D8'],
  });
  assert.equal(u.status, 200);
  assert.equal(u.body['addresses'].length, 3);
  const r = await call('POST', `/api/v1/alliance/incidents/${id}/resolve`, {});
  assert.equal(r.body['status'], 'resolved');
  const one = await call('GET', `/api/v1/alliance/incidents/${id}`);
  assert.deepEqual(
    one.body['timeline'].map((e: { kind: string }) => e.kind),
    ['declared', 'updated', 'resolved'],
  );
  assert.deepEqual(one.body['members'], []);
  const list = await call('GET', '/api/v1/alliance/incidents');
  assert.equal(list.body['incidents'][0].id, id);
  assert.equal(
    (await call('GET', '/api/v1/alliance/incidents/report--00000000-0000-4000-8000-000000000000')).status,
    404,
  );
  const after = await call('POST', `/api/v1/alliance/incidents/${id}/update`, {
    addresses: ['0x83c7678492D623fb98834F0fbcb2E7b7f5Af8950'],
  });
  assert.equal(after.status, 400);
  assert.equal(after.body['error'].code, 'INCIDENT_RESOLVED');
  // Three versions of the report were published to the collection, with the addresses as indicators.
  const n = (await srv.rawSql('SELECT count(*) AS n FROM taxii_objects WHERE object_id = ?', [id])) as {
    n: number | string;
  }[];
  assert.equal(Number(n[0]!.n), 3);
});

test('an incident received from another member is not ours to update', async () => {
  const at = new Date().toISOString();
  await srv.rawSql(
    "INSERT INTO alliance_incidents (id, origin, title, status, tlp, collection_id, detail, declared_at, updated_at, acknowledged_at) VALUES (?, 'exchange-b', 't', 'received', 'amber', NULL, '{}', ?, ?, NULL)",
    ['report--11111111-1111-4111-8111-111111111111', at, at],
  );
  const r = await call(
    'POST',
    '/api/v1/alliance/incidents/report--11111111-1111-4111-8111-111111111111/update',
    { addresses: ['0x83c7678492D623fb98834F0fbcb2E7b7f5Af8950'] },
  );
  assert.equal(r.status, 400);
  assert.equal(r.body['error'].code, 'INCIDENT_NOT_OURS');
});

test('members over HTTP: added, rights set, RED refused, password too short refused', async () => {
  const c = await call('POST', '/api/v1/alliance/collections', { apiRoot: 'alliance', title: 'Incidents' });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  const m = await call('POST', '/api/v1/alliance/members', {
    id: 'exchange-c',
    name: 'Exchange C',
    password: 'long enough password',
  });
  assert.equal(m.status, 201);
  assert.equal(m.body['hasPassword'], true);
  assert.equal(JSON.stringify(m.body).includes('long enough'), false, 'the password never comes back');
  const short = await call('POST', '/api/v1/alliance/members', {
    id: 'exchange-d',
    name: 'D',
    password: 'short',
  });
  assert.equal(short.status, 400);
  const red = await call('PUT', '/api/v1/alliance/members/exchange-c/rights', {
    collectionId: c.body['id'],
    canRead: true,
    canWrite: false,
    tlpMax: 'red',
  });
  assert.equal(red.status, 400);
  const ok = await call('PUT', '/api/v1/alliance/members/exchange-c/rights', {
    collectionId: c.body['id'],
    canRead: true,
    canWrite: true,
    tlpMax: 'green',
  });
  assert.equal(ok.status, 200);
  const list = await call('GET', '/api/v1/alliance/members');
  assert.deepEqual(list.body['members'][0].rights, [
    { collectionId: c.body['id'], canRead: true, canWrite: true, tlpMax: 'green' },
  ]);
  const dup = await call('POST', '/api/v1/alliance/members', { id: 'exchange-c', name: 'again' });
  assert.equal(dup.status, 400);
  assert.equal(dup.body['error'].code, 'MEMBER_EXISTS');
});
