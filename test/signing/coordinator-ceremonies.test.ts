// The coordinator against the main store (SQLite and PostgreSQL): ceremonies through three
// in-process signer nodes, each one a ledger entry at start and at its end (completed or failed),
// the registry, and refusals with their codes. Secrets never reach an entry.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { hexToBytes, utf8 } from '../../src/core/index.ts';
import type { Ledger } from '../../src/ledger/index.ts';
import {
  type CoordinatorContext,
  getKey,
  listCeremonies,
  listKeys,
  loadCoordinatorKey,
  runDkg,
  runRefresh,
  runRepair,
  runSign,
  standardVerify,
} from '../../src/signing/coordinator/index.ts';
import { getSuite } from '../../src/signing/frost/index.ts';
import {
  enroll,
  openNodeDb,
  parseNodeConfig,
  type RunningNode,
  startSignerNode,
} from '../../src/signing/node/index.ts';
import type { Store } from '../../src/store/index.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { hasCode } from '../support/errors.ts';
import { testLedger } from '../support/ledger.ts';
import {
  approvedMessage,
  coordinatorKeyIn,
  freePort,
  nodeConfig,
  provisionNode,
  TEST_PASSPHRASE,
} from '../support/signer-nodes.ts';

describe('coordinator ceremonies and the ledger', { timeout: 300_000 }, () => {
  let dir = '';
  let db: TestDb;
  let store: Store;
  let ledger: Ledger;
  let ctx: CoordinatorContext;
  let nodes: RunningNode[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-coordinator-'));
    db = await createTestDb();
    store = await db.open();
    ({ ledger } = testLedger(store));
    const coordDir = join(dir, 'coordinator');
    const coordinator = coordinatorKeyIn(coordDir);
    nodes = await Promise.all(
      ['n1', 'n2', 'n3'].map(async (id) => {
        const port = await freePort();
        const node = await startSignerNode(
          parseNodeConfig(nodeConfig(id, join(dir, id), port, coordinator)),
          {
            env: { RAMPART_SIGNER_PASSPHRASE: TEST_PASSPHRASE },
          },
        );
        await provisionNode(join(dir, id));
        return node;
      }),
    );
    ctx = { ledger, key: loadCoordinatorKey(coordDir), actor: 'cli:test', timeoutMs: 20_000 };
  });
  after(async () => {
    await Promise.all(nodes.map((n) => n.close()));
    await ledger?.stop();
    await store?.close();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('DKG, sign, refresh and repair are each audited at start and end; the registry follows', async () => {
    const key = await runDkg(ctx, {
      suite: 'secp256k1',
      threshold: 2,
      nodeUrls: nodes.map((n) => n.url),
      keyId: 'k1',
    });
    assert.equal(key.groupPublicKey.length, 66, 'SEC1 compressed');
    const msg = utf8('settle batch 42');
    const s = await runSign(ctx, { keyId: 'k1', message: msg, request: approvedMessage('req-c-1', msg) });
    assert.ok(
      standardVerify(getSuite('secp256k1'), hexToBytes(s.signature), msg, hexToBytes(key.groupPublicKey)),
    );
    const refreshed = await runRefresh(ctx, 'k1');
    assert.equal(refreshed.generation, 2);
    assert.equal(refreshed.groupPublicKey, key.groupPublicKey);
    assert.notDeepEqual(refreshed.publicPackage.verifyingShares, key.publicPackage.verifyingShares);
    await runRepair(ctx, { keyId: 'k1', node: 'n2' });

    const stored = await getKey(store.db, 'k1');
    assert.equal(stored.generation, 2);
    assert.deepEqual(
      (await listKeys(store.db)).map((k) => k.keyId),
      ['k1'],
    );

    const entries = await ledger.entries(0, 100);
    const actions = entries.map((e) => e.action);
    for (const kind of ['dkg', 'sign', 'refresh', 'repair']) {
      assert.ok(actions.includes(`signing.${kind}.started`), kind);
      assert.ok(actions.includes(`signing.${kind}.completed`), kind);
    }
    const done = entries.find((e) => e.action === 'signing.sign.completed')!;
    assert.equal(done.payload.signature, s.signature);
    assert.equal(done.subject, 'k1');
    // No share, nonce or private message ever reaches the ledger: only public values.
    const text = entries.map((e) => e.text).join('\n');
    assert.ok(!/signingShare|nonces|"ct"/.test(text));
    const ceremonies = await listCeremonies(store.db, 'k1');
    assert.deepEqual(
      ceremonies.map((c) => `${c.kind}:${c.status}`),
      ['dkg:completed', 'sign:completed', 'refresh:completed', 'repair:completed'],
    );
  });

  test("a refused signature stops the ceremony, audited as failed with the nodes' refusal codes", async () => {
    const msg = utf8('one approval only');
    await assert.rejects(
      runSign(ctx, { keyId: 'k1', message: msg, request: approvedMessage('req-c-2', msg, ['alice']) }),
      (e: unknown) => {
        const d = (e as { code: string; details: { failed: { code: string }[] } }).details;
        assert.equal((e as { code: string }).code, 'SIGNING_REFUSED');
        assert.ok(
          d.failed.length >= 2 && d.failed.every((f) => f.code === 'APPROVAL_QUORUM_NOT_MET'),
          JSON.stringify(d.failed),
        );
        return true;
      },
    );
    // Bytes that differ from the approved ones by one byte.
    const approved = utf8('pay 100 to A');
    const other = utf8('pay 900 to A');
    await assert.rejects(
      runSign(ctx, { keyId: 'k1', message: other, request: approvedMessage('req-c-3', approved) }),
      (e: unknown) => {
        const d = (e as { details: { failed: { code: string }[] } }).details;
        assert.ok(
          d.failed.every((f) => f.code === 'SIGNING_MESSAGE_MISMATCH'),
          JSON.stringify(d.failed),
        );
        return true;
      },
    );
    const last = (await ledger.entries(0, 200)).filter((e) => e.action === 'signing.sign.failed');
    assert.ok(last.length >= 2);
    assert.equal((last[0]!.payload.error as { code: string }).code, 'SIGNING_REFUSED');
  });

  test('nodes refuse a stale policy version, a replayed request id and a forged approval', async () => {
    const refusedWith = (want: string) => (e: unknown) => {
      const d = (e as { details: { failed: { code: string }[] } }).details;
      assert.equal((e as { code: string }).code, 'SIGNING_REFUSED');
      assert.ok(d.failed.length >= 2 && d.failed.every((f) => f.code === want), JSON.stringify(d.failed));
      return true;
    };
    const m = utf8('stale');
    const stale = { ...approvedMessage('req-c-4', m), policyVersion: 'ab'.repeat(32) };
    await assert.rejects(
      runSign(ctx, { keyId: 'k1', message: m, request: stale }),
      refusedWith('SIGNING_POLICY_STALE'),
    );
    // req-c-1 was signed in the first test; the same id for other bytes is a replay.
    const again = utf8('settle batch 43');
    await assert.rejects(
      runSign(ctx, { keyId: 'k1', message: again, request: approvedMessage('req-c-1', again) }),
      refusedWith('SIGNING_REQUEST_REPLAYED'),
    );
    const forged = approvedMessage('req-c-5', m);
    forged.approvals[1]!.signature = approvedMessage('req-c-5', utf8('something else'))
      .approvals[1]!.signature;
    await assert.rejects(
      runSign(ctx, { keyId: 'k1', message: m, request: forged }),
      refusedWith('APPROVAL_SIGNATURE_INVALID'),
    );
  });

  test('bad input is refused before any node is contacted', async () => {
    const urls = nodes.map((n) => n.url);
    await assert.rejects(
      runDkg(ctx, { suite: 'ed25519', threshold: 4, nodeUrls: urls }),
      hasCode('SIGNING_THRESHOLD_INVALID'),
    );
    await assert.rejects(
      runDkg(ctx, { suite: 'ed25519', threshold: 1, nodeUrls: urls }),
      hasCode('SIGNING_THRESHOLD_INVALID'),
    );
    await assert.rejects(
      runDkg(ctx, { suite: 'ed25519', threshold: 2, nodeUrls: [urls[0]!, urls[0]!] }),
      hasCode('SIGNING_NODES_INVALID'),
    );
    await assert.rejects(
      runDkg(ctx, { suite: 'ed25519', threshold: 2, nodeUrls: urls, keyId: 'k1' }),
      hasCode('SIGNING_KEY_EXISTS'),
    );
    await assert.rejects(
      runDkg(ctx, { suite: 'ed25519', threshold: 2, nodeUrls: urls, keyId: 'Bad Id' }),
      hasCode('SIGNING_KEY_ID_INVALID'),
    );
    await assert.rejects(runSign(ctx, { keyId: 'nope', message: utf8('x') }), hasCode('SIGNING_KEY_UNKNOWN'));
    await assert.rejects(runRepair(ctx, { keyId: 'k1', node: 'n9' }), hasCode('SIGNING_NODE_UNKNOWN'));
  });

  test('a node that is down fails the DKG before it starts', async () => {
    const port = await freePort();
    await assert.rejects(
      runDkg(ctx, { suite: 'ed25519', threshold: 2, nodeUrls: [nodes[0]!.url, `http://127.0.0.1:${port}`] }),
      hasCode('SIGNER_NODE_UNREACHABLE'),
    );
  });

  test('one node that refuses stops the ceremony: the coordinator does not go around it', async () => {
    // Bob is no longer an approver on the node the coordinator asks first (lowest identifier); the
    // other two would still sign. Going around the refusal would find two willing nodes.
    const key = await getKey(store.db, 'k1');
    const first = [...key.nodes].sort((a, b) => (a.identifier < b.identifier ? -1 : 1))[0]!;
    const nodeDb = await openNodeDb(join(dir, first.nodeId));
    try {
      await enroll(nodeDb, { op: 'remove-approver', principal: 'bob', actor: 'node-operator:test' });
    } finally {
      await nodeDb.close();
    }
    const msg = utf8('pay 5 to B');
    await assert.rejects(
      runSign(ctx, { keyId: 'k1', message: msg, request: approvedMessage('req-c-9', msg) }),
      (e: unknown) => {
        const err = e as { code: string; details: { failed: { node: string; code: string }[] } };
        assert.equal(err.code, 'SIGNING_REFUSED');
        assert.deepEqual(err.details.failed, [{ node: first.nodeId, code: 'APPROVER_NOT_ENROLLED' }]);
        return true;
      },
    );
    const failed = (await ledger.entries(0, 500)).filter((e) => e.action === 'signing.sign.failed').at(-1)!;
    assert.equal((failed.payload.error as { code: string }).code, 'SIGNING_REFUSED');
    // Approvals the refusing node accepts (alice and carol) sign as before.
    const ok = await runSign(ctx, {
      keyId: 'k1',
      message: msg,
      request: approvedMessage('req-c-10', msg, ['alice', 'carol']),
    });
    assert.equal(ok.signers.length, 2);
  });
});
