/**
 * Publishing reserve attestations on the store: against the latest published liabilities root,
 * the statement and its ledger entry in one transaction under a signed checkpoint, history kept,
 * nothing written when anything is refused. Runs on SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bytesToHex, canonicalJson, sha256, utf8 } from '../../src/core/index.ts';
import type { Ledger } from '../../src/ledger/index.ts';
import { verifyInclusion } from '../../src/ledger/merkle/index.ts';
import { openNote, parseCheckpoint } from '../../src/ledger/note/index.ts';
import {
  ATTESTATION_ACTION,
  exampleAttestationText,
  getAttestation,
  LIABILITIES_ACTION,
  listAttestations,
  publishAttestation,
} from '../../src/reserves/attest/index.ts';
import type { Store } from '../../src/store/index.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { testLedger } from '../support/ledger.ts';
import { rootStatement } from './attest-support.ts';

const TOTALS = { BTC: 40n * 100_000_000n, ETH: 1_700n * 10n ** 18n, USDT: 5_000_000n * 10n ** 6n, USDC: 7n };

describe('reserves attestation publishing', () => {
  let db: TestDb;
  let store: Store;
  let ledger: Ledger;
  let keys: ReturnType<typeof testLedger>;

  before(async () => {
    db = await createTestDb();
    store = await db.open();
    keys = testLedger(store);
    ledger = keys.ledger;
  });
  after(async () => {
    await ledger.stop();
    await store.close();
    await db.drop();
  });

  const count = async () =>
    Number(
      (
        await store.db
          .selectFrom('reserves_attestations')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  test('without a published liabilities root nothing is attested', async () => {
    await assert.rejects(publishAttestation(ledger, await exampleAttestationText(), 'cli:test'), {
      code: 'RESERVES_NO_LIABILITIES',
    });
    assert.equal(await count(), 0);
    assert.equal(await ledger.size(), 0);
  });

  test('an attestation is published against the latest root, in the ledger under a signed checkpoint', async () => {
    await ledger.record({
      actor: 'system',
      action: LIABILITIES_ACTION,
      payload: { ...rootStatement(TOTALS, 'ee'.repeat(32)) },
    });
    await ledger.record({
      actor: 'system',
      action: LIABILITIES_ACTION,
      payload: { ...rootStatement(TOTALS) },
    });
    const p = await publishAttestation(ledger, await exampleAttestationText(), 'cli:test');
    assert.equal(p.seq, 1);
    assert.equal(p.liabilitiesRoot, 'cd'.repeat(32), 'the latest root, not the first');
    assert.equal(p.statement.liabilities.ledgerIndex, 1);
    assert.deepEqual(
      p.assets.map((a) => [a.asset, a.ratio]),
      [
        ['BTC', '0.878086'],
        ['ETH', '1.029411'],
        ['USDC', '0.000000'],
        ['USDT', '1.000000'],
      ],
    );
    // the stored statement is the canonical JSON whose SHA-256 is the digest
    const stored = await getAttestation(ledger, 1);
    assert.equal(bytesToHex(sha256(utf8(canonicalJson(stored.statement)))), p.digest);
    // the ledger entry commits to it, and a signed checkpoint covers the entry
    const entry = await ledger.entry(p.ledgerIndex);
    assert.equal(entry.action, ATTESTATION_ACTION);
    assert.equal(entry.payload['statementSha256'], p.digest);
    // the entry stays small whatever the number of addresses: it counts them, the digest binds them
    assert.equal(entry.payload['addresses'], 4);
    assert.equal(entry.subject, 'attestation:1');
    // publishing signs a checkpoint right away, covering the entry
    assert.deepEqual(p.checkpoint, { size: p.ledgerIndex + 1, published: true });
    const cp = (await ledger.publisher.latest())!;
    assert.equal(cp.size, p.ledgerIndex + 1);
    const body = parseCheckpoint(openNote(cp.note, [keys.verifier]).text);
    const { leafHash, proof } = await ledger.inclusionProof(p.ledgerIndex, body.size);
    verifyInclusion({ index: p.ledgerIndex, size: body.size, leafHash, proof, root: body.root });
  });

  test('a refused file writes nothing: no row, no ledger entry', async () => {
    const before = { n: await count(), size: await ledger.size() };
    const doc = JSON.parse(await exampleAttestationText());
    doc.evm[0].calls[0].response.result = '0xzz';
    await assert.rejects(publishAttestation(ledger, JSON.stringify(doc), 'cli:test'), {
      code: 'RESERVES_EXPORT_INVALID',
    });
    const unknown = await exampleAttestationText();
    await ledger.record({
      actor: 'system',
      action: LIABILITIES_ACTION,
      payload: { ...rootStatement({ BTC: 1n, ETH: 1n }, 'ff'.repeat(32)) },
    });
    await assert.rejects(publishAttestation(ledger, unknown, 'cli:test'), { code: 'RESERVES_ASSET_UNKNOWN' });
    assert.equal(await count(), before.n);
    assert.equal(await ledger.size(), before.size + 1, 'only the new liabilities root was recorded');
    await ledger.record({
      actor: 'system',
      action: LIABILITIES_ACTION,
      payload: { ...rootStatement(TOTALS) },
    });
  });

  test('the ratio history is kept, oldest first, and the newest is served by default', async () => {
    await publishAttestation(
      ledger,
      await exampleAttestationText({ date: '2026-11-26', sats: [40n * 100_000_000n, 0n, 0n] }),
      'cli:test',
    );
    const history = await listAttestations(ledger);
    assert.deepEqual(
      history.map((h) => [h.seq, h.date, h.assets.find((a) => a.asset === 'BTC')!.ratio]),
      [
        [1, '2026-11-25', '0.878086'],
        [2, '2026-11-26', '1.000000'],
      ],
    );
    assert.equal((await getAttestation(ledger)).seq, 2);
    await assert.rejects(getAttestation(ledger, 99), { code: 'RESERVES_ATTESTATION_NOT_FOUND' });
  });

  test('two publications at once both land, one after the other, with their own numbers and entries', async () => {
    const texts = await Promise.all([
      exampleAttestationText({ date: '2026-11-27' }),
      exampleAttestationText({ date: '2026-11-28' }),
    ]);
    const [a, b] = await Promise.all(texts.map((t) => publishAttestation(ledger, t, 'cli:test')));
    assert.deepEqual([a!.seq, b!.seq].sort(), [3, 4]);
    assert.notEqual(a!.ledgerIndex, b!.ledgerIndex);
    for (const p of [a!, b!]) {
      const entry = await ledger.entry(p.ledgerIndex);
      assert.equal(entry.subject, `attestation:${p.seq}`);
      assert.equal(entry.payload['statementSha256'], p.digest);
    }
  });
});
