/** The reserves attestation through the HTTP API and the CLI, on the suite's store. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { exampleAttestationText, LIABILITIES_ACTION } from '../../src/reserves/index.ts';
import type { Principal } from '../../src/server/permissions.ts';
import { rampartAsync } from '../support/cli.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { rootStatement } from './attest-support.ts';

// Tests only: the caller names itself in a header.
const PERMS: Record<string, string[]> = {
  'user:publisher': ['reserves:read', 'reserves:publish'],
  'user:auditor': ['reserves:read'],
};
async function headerPrincipal(req: { headers: Record<string, unknown> }): Promise<Principal | undefined> {
  const id = req.headers['x-test-principal'];
  if (typeof id !== 'string' || !PERMS[id]) return undefined;
  return { id, kind: 'user', permissions: new Set(PERMS[id]) };
}

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies read field by field
type Json = any;

const TOTALS = { BTC: 40n * 100_000_000n, ETH: 1_700n * 10n ** 18n, USDT: 5_000_000n * 10n ** 6n };

describe('reserves attestation API and CLI', () => {
  let srv: TestServer;
  const call = async (
    method: string,
    path: string,
    as?: string,
    body?: unknown,
  ): Promise<{ status: number; body: Json }> => {
    const r = await fetch(`${srv.url}${path}`, {
      method,
      headers: {
        ...(as ? { 'x-test-principal': as } : {}),
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: r.status, body: await r.json() };
  };
  before(async () => {
    srv = await startTestServer({ resolvePrincipal: headerPrincipal as never });
  });
  after(() => srv.close());

  test('publish needs reserves:publish; a refused document says why', async () => {
    const document = await exampleAttestationText();
    assert.equal((await call('POST', '/api/v1/reserves/attestations', undefined, { document })).status, 401);
    const denied = await call('POST', '/api/v1/reserves/attestations', 'user:auditor', { document });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.error.code, 'PERMISSION_DENIED');
    const none = await call('POST', '/api/v1/reserves/attestations', 'user:publisher', { document });
    assert.equal(none.status, 404);
    assert.equal(none.body.error.code, 'RESERVES_NO_LIABILITIES');
    await srv.app.ledger.record({
      actor: 'system',
      action: LIABILITIES_ACTION,
      payload: { ...rootStatement(TOTALS) },
    });
    const bad = await call('POST', '/api/v1/reserves/attestations', 'user:publisher', {
      document: document.replace('"2026-11-25"', '"2026-11-24"'),
    });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.error.code, 'RESERVES_SIGNATURE_INVALID');
    const malformed = await call('POST', '/api/v1/reserves/attestations', 'user:publisher', {
      document: '{}',
    });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.error.code, 'RESERVES_FILE_INVALID');
  });

  test('published, then read back: the ratio, the history, the statement', async () => {
    const r = await call('POST', '/api/v1/reserves/attestations', 'user:publisher', {
      document: await exampleAttestationText(),
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.seq, 1);
    assert.equal(r.body.publishedBy, 'user:publisher');
    assert.equal(r.body.checkpoint.published, true);
    const ratio = await call('GET', '/api/v1/reserves/ratio', 'user:auditor');
    assert.equal(ratio.status, 200);
    assert.equal(ratio.body.current, true);
    assert.deepEqual(
      ratio.body.attestation.assets.map((a: { asset: string; ratio: string }) => [a.asset, a.ratio]),
      [
        ['BTC', '0.878086'],
        ['ETH', '1.029411'],
        ['USDT', '1.000000'],
      ],
    );
    assert.equal(ratio.body.liabilities.totals.BTC, '4000000000');
    const latest = await call('GET', '/api/v1/reserves/attestations/latest', 'user:auditor');
    assert.equal(latest.body.digest, r.body.digest);
    assert.equal(latest.body.statement.addresses.length, 4);
    assert.equal(
      (await call('GET', '/api/v1/reserves/attestations/7', 'user:auditor')).body.error.code,
      'RESERVES_ATTESTATION_NOT_FOUND',
    );
  });

  test('the CLI attests a file and prints the ratio (exit 1 while an asset is short)', async () => {
    // Each CLI run costs a process start: three runs cover ratio, attest and a refusal.
    const file = join(srv.db.dataDir, 'attestation.json');
    writeFileSync(
      file,
      await exampleAttestationText({ date: '2026-11-26', sats: [40n * 100_000_000n, 0n, 0n] }),
    );
    const env = srv.db.databaseUrl ? ['--database-url', srv.db.databaseUrl] : [];
    const base = ['--data-dir', srv.db.dataDir, ...env];
    const short = await rampartAsync([...base, 'reserves', 'ratio']);
    assert.equal(short.code, 1, `BTC is short in attestation #1: ${short.stdout} ${short.stderr}`);
    assert.match(short.stdout, /BTC\s+0\.878086\s+3512345678\s+4000000000\s+SHORT/);
    const pub = await rampartAsync([...base, 'reserves', 'attest', file]);
    assert.equal(pub.code, 0, pub.stderr);
    assert.match(
      pub.stdout,
      /attestation #2 for Example Exchange on 2026-11-26 published at ledger entry \d+, signed checkpoint size \d+/,
      pub.stderr,
    );
    assert.match(pub.stdout, /BTC\s+1\.000000\s+4000000000\s+4000000000\s+covered/);
    const history = await call('GET', '/api/v1/reserves/attestations', 'user:auditor');
    assert.deepEqual(
      history.body.map((h: { seq: number; date: string }) => [h.seq, h.date]),
      [
        [1, '2026-11-25'],
        [2, '2026-11-26'],
      ],
    );
    // a malformed file: exit 1, the field named, nothing published
    writeFileSync(
      file,
      (await exampleAttestationText()).replace('"total_amount": 35.12345678', '"total_amount": 35.1'),
    );
    const bad = await rampartAsync([...base, '--json', 'reserves', 'attest', file, '--dry-run']);
    assert.equal(bad.code, 1, bad.stderr);
    const err = JSON.parse(bad.stdout).error;
    assert.equal(err.code, 'RESERVES_EXPORT_INVALID');
    assert.match(err.message, /bitcoin\[0\]\.scantxoutset\.total_amount: is 35\.1 BTC/);
    assert.equal((await call('GET', '/api/v1/reserves/attestations', 'user:auditor')).body.length, 2);
  });
});
