// POST /api/v1/alliance/screen and the import API on a real server (store, ledger, HTTP), and the
// `rampart alliance import|screen|sources|unlist` CLI on the same store.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Principal } from '../../src/server/permissions.ts';
import { rampart } from '../support/cli.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const INTEL = new URL('../../../shared/vectors/intel/bybit-2025/', import.meta.url);
const FBI_FILE = new URL('fbi-ic3-psa250226-eth-addresses.txt', INTEL).pathname;
const MSMT_FILE = new URL('msmt-annex6-hk-broker-btc-addresses.txt', INTEL).pathname;
const fbi = readFileSync(FBI_FILE, 'utf8')
  .split(/\r?\n/)
  .filter((l) => l.trim());

const PERMS: Record<string, string[]> = {
  'user:liaison': ['alliance:screen', 'alliance:import', 'alliance:read'],
  'user:teller': ['alliance:screen'],
};
async function headerPrincipal(req: { headers: Record<string, unknown> }): Promise<Principal | undefined> {
  const id = req.headers['x-test-principal'];
  if (typeof id !== 'string' || !PERMS[id]) return undefined;
  return { id, kind: 'user', permissions: new Set(PERMS[id]) };
}

describe('alliance screening API and CLI', () => {
  let srv: TestServer;
  let base: string[];
  const call = async (method: string, path: string, as: string | undefined, body?: unknown) => {
    const go = () =>
      fetch(`${srv.url}${path}`, {
        method,
        headers: {
          ...(as ? { 'x-test-principal': as } : {}),
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    // An idle keep-alive socket the server closed while the CLI ran: retry once on a new one.
    const r = await go().catch(() => go());
    // biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field below
    return { status: r.status, body: (await r.json()) as Record<string, any> };
  };
  before(async () => {
    srv = await startTestServer({ resolvePrincipal: headerPrincipal as never });
    base = [
      '--data-dir',
      srv.db.dataDir,
      ...(srv.db.databaseUrl ? ['--database-url', srv.db.databaseUrl] : []),
    ];
  });
  after(() => srv.close());

  test('deny by default: no principal 401, no alliance:import 403', async () => {
    assert.equal(
      (await call('POST', '/api/v1/alliance/screen', undefined, { addresses: [fbi[0]] })).status,
      401,
    );
    const r = await call('POST', '/api/v1/alliance/screening/import', 'user:teller', {
      content: fbi[0],
      source: 'x',
    });
    assert.equal(r.status, 403);
  });

  test('import through the API, then screen: listed with who, why, confidence, marking; invalid named per address', async () => {
    const imp = await call('POST', '/api/v1/alliance/screening/import', 'user:liaison', {
      content: readFileSync(FBI_FILE, 'utf8'),
      fileName: 'fbi.txt',
      source: 'fbi-ic3-psa250226',
      reason: 'FBI PSA I-022625-PSA',
      confidence: 100,
      tlp: 'TLP:CLEAR',
    });
    assert.equal(imp.status, 200, JSON.stringify(imp.body));
    assert.equal(imp.body['added'], 51);
    const r = await call('POST', '/api/v1/alliance/screen', 'user:teller', {
      addresses: [fbi[3], '0x0000000000000000000000000000000000000001', 'bc1p3xpgvzdp3ns8wnw7a93'],
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const [hit, clear, bad] = r.body['results'];
    assert.equal(hit.listed, true);
    assert.deepEqual(
      [
        hit.listings[0].source,
        hit.listings[0].reason,
        hit.listings[0].confidence,
        hit.listings[0].tlp,
        hit.listings[0].listedBy,
      ],
      ['fbi-ic3-psa250226', 'FBI PSA I-022625-PSA', 100, 'clear', 'user:liaison'],
    );
    assert.deepEqual([clear.valid, clear.listed, clear.listings], [true, false, []]);
    assert.equal(bad.valid, false);
    assert.equal(bad.error.code, 'ADDRESS_INVALID');
    assert.match(bad.error.message, /bc1p3xpgvzdp3ns8wnw7a93.*checksum/);
  });

  test('bad bodies are refused with the field named', async () => {
    const empty = await call('POST', '/api/v1/alliance/screen', 'user:teller', { addresses: [] });
    assert.equal(empty.status, 400);
    const badTlp = await call('POST', '/api/v1/alliance/screening/import', 'user:liaison', {
      content: fbi[0],
      source: 'x',
      tlp: 'purple',
    });
    assert.equal(badTlp.status, 400);
    assert.match(JSON.stringify(badTlp.body), /TLP must be one of/);
    const bundle = await call('POST', '/api/v1/alliance/screening/import', 'user:liaison', {
      content: JSON.stringify({ type: 'bundle', id: 'bundle--x', objects: [] }),
      format: 'stix',
      source: 'x',
    });
    assert.equal(bundle.status, 400);
    assert.equal(bundle.body['error'].code, 'STIX_SCHEMA_INVALID');
  });

  test('the CLI imports the MSMT list (148, line 69 rejected) and the server sees it at once', async () => {
    const imp = rampart([
      ...base,
      'alliance',
      'import',
      MSMT_FILE,
      '--source',
      'msmt-2025-annex6',
      '--tlp',
      'green',
    ]);
    assert.equal(imp.code, 0, imp.stderr);
    assert.match(
      imp.stdout,
      /^148 addresses added to the screening set from msmt-2025-annex6 \(txt; 0 already listed\); ledger entry \d+\nrejected line 69: "bc1p3xpgvzdp3ns8wnw7a93": .*checksum/,
    );
    const msmt = readFileSync(MSMT_FILE, 'utf8').split(/\r?\n/)[0]!;
    const r = await call('POST', '/api/v1/alliance/screen', 'user:teller', { addresses: [msmt] });
    assert.equal(r.status, 200);
    assert.equal(r.body['results'][0].listed, true);
    assert.equal(r.body['results'][0].listings[0].tlp, 'green');
  });

  test('rampart alliance screen: exit 1 when listed or invalid, 0 when clear; --json', () => {
    const listed = rampart([
      ...base,
      'alliance',
      'screen',
      fbi[0]!,
      '0x0000000000000000000000000000000000000001',
    ]);
    assert.equal(listed.code, 1, listed.stderr);
    assert.match(
      listed.stdout,
      /^LISTED\s+0x51E9d833Ecae4E8D9D8Be17300AEE6D3398C135D[\s\S]*by fbi-ic3-psa250226 — FBI PSA[\s\S]*\nclear\s+0x0000000000000000000000000000000000000001/,
    );
    const j = rampart([...base, '--json', 'alliance', 'screen', '0x1234', fbi[1]!]);
    assert.equal(j.code, 1);
    const { results } = JSON.parse(j.stdout);
    assert.equal(results[0].error.code, 'ADDRESS_INVALID');
    assert.equal(results[1].listed, true);
    assert.equal(rampart([...base, 'alliance', 'screen']).code, 2);
  });

  test('sources and unlist through the CLI, audited; usage and file errors', async () => {
    const u = rampart([...base, 'alliance', 'unlist', '--source', 'fbi-ic3-psa250226', fbi[0]!]);
    assert.equal(u.code, 0, u.stderr);
    assert.match(u.stdout, /1 listing\(s\) of fbi-ic3-psa250226 removed/);
    const s = rampart([...base, '--json', 'alliance', 'sources']);
    assert.equal(s.code, 0, s.stderr);
    assert.deepEqual(
      JSON.parse(s.stdout).sources.map((x: { source: string; entries: number }) => [x.source, x.entries]),
      [
        ['fbi-ic3-psa250226', 50],
        ['msmt-2025-annex6', 148],
      ],
    );
    const r = await call('POST', '/api/v1/alliance/screen', 'user:teller', { addresses: [fbi[0]] });
    assert.equal(r.body['results'][0].listed, false);
    const actions = (await srv.rawSql('select action from ledger_entries order by idx')) as {
      action: string;
    }[];
    assert.deepEqual(
      actions.map((a) => a.action).filter((a) => a.startsWith('alliance.screening')),
      ['alliance.screening.imported', 'alliance.screening.imported', 'alliance.screening.removed'],
    );
    assert.equal(rampart([...base, 'alliance', 'import', FBI_FILE, '--tlp', 'purple']).code, 2);
    const bad = rampart([...base, 'alliance', 'import', FBI_FILE, '--format', 'csv']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /no address column/);
  });
});
