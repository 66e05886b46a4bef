/** The HTTP API and the tlog-tiles read API of a real server, read from outside. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Fastify from 'fastify';
import { base64ToBytes, utf8 } from '../../src/core/index.ts';
import { leafHash, verifyConsistency, verifyInclusion } from '../../src/ledger/merkle/index.ts';
import { openNote, parseCheckpoint, parseVerifierKey } from '../../src/ledger/note/index.ts';
import { parseEntryBundle } from '../../src/ledger/tiles/index.ts';
import { enforcePermissions, noPrincipals } from '../../src/server/permissions.ts';
import { rampartAsync } from '../support/cli.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

describe('HTTP API', () => {
  let srv: TestServer;
  const get = async (path: string) => {
    const r = await fetch(`${srv.url}${path}`);
    const type = r.headers.get('content-type') ?? '';
    return {
      status: r.status,
      type,
      body: type.includes('json') ? await r.json() : new Uint8Array(await r.arrayBuffer()),
    };
  };
  before(async () => {
    srv = await startTestServer({ demo: true });
  });
  after(() => srv.close());

  test('healthz and the OpenAPI document', async () => {
    assert.deepEqual((await get('/healthz')).body, { ok: true, store: srv.db.kind });
    const doc = (await get('/api/v1/openapi.json')).body as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    assert.match(doc.openapi, /^3\./);
    for (const p of [
      '/api/v1/ledger/entries',
      '/api/v1/ledger/proof/inclusion',
      '/api/v1/ledger/proof/consistency',
      '/api/v1/ledger/key',
    ])
      assert.ok(doc.paths[p], `${p} documented`);
  });

  test('checkpoint, key, entries and an inclusion proof verify from outside', async () => {
    const { key } = (await get('/api/v1/ledger/key')).body as { key: string };
    const cpj = (await get('/api/v1/ledger/checkpoint')).body as { size: number; note: string; root: string };
    const cp = parseCheckpoint(openNote(cpj.note, [parseVerifierKey(key)]).text);
    assert.equal(cp.size, 60);
    const entries = (await get('/api/v1/ledger/entries?from=10&limit=5')).body as {
      entries: Array<{ index: number; entry: string }>;
    };
    assert.deepEqual(
      entries.entries.map((e) => e.index),
      [10, 11, 12, 13, 14],
    );
    const e = entries.entries[2]!;
    const p = (await get(`/api/v1/ledger/proof/inclusion?index=${e.index}&size=${cp.size}`)).body as {
      proof: string[];
    };
    verifyInclusion({
      index: e.index,
      size: cp.size,
      leafHash: leafHash(utf8(e.entry)),
      proof: p.proof.map(base64ToBytes),
      root: cp.root,
    });
  });

  test('consistency proof between two checkpoints', async () => {
    const first = (await get('/api/v1/ledger/checkpoint')).body as { size: number; root: string };
    for (let i = 0; i < 9; i++)
      await srv.app.ledger.record({ actor: 'system', action: 'test.more', payload: { i } });
    await srv.app.ledger.checkpointNow();
    const second = (await get('/api/v1/ledger/checkpoint')).body as { size: number; root: string };
    assert.equal(second.size, first.size + 9);
    const c = (await get(`/api/v1/ledger/proof/consistency?from=${first.size}&to=${second.size}`)).body as {
      proof: string[];
    };
    verifyConsistency({
      size1: first.size,
      size2: second.size,
      root1: base64ToBytes(first.root),
      root2: base64ToBytes(second.root),
      proof: c.proof.map(base64ToBytes),
    });
  });

  test('bad input: 400 with a code naming the problem', async () => {
    const cases: Array<[string, number, string]> = [
      ['/api/v1/ledger/proof/inclusion?index=1000&size=10', 400, 'LEDGER_INDEX_BEYOND_SIZE'],
      ['/api/v1/ledger/proof/inclusion?index=1&size=100000', 400, 'LEDGER_SIZE_BEYOND_TREE'],
      ['/api/v1/ledger/proof/inclusion?index=-1&size=10', 400, 'REQUEST_INVALID'],
      ['/api/v1/ledger/proof/inclusion?index=1.5&size=10', 400, 'REQUEST_INVALID'],
      ['/api/v1/ledger/proof/inclusion?index=abc&size=10', 400, 'REQUEST_INVALID'],
      ['/api/v1/ledger/proof/consistency?from=10&to=5', 400, 'LEDGER_RANGE_INVALID'],
      ['/api/v1/ledger/entries?limit=5000', 400, 'REQUEST_INVALID'],
      ['/api/v1/ledger/entries/999999', 404, 'LEDGER_ENTRY_NOT_FOUND'],
      ['/api/v1/no-such-thing', 404, 'NOT_FOUND'],
      ['/ledger/tile/0/x001/000', 404, 'TILE_NOT_FOUND'],
      ['/ledger/tile/0/0001', 400, 'TILE_PATH_INVALID'],
    ];
    for (const [path, status, code] of cases) {
      const r = await get(path);
      assert.equal(r.status, status, path);
      const err = (r.body as { error: { code: string; message: string } }).error;
      assert.equal(err.code, code, path);
      assert.ok(err.message.length > 0);
      assert.doesNotMatch(JSON.stringify(r.body), /at .*\.ts:\d+/, 'no stack trace');
    }
    const neg = (await get('/api/v1/ledger/proof/inclusion?index=-1&size=10')).body as {
      error: { message: string };
    };
    assert.match(neg.error.message, /index/);
  });

  test('deny by default: a state-changing route without an authenticated principal is refused', async () => {
    const r = await fetch(`${srv.url}/api/v1/ledger/checkpoint`, { method: 'POST' });
    assert.equal(r.status, 401);
    assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'AUTH_REQUIRED');
  });

  test('a route that declares no permission stops the server from starting', async () => {
    const app = Fastify();
    enforcePermissions(app, noPrincipals);
    assert.throws(() => app.get('/oops', async () => 'x'), /declares no permission/);
    await app.close();
  });

  test('tlog-tiles: checkpoint, level-0 tiles and entry bundles match the entries', async () => {
    const note = new TextDecoder().decode((await get('/ledger/checkpoint')).body as Uint8Array);
    const size = Number(note.split('\n')[1]);
    const tile = (await get(`/ledger/tile/0/000.p/${size}`)).body as Uint8Array;
    const bundle = parseEntryBundle(
      (await get(`/ledger/tile/entries/000.p/${size}`)).body as Uint8Array,
      size,
    );
    assert.equal(tile.length, size * 32);
    for (const [i, data] of bundle.entries())
      assert.deepEqual(leafHash(data), tile.subarray(i * 32, i * 32 + 32));
  });

  test('`rampart ledger verify --url` checks the whole log from outside, and notices a rewrite', async () => {
    const state = `${srv.db.dataDir}/outside-state.json`;
    const ok = await rampartAsync(['--json', 'ledger', 'verify', '--url', srv.url, '--state', state]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.equal(JSON.parse(ok.stdout).ok, true);
    await srv.rawSql(
      `UPDATE ledger_entries SET entry = replace(entry, '"demo":true', '"demo":false') WHERE idx = 21`,
    );
    const bad = await rampartAsync(['--json', 'ledger', 'verify', '--url', srv.url, '--state', state]);
    assert.equal(bad.code, 1);
    const report = JSON.parse(bad.stdout);
    assert.equal(report.problem.index, 21);
    assert.equal(report.problem.code, 'LEDGER_ENTRY_ALTERED');
  });
});
