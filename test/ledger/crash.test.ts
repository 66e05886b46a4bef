/**
 * Crash safety: a Rampart process appending audited changes (with checkpoints every 20 entries) is
 * SIGKILLed mid-stream; after restart every acknowledged entry is there, nothing is half-written,
 * and the whole log verifies.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { verifyStore } from '../../src/ledger/index.ts';
import { loadLogSigner } from '../../src/ledger/key-file.ts';
import { parseVerifierKey, verifierKeyFor } from '../../src/ledger/note/index.ts';
import { RAMPART_BIN } from '../support/cli.ts';
import { createTestDb } from '../support/db.ts';
import { testLedger } from '../support/ledger.ts';

const db = await createTestDb();
after(() => db.drop());

test('SIGKILL in the middle of a stream of appends loses nothing acknowledged', async () => {
  const args = [
    RAMPART_BIN,
    '--data-dir',
    db.dataDir,
    ...(db.databaseUrl ? ['--database-url', db.databaseUrl] : []),
  ];
  const child = spawn(process.execPath, [...args, 'demo', '--entries', '5', '--stream'], {
    env: { ...process.env, RAMPART_LEDGER_CHECKPOINT_EVERY_ENTRIES: '20' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const acked: number[] = [];
  let buf = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`too few acks in 60 s: ${acked.length}\n${stderr}`)),
      60_000,
    );
    child.stdout.on('data', (d) => {
      buf += d;
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines) {
        const m = /^ack (\d+)$/.exec(l);
        if (m) acked.push(Number(m[1]));
      }
      if (acked.length >= 150 && !child.killed) {
        child.kill('SIGKILL');
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code, sig) => {
      if (sig !== 'SIGKILL') reject(new Error(`stream exited early (${code}): ${stderr}`));
    });
  });
  if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('exit', r));

  const store = await db.open();
  try {
    const { ledger } = testLedger(store);
    const size = await ledger.size();
    const lastAck = Math.max(...acked);
    assert.ok(size > lastAck, `size ${size} must include the last acknowledged index ${lastAck}`);
    for (const i of acked) assert.equal((await ledger.entry(i)).index, i);
    const signer = loadLogSigner(join(db.dataDir, 'ledger.key'), 'rampart.localhost/ledger');
    const report = await verifyStore(store, {
      origin: 'rampart.localhost/ledger',
      verifier: parseVerifierKey(verifierKeyFor(signer)),
    });
    assert.equal(report.ok, true, JSON.stringify(report.problem));
    assert.ok(report.checkpoints >= 5, `checkpoints were made mid-stream (${report.checkpoints})`);
    const head = (
      await store.db
        .selectFrom('ledger_entries')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n;
    assert.equal(Number(head), size, 'no half-written entries: row count equals the head size');
  } finally {
    await store.close();
  }
});
