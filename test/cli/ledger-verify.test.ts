/** `rampart ledger verify` against the suite's store: tampering by a database administrator is named. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { rampart } from '../support/cli.ts';
import { createTestDb, type TestDb } from '../support/db.ts';

describe('rampart ledger verify', () => {
  let db: TestDb;
  let base: string[];
  let state: string;

  before(async () => {
    db = await createTestDb();
    base = ['--data-dir', db.dataDir, ...(db.databaseUrl ? ['--database-url', db.databaseUrl] : [])];
    state = `${db.dataDir}/verifier-state.json`;
    const r = rampart([...base, 'demo', '--entries', '40']);
    assert.equal(r.code, 0, r.stderr);
  });
  after(() => db.drop());

  test('an untouched log verifies (exit 0) and the state file remembers the checkpoint', () => {
    const r = rampart([...base, '--json', 'ledger', 'verify', '--state', state]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.ok, true);
    assert.equal(report.size, 40);
    assert.equal(report.latestCheckpoint.size, 40);
  });

  test('editing one entry in the database is caught and the index named (exit 1)', async () => {
    await db.rawSql(
      `UPDATE ledger_entries SET entry = replace(entry, '"demo":true', '"demo":false') WHERE idx = 17`,
    );
    const r = rampart([...base, 'ledger', 'verify', '--state', state]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /FAILED at entry 17: .*LEDGER_ENTRY_ALTERED/);
    const j = JSON.parse(rampart([...base, '--json', 'ledger', 'verify', '--state', state]).stdout);
    assert.equal(j.ok, false);
    assert.equal(j.problem.index, 17);
  });

  test('rewriting the entry and its stored hashes still fails: the signed checkpoint no longer matches', async () => {
    // Put entry 17 back, then change entry 3 *and* recompute nothing else: tree hashes disagree.
    await db.rawSql(
      `UPDATE ledger_entries SET entry = replace(entry, '"demo":false', '"demo":true') WHERE idx = 17`,
    );
    assert.equal(rampart([...base, 'ledger', 'verify', '--state', state]).code, 0);
    const [orig] = (await db.rawSql('SELECT actor FROM ledger_entries WHERE idx = 3')) as Array<{
      actor: string;
    }>;
    await db.rawSql(`UPDATE ledger_entries SET actor = 'user:mallory' WHERE idx = 3`);
    const r = rampart([...base, '--json', 'ledger', 'verify', '--state', state]);
    assert.equal(r.code, 1);
    assert.equal(JSON.parse(r.stdout).problem.code, 'LEDGER_ENTRY_COLUMNS_ALTERED');
    assert.equal(JSON.parse(r.stdout).problem.index, 3);
    await db.rawSql('UPDATE ledger_entries SET actor = ? WHERE idx = 3', [orig!.actor]);
  });

  test('a checkpoint whose signature does not verify fails with its own code', async () => {
    const [cp] = (await db.rawSql(
      'SELECT size, note FROM ledger_checkpoints ORDER BY size DESC LIMIT 1',
    )) as Array<{ size: number; note: string }>;
    // Flip one character of the signature (base64 after the key name), keeping the note well-formed.
    const lines = cp!.note.split('\n');
    const sigLine = lines.findIndex((l) => l.startsWith('\u2014 '));
    const sig = lines[sigLine]!;
    const at = sig.length - 10;
    lines[sigLine] = sig.slice(0, at) + (sig[at] === 'A' ? 'B' : 'A') + sig.slice(at + 1);
    await db.rawSql('UPDATE ledger_checkpoints SET note = ? WHERE size = ?', [lines.join('\n'), cp!.size]);
    const r = rampart([...base, '--json', 'ledger', 'verify', '--no-state']);
    assert.equal(r.code, 1);
    assert.equal(JSON.parse(r.stdout).problem.code, 'CHECKPOINT_SIGNATURE_INVALID');
    await db.rawSql('UPDATE ledger_checkpoints SET note = ? WHERE size = ?', [cp!.note, cp!.size]);
  });

  test('dropping the newest entries is caught against the remembered checkpoint', async () => {
    assert.equal(rampart([...base, 'ledger', 'verify', '--state', state]).code, 0);
    await db.rawSql('DELETE FROM ledger_checkpoints');
    await db.rawSql('DELETE FROM ledger_entries WHERE idx >= 35');
    await db.rawSql('UPDATE ledger_head SET size = 35');
    const r = rampart([...base, '--json', 'ledger', 'verify', '--state', state]);
    assert.equal(r.code, 1);
    assert.equal(JSON.parse(r.stdout).problem.code, 'LEDGER_TRUNCATED');
  });

  test('usage errors exit 2', () => {
    assert.equal(rampart([...base, 'ledger', 'proof', 'inclusion', '--index', 'minus-one']).code, 2);
    assert.equal(rampart(['ledger', 'verify', '--url', 'ftp://x']).code, 2);
    assert.equal(rampart(['ledger', 'nonsense']).code, 2);
    const help = rampart(['ledger', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /verify/);
  });
});
