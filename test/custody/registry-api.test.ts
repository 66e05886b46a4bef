/** The custody guard through its API and CLI, on the suite's store: the Bybit replay end to end. */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Principal } from '../../src/server/permissions.ts';
import { rampart } from '../support/cli.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const VECTORS = new URL('../../../shared/vectors/intel/bybit-2025/', import.meta.url);
const bybitList = JSON.parse(readFileSync(new URL('bybit-safe-tx-71.json', VECTORS), 'utf8'));
const expected = JSON.parse(readFileSync(new URL('expected-safe-tx-verification.json', VECTORS), 'utf8'));
const SAFE = expected.safe as string;
const SIGNERS = expected.records[0].recovered_signers as string[];
const wallet = {
  chainId: 1,
  address: SAFE,
  version: '1.1.1',
  owners: [...SIGNERS, '0x0000000000000000000000000000000000000abc'],
  threshold: 3,
};

// Tests only: the caller names itself in a header. The access module's resolvers replace this.
const PERMS: Record<string, string[]> = {
  'user:operator': ['custody:analyze', 'custody:read', 'custody:wallets:write'],
  'user:auditor': ['custody:read'],
};
async function headerPrincipal(req: { headers: Record<string, unknown> }): Promise<Principal | undefined> {
  const id = req.headers['x-test-principal'];
  if (typeof id !== 'string' || !PERMS[id]) return undefined;
  return { id, kind: 'user', permissions: new Set(PERMS[id]) };
}

describe('custody API', () => {
  let srv: TestServer;
  const call = async (method: string, path: string, as: string | undefined, body?: unknown) => {
    const r = await fetch(`${srv.url}${path}`, {
      method,
      headers: {
        ...(as ? { 'x-test-principal': as } : {}),
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return {
      status: r.status,
      body: (await r.json()) as Record<string, unknown> & { error?: { code: string; message: string } },
    };
  };
  before(async () => {
    srv = await startTestServer({ resolvePrincipal: headerPrincipal as never });
  });
  after(() => srv.close());

  test('deny by default: no principal 401, missing permission 403', async () => {
    assert.equal((await call('POST', '/api/v1/custody/wallets', undefined, wallet)).status, 401);
    const r = await call('POST', '/api/v1/custody/wallets', 'user:auditor', wallet);
    assert.equal(r.status, 403);
    assert.equal(r.body.error?.code, 'PERMISSION_DENIED');
  });

  test('registering a wallet is audited under the caller', async () => {
    const r = await call('POST', '/api/v1/custody/wallets', 'user:operator', wallet);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const entry = await srv.app.ledger.entry(r.body.ledgerIndex as number);
    assert.equal(entry.action, 'custody.wallet.registered');
    assert.equal(entry.actor, 'user:operator');
    assert.equal(entry.subject, `eip155:1:${SAFE.toLowerCase()}`);
    const listed = await call('GET', '/api/v1/custody/wallets', 'user:auditor');
    assert.equal((listed.body as unknown as unknown[]).length, 1);
  });

  test('the Bybit nonce-71 records: the executed delegatecall is denied, the displayed transfer carries non-owner signatures', async () => {
    const r = await call('POST', '/api/v1/custody/analyze', 'user:operator', {
      wallet: SAFE,
      transaction: bybitList,
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.denied, true);
    const [executed, displayed] = r.body.results as Array<{
      safeTxHash: string;
      verdict: string;
      findings: Array<{ code: string }>;
    }>;
    assert.equal(executed!.safeTxHash, expected.records[0].safeTxHash_without_chainId);
    assert.equal(executed!.verdict, 'deny');
    assert.ok(executed!.findings.some((f) => f.code === 'DELEGATECALL_UNTRUSTED'));
    assert.equal(displayed!.safeTxHash, expected.records[1].safeTxHash_without_chainId);
    assert.equal(displayed!.verdict, 'deny');
    assert.ok(displayed!.findings.some((f) => f.code === 'SIGNER_NOT_OWNER'));
  });

  test('bad input: a clear error or a per-record error, never a crash', async () => {
    const bad = await call('POST', '/api/v1/custody/analyze', 'user:operator', {
      wallet: '0x1234',
      transaction: {},
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error?.code, 'REQUEST_INVALID');
    assert.match(bad.body.error!.message, /wallet/);
    const missing = await call('POST', '/api/v1/custody/analyze', 'user:operator', {
      wallet: '0x000000000000000000000000000000000000dead',
      transaction: bybitList,
    });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error?.code, 'WALLET_NOT_FOUND');
    const results = structuredClone(bybitList.results ?? bybitList);
    const list = Array.isArray(results) ? results : [results];
    const mixed = [{ ...list[1], data: '0xzz' }, list[1]];
    const r = await call('POST', '/api/v1/custody/analyze', 'user:operator', {
      wallet: SAFE,
      transaction: mixed,
      simulate: false,
    });
    assert.equal(r.status, 200);
    const [first, second] = r.body.results as Array<{ error?: { code: string }; verdict?: string }>;
    assert.ok(first!.error, 'the malformed record is an error entry');
    assert.equal(second!.verdict, 'deny', 'the other record is still analysed');
  });
});

describe('custody CLI', () => {
  let db: TestDb;
  let base: string[];
  before(async () => {
    db = await createTestDb();
    base = ['--data-dir', db.dataDir, ...(db.databaseUrl ? ['--database-url', db.databaseUrl] : [])];
  });
  after(() => db.drop());

  test('wallet add, screen-import, analyze --json: exit 1 on deny, with the issue’s fields', () => {
    const add = rampart([
      ...base,
      'custody',
      'wallet',
      'add',
      '--chain',
      '1',
      '--address',
      SAFE,
      '--version',
      '1.1.1',
      '--owners',
      wallet.owners.join(','),
      '--threshold',
      '3',
    ]);
    assert.equal(add.code, 0, add.stderr);
    const fbi = new URL('fbi-ic3-psa250226-eth-addresses.txt', VECTORS).pathname;
    const imp = rampart([
      ...base,
      '--json',
      'custody',
      'screen-import',
      fbi,
      '--source',
      'fbi-ic3-psa250226',
    ]);
    assert.equal(imp.code, 0, imp.stderr);
    assert.equal(JSON.parse(imp.stdout).added, 51);
    const file = new URL('bybit-safe-tx-71.json', VECTORS).pathname;
    const r = rampart([...base, '--json', 'custody', 'analyze', file, '--wallet', SAFE]);
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    for (const k of [
      'safeTxHash',
      'domainHash',
      'messageHash',
      'version',
      'decoded',
      'effects',
      'signatures',
      'findings',
      'verdict',
      'requiredApprovals',
      'digest',
    ])
      assert.ok(k in out[0]!, `analysis has ${k}`);
    const human = rampart([...base, 'custody', 'analyze', file, '--wallet', SAFE]);
    assert.match(human.stdout, /DENY[\s\S]*DELEGATECALL_UNTRUSTED[\s\S]*safeTxHash\s+0xb3476d06/);
  });

  test('with the attacker contract supplied as extra state, the simulation itself shows the implementation swap', () => {
    const state = `${db.dataDir}/state.json`;
    // PUSH1 4 CALLDATALOAD PUSH1 0 SSTORE STOP: writes transfer()'s first argument into slot 0, as the
    // 2025 attacker contract did.
    writeFileSync(
      state,
      JSON.stringify([{ address: '0x96221423681A6d52E184D440a8eFCEbB105C7242', code: '0x60043560005500' }]),
    );
    const file = new URL('bybit-safe-tx-71.json', VECTORS).pathname;
    const r = rampart([...base, '--json', 'custody', 'analyze', file, '--wallet', SAFE, '--state', state]);
    assert.equal(r.code, 1, r.stderr);
    const [executed] = JSON.parse(r.stdout) as Array<{
      findings: Array<{ code: string }>;
      effects: { walletStorageWrites: Array<{ kind: string; after: string }> };
    }>;
    assert.ok(executed!.findings.some((f) => f.code === 'WALLET_IMPLEMENTATION_CHANGE'));
    const write = executed!.effects.walletStorageWrites.find((w) => w.kind === 'implementation');
    assert.match(write!.after, /bdd077f651ebe7f7b3ce16fe5f2b025be2969516$/i);
    writeFileSync(state, '{"not": "a list"}');
    const bad = rampart([...base, 'custody', 'analyze', file, '--wallet', SAFE, '--state', state]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /EXTRA_STATE_INVALID|extraState/);
  });

  test('bad input: usage errors exit 2, a bad list names its line', () => {
    assert.equal(rampart([...base, 'custody', 'analyze', '/nonexistent.json', '--wallet', SAFE]).code, 2);
    assert.equal(
      rampart([
        ...base,
        'custody',
        'wallet',
        'add',
        '--chain',
        'x',
        '--address',
        SAFE,
        '--version',
        '1.1.1',
        '--owners',
        SAFE,
        '--threshold',
        '1',
      ]).code,
      2,
    );
    const badVersion = rampart([
      ...base,
      'custody',
      'wallet',
      'add',
      '--chain',
      '1',
      '--address',
      SAFE,
      '--version',
      '9.9.9',
      '--owners',
      SAFE,
      '--threshold',
      '1',
    ]);
    assert.equal(badVersion.code, 1);
    assert.match(badVersion.stderr, /version/i);
    const list = `${db.dataDir}/bad-list.txt`;
    writeFileSync(list, '# header\n0x000000000000000000000000000000000000dEaD\nnot-an-address\n');
    const r = rampart([...base, 'custody', 'screen-import', list, '--source', 'x']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /line 3/);
  });
});
