/**
 * Two Rampart instances witness each other (C2SP tlog-witness over HTTP): each publishes a
 * checkpoint only with the other's cosignature, and a forked log (same origin and key, same size,
 * other root) is refused by the witness.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { bytesToBase64, utf8 } from '../../src/core/index.ts';
import { MemoryTree } from '../../src/ledger/merkle/index.ts';
import {
  formatCheckpoint,
  generateCosignerKey,
  generateSignerKey,
  openNote,
  parseCosignerVerifierKey,
  parseSignerKey,
  parseVerifierKey,
  signNote,
} from '../../src/ledger/note/index.ts';
import { createTestDb } from '../support/db.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe('two instances witnessing each other', () => {
  const keys = {
    a: { log: generateSignerKey('a.example/ledger'), wit: generateCosignerKey('a.example/witness') },
    b: { log: generateSignerKey('b.example/ledger'), wit: generateCosignerKey('b.example/witness') },
  };
  let a: TestServer;
  let b: TestServer;

  before(async () => {
    const [pa, pb] = [await freePort(), await freePort()];
    const dbs = { a: await createTestDb(), b: await createTestDb() };
    for (const n of ['a', 'b'] as const) {
      writeFileSync(join(dbs[n].dataDir, 'ledger.key'), `${keys[n].log.signerKey}\n`, { mode: 0o600 });
      writeFileSync(join(dbs[n].dataDir, 'witness.key'), `${keys[n].wit.signerKey}\n`, { mode: 0o600 });
    }
    const cfg = (me: 'a' | 'b', other: 'a' | 'b', otherPort: number) => ({
      ledger: {
        origin: `${me}.example/ledger`,
        witnessQuorum: 1,
        witnesses: [
          { name: other, url: `http://127.0.0.1:${otherPort}/witness`, key: keys[other].wit.verifierKey },
        ],
      },
      witness: {
        enabled: true,
        logs: [{ origin: `${other}.example/ledger`, key: keys[other].log.verifierKey }],
      },
    });
    a = await startTestServer({ db: dbs.a, port: pa, config: cfg('a', 'b', pb) });
    b = await startTestServer({ db: dbs.b, port: pb, config: cfg('b', 'a', pa) });
  });
  after(async () => {
    await a?.close();
    await b?.close();
  });

  test('each checkpoint is published with the other instance’s cosignature', async () => {
    for (let i = 0; i < 10; i++)
      await a.app.ledger.record({ actor: 'system', action: 'test.a', payload: { i } });
    for (let i = 0; i < 7; i++)
      await b.app.ledger.record({ actor: 'system', action: 'test.b', payload: { i } });
    const ca = await a.app.ledger.checkpointNow();
    const cb = await b.app.ledger.checkpointNow();
    assert.equal(ca.published, true);
    assert.equal(cb.published, true);
    const opened = openNote(ca.note, [
      parseVerifierKey(keys.a.log.verifierKey),
      parseCosignerVerifierKey(keys.b.wit.verifierKey),
    ]);
    assert.deepEqual(
      opened.signatures
        .filter((s) => s.verified)
        .map((s) => s.name)
        .sort(),
      ['a.example/ledger', 'b.example/witness'],
    );
    // Growth: the witness checks consistency with what it cosigned before.
    for (let i = 0; i < 25; i++)
      await a.app.ledger.record({ actor: 'system', action: 'test.a', payload: { i, round: 2 } });
    const ca2 = await a.app.ledger.checkpointNow();
    assert.equal(ca2.size, 35);
    assert.equal(ca2.published, true);
    const served = await (await fetch(`${a.url}/ledger/checkpoint`)).text();
    assert.equal(served, ca2.note);
  });

  test('a forked log (same origin and key, same size, other root) is refused by the witness', async () => {
    const cosigned = await a.app.ledger.latestCheckpoint();
    assert.ok(cosigned);
    // The attacker holds A's key and rebuilds history with one entry changed.
    const fork = new MemoryTree();
    for (const e of await a.app.ledger.entries(0, cosigned.size))
      fork.append(utf8(e.index === 3 ? e.text.replace('"i":3', '"i":33') : e.text));
    const forkNote = signNote(
      formatCheckpoint({ origin: 'a.example/ledger', size: cosigned.size, root: fork.root() }),
      [parseSignerKey(keys.a.log.signerKey)],
    );
    const res = await fetch(`${b.url}/witness/add-checkpoint`, {
      method: 'POST',
      body: `old ${cosigned.size}\n\n${forkNote}`,
    });
    assert.equal(res.status, 422);
    assert.match(await res.text(), /fork|root/i);
    // A larger forked tree with a proof from its own history does not prove consistency either.
    for (let i = 0; i < 5; i++) fork.append(utf8(`{"extra":${i}}`));
    const bigger = signNote(
      formatCheckpoint({ origin: 'a.example/ledger', size: fork.size, root: fork.root() }),
      [parseSignerKey(keys.a.log.signerKey)],
    );
    const proof = fork
      .consistencyProof(cosigned.size, fork.size)
      .map((h) => `${bytesToBase64(h)}\n`)
      .join('');
    const res2 = await fetch(`${b.url}/witness/add-checkpoint`, {
      method: 'POST',
      body: `old ${cosigned.size}\n${proof}\n${bigger}`,
    });
    assert.equal(res2.status, 422);
    // An old size the witness did not cosign: 409 with its size.
    const res3 = await fetch(`${b.url}/witness/add-checkpoint`, {
      method: 'POST',
      body: `old 3\n\n${bigger}`,
    });
    assert.equal(res3.status, 409);
    assert.equal(res3.headers.get('content-type'), 'text/x.tlog.size');
    assert.equal(await res3.text(), `${cosigned.size}\n`);
    // A checkpoint signed by an unknown key: 403.
    const stranger = signNote(
      formatCheckpoint({ origin: 'a.example/ledger', size: fork.size, root: fork.root() }),
      [parseSignerKey(generateSignerKey('a.example/ledger').signerKey)],
    );
    assert.equal(
      (
        await fetch(`${b.url}/witness/add-checkpoint`, {
          method: 'POST',
          body: `old ${cosigned.size}\n${proof}\n${stranger}`,
        })
      ).status,
      403,
    );
    // An unknown origin: 404.
    const other = signNote(formatCheckpoint({ origin: 'c.example/ledger', size: 1, root: fork.root(1) }), [
      parseSignerKey(generateSignerKey('c.example/ledger').signerKey),
    ]);
    assert.equal(
      (await fetch(`${b.url}/witness/add-checkpoint`, { method: 'POST', body: `old 0\n\n${other}` })).status,
      404,
    );
  });

  test('without the witness quorum a checkpoint is signed but not published', async () => {
    const before = await a.app.ledger.latestCheckpoint();
    await b.close();
    for (let i = 0; i < 3; i++)
      await a.app.ledger.record({ actor: 'system', action: 'test.a', payload: { i, round: 3 } });
    const cp = await a.app.ledger.checkpointNow();
    assert.equal(cp.published, false);
    assert.equal(
      (await a.app.ledger.latestCheckpoint())?.size,
      before?.size,
      'the published checkpoint did not move',
    );
  });
});
