/** `rampart custody policy set|show|test` on the suite's store, and requests judged by the policy in force. */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { rampart } from '../support/cli.ts';
import { createTestDb, type TestDb } from '../support/db.ts';

const VECTORS = new URL('../../../shared/vectors/intel/bybit-2025/', import.meta.url);
const expected = JSON.parse(readFileSync(new URL('expected-safe-tx-verification.json', VECTORS), 'utf8'));
const list = JSON.parse(readFileSync(new URL('bybit-safe-tx-71.json', VECTORS), 'utf8'));
const SAFE = expected.safe as string;

describe('custody policy CLI', () => {
  let db: TestDb;
  let base: string[];
  before(async () => {
    db = await createTestDb();
    base = ['--data-dir', db.dataDir, ...(db.databaseUrl ? ['--database-url', db.databaseUrl] : [])];
    const owners = [
      ...expected.records[0].recovered_signers,
      '0x0000000000000000000000000000000000000abc',
    ].join(',');
    const r = rampart([
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
      owners,
      '--threshold',
      '3',
    ]);
    assert.equal(r.code, 0, r.stderr);
  });
  after(() => db.drop());

  test('policy test explains the rule that denies the Bybit delegatecall (exit 1)', () => {
    const exec = `${db.dataDir}/exec.json`;
    writeFileSync(exec, JSON.stringify((list.results ?? list)[0]));
    const r = rampart([
      ...base,
      'custody',
      'policy',
      'test',
      'active',
      exec,
      '--wallet',
      SAFE,
      '--no-simulate',
    ]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^DENY/);
    assert.match(r.stdout, /deny-untrusted-delegatecall/);
    const j = JSON.parse(
      rampart([
        ...base,
        '--json',
        'custody',
        'policy',
        'test',
        'active',
        exec,
        '--wallet',
        SAFE,
        '--no-simulate',
      ]).stdout,
    );
    assert.equal(j.decision, 'deny');
    assert.equal(j.ruleId, 'deny-untrusted-delegatecall');
  });

  test('policy set puts a validated policy in force with its digest in the ledger; a bad file names the field', () => {
    const good = `${db.dataDir}/p.yaml`;
    writeFileSync(
      good,
      'version: 2\nname: strict\nroles: [treasury]\nrules:\n  - id: everything-needs-five\n    description: all transfers need five\n    match: {}\n    action: { require: { approvals: 5, fromRoles: [treasury], distinct: true } }\n',
    );
    const set = rampart([...base, '--json', 'custody', 'policy', 'set', good]);
    assert.equal(set.code, 0, set.stderr);
    const { digest } = JSON.parse(set.stdout);
    const show = JSON.parse(rampart([...base, '--json', 'custody', 'policy', 'show']).stdout);
    assert.equal(show.digest, digest);
    const entries = JSON.parse(
      rampart([...base, '--json', 'ledger', 'entries', '--limit', '100']).stdout,
    ) as Array<{ action: string; payload: { digest?: string } }>;
    assert.ok(entries.some((e) => e.action === 'custody.policy.set' && e.payload.digest === digest));
    const bad = `${db.dataDir}/bad.yaml`;
    writeFileSync(
      bad,
      'version: 1\nrules:\n  - id: x\n    match: { amount: { max: 5 } }\n    action: { allow: {} }\n',
    );
    const r = rampart([...base, 'custody', 'policy', 'set', bad]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /rules\[0\]\.match\.amount\.max/);
  });
});
