// Five signer node processes on loopback (four passphrase key stores, one SoftHSM2 token), driven
// through the real `rampart` CLI: a 3-of-5 DKG, signatures checked by standard verifiers, two nodes
// killed and a signature still produced, a refresh after which an old share is useless, a lost
// share repaired.
import assert from 'node:assert/strict';
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { schnorr } from '@noble/curves/secp256k1.js';
import { base64urlnopad } from '@scure/base';
import { bytesToHex, hexToBytes, utf8 } from '../../src/core/index.ts';
import { loadCoordinatorKey, NodeClient } from '../../src/signing/coordinator/index.ts';
import { getSuite } from '../../src/signing/frost/index.ts';
import { PassphraseKeyStore } from '../../src/signing/keystore/index.ts';
import { openNodeDb } from '../../src/signing/node/db.ts';
import { type CommitmentJson, commitmentFromJson, publicFromJson } from '../../src/signing/node/index.ts';
import { ShareVault } from '../../src/signing/node/shares.ts';
import { rampartAsync } from '../support/cli.ts';
import { storeIndependent } from '../support/passes.ts';
import {
  approvedMessage,
  coordinatorKeyIn,
  type NodeProcess,
  provisionNode,
  startNodes,
  stopNodes,
  TEST_PASSPHRASE,
} from '../support/signer-nodes.ts';

const MSG = utf8('withdraw 12.5 BTC to bc1q… — approved request 7f3a');

function ed25519Verify(sig: string, msg: Uint8Array, pub: string): boolean {
  const key = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: base64urlnopad.encode(hexToBytes(pub)) },
    format: 'jwk',
  });
  return nodeVerify(null, msg, key, hexToBytes(sig));
}

describe('five signer nodes, end to end', { ...storeIndependent, timeout: 600_000 }, () => {
  let dir = '';
  let data = '';
  let nodes: NodeProcess[] = [];
  const cli = async (...args: string[]) => {
    const r = await rampartAsync(['--data-dir', data, '--json', ...args]);
    let json: unknown;
    try {
      json = JSON.parse(r.stdout);
    } catch {
      json = undefined;
    }
    return { ...r, json: json as Record<string, unknown> & { error?: { code: string } } };
  };
  const urls = () => nodes.map((n) => n.url).join(',');
  let requests = 0;
  /** Writes an approved request for MSG (alice and bob approve) and returns its file. */
  const requestFile = (message = MSG) => {
    const file = join(dir, `request-${++requests}.json`);
    writeFileSync(file, JSON.stringify(approvedMessage(`req-e2e-${requests}`, message)));
    return file;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-nodes-e2e-'));
    data = join(dir, 'coordinator');
    nodes = await startNodes(5, { dir, coordinator: coordinatorKeyIn(data), pkcs11: [4] });
  });
  after(async () => {
    await stopNodes(nodes);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  let groupKey = '';

  test('a 3-of-5 ed25519 DKG, and a signature that node:crypto verifies', async () => {
    const dkg = await cli(
      'signing',
      'dkg',
      '--suite',
      'ed25519',
      '--threshold',
      '3',
      '--nodes',
      urls(),
      '--key-id',
      'cold-ed',
    );
    assert.equal(dkg.code, 0, dkg.stdout + dkg.stderr);
    assert.equal(dkg.json.threshold, 3);
    assert.equal(dkg.json.maxSigners, 5);
    groupKey = dkg.json.groupPublicKey as string;
    assert.match(groupKey, /^[0-9a-f]{64}$/);

    const s = await cli('signing', 'sign', '--key', 'cold-ed', '--request', requestFile());
    assert.equal(s.code, 0, s.stdout + s.stderr);
    assert.equal(s.json.groupPublicKey, groupKey);
    assert.ok(
      ed25519Verify(s.json.signature as string, MSG, groupKey),
      'Ed25519 signature verifies with node:crypto',
    );
    assert.ok(!ed25519Verify(s.json.signature as string, utf8('another message'), groupKey));
  });

  test('secp256k1-tr: the signature verifies as BIP340 with noble schnorr', async () => {
    const dkg = await cli(
      'signing',
      'dkg',
      '--suite',
      'secp256k1-tr',
      '--threshold',
      '3',
      '--nodes',
      urls(),
      '--key-id',
      'cold-tr',
    );
    assert.equal(dkg.code, 0, dkg.stdout + dkg.stderr);
    const s = await cli('signing', 'sign', '--key', 'cold-tr', '--request', requestFile());
    assert.equal(s.code, 0, s.stdout + s.stderr);
    assert.ok(
      schnorr.verify(
        hexToBytes(s.json.signature as string),
        MSG,
        hexToBytes(dkg.json.groupPublicKey as string),
      ),
    );
  });

  test('a refresh keeps the group key; an old share then fails to produce a valid share', async () => {
    // Keep node-1's data directory as it is before the refresh (its sealed generation-1 share).
    const old = nodes[0]!;
    await old.kill('SIGTERM');
    const snapshot = join(dir, 'node-1-before-refresh');
    cpSync(old.dataDir, snapshot, { recursive: true });
    await old.restart();

    const r = await cli('signing', 'refresh', '--key', 'cold-ed');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.json.groupPublicKey, groupKey);
    assert.equal(r.json.generation, 2);
    // Every node committed: finishing is a no-op that reports the same generation.
    const f = await cli('signing', 'refresh', '--key', 'cold-ed', '--finish');
    assert.equal(f.code, 0, f.stdout + f.stderr);
    assert.deepEqual(
      { generation: f.json.generation, groupPublicKey: f.json.groupPublicKey },
      { generation: 2, groupPublicKey: groupKey },
    );

    // New shares still sign.
    const s = await cli('signing', 'sign', '--key', 'cold-ed', '--request', requestFile());
    assert.equal(s.code, 0, s.stdout + s.stderr);
    assert.ok(ed25519Verify(s.json.signature as string, MSG, groupKey));

    // The old share with two refreshed nodes: its signature share does not verify against the
    // refreshed public package, and the aggregate is not a valid signature.
    const suite = getSuite('ed25519');
    const keys = (await cli('signing', 'keys')).json as unknown as {
      keyId: string;
      nodes: { url: string; signingPublic: string; identifier: string }[];
    }[];
    const key = keys.find((k) => k.keyId === 'cold-ed')!;
    const coordKey = loadCoordinatorKey(data);
    const db = await openNodeDb(snapshot);
    const ks = new PassphraseKeyStore({ passphrase: TEST_PASSPHRASE, scrypt: { log2N: 15, r: 8, p: 1 } });
    try {
      await new ShareVault(db, ks).withKey('cold-ed', async (oldKey, stored) => {
        assert.equal(stored.generation, 1);
        const others = key.nodes.filter((n) => n.identifier !== oldKey.secret.identifier).slice(0, 2);
        const clients = others.map((n) => new NodeClient(n.url, coordKey, n.signingPublic));
        const sessionId = `stale-${Date.now()}`;
        const theirs = await Promise.all(
          clients.map((c) =>
            c.post<{ commitment: CommitmentJson }>('/v1/sign/commit', { keyId: 'cold-ed', sessionId }),
          ),
        );
        const mine = suite.frost.commit(oldKey.secret);
        const list = [mine.commitments, ...theirs.map((t) => commitmentFromJson(t.commitment))];
        const listJson = list.map((c) => ({
          identifier: c.identifier,
          hiding: bytesToHex(c.hiding),
          binding: bytesToHex(c.binding),
        }));
        const shares: Record<string, Uint8Array> = {};
        for (const c of clients) {
          const r2 = await c.post<{ identifier: string; share: string }>('/v1/sign/share', {
            keyId: 'cold-ed',
            sessionId,
            message: bytesToHex(MSG),
            commitments: listJson,
            request: approvedMessage('req-e2e-stale', MSG),
          });
          shares[r2.identifier] = hexToBytes(r2.share);
        }
        const refreshedPub = publicFromJson(
          (await clients[0]!.get<{ publicPackage: never }>('/v1/keys/cold-ed')).publicPackage,
        );
        const oldShare = suite.frost.signShare(oldKey.secret, oldKey.public, mine.nonces, list, MSG);
        assert.equal(
          suite.frost.verifyShare(refreshedPub, list, MSG, oldKey.secret.identifier, oldShare),
          false,
        );
        shares[oldKey.secret.identifier] = oldShare;
        let sig: Uint8Array | undefined;
        try {
          sig = suite.frost.aggregate(refreshedPub, list, MSG, shares);
        } catch {
          sig = undefined; // noble refuses to aggregate an invalid share: also "useless"
        }
        if (sig) assert.equal(ed25519Verify(bytesToHex(sig), MSG, groupKey), false);
      });
    } finally {
      await db.close();
      await ks.close();
    }
  });

  test('a lost share (data directory gone) is repaired by three others', async () => {
    const lost = nodes[2]!;
    const before = lost.signingPublic;
    await lost.kill('SIGKILL');
    rmSync(lost.dataDir, { recursive: true, force: true });
    await lost.restart();
    assert.notEqual(lost.signingPublic, before, 'a new data directory means new node keys');
    await provisionNode(lost.dataDir);

    const r = await cli('signing', 'repair', '--key', 'cold-ed', '--node', 'node-3');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.json.repaired, 'node-3');
  });

  test('two nodes killed: the other three (the repaired one among them) still sign', async () => {
    await nodes[0]!.kill('SIGKILL');
    await nodes[1]!.kill('SIGKILL');
    const s = await cli('signing', 'sign', '--key', 'cold-ed', '--request', requestFile());
    assert.equal(s.code, 0, s.stdout + s.stderr);
    const signers = (s.json.signers as { nodeId: string }[]).map((x) => x.nodeId).sort();
    assert.deepEqual(signers, ['node-3', 'node-4', 'node-5']);
    assert.ok(ed25519Verify(s.json.signature as string, MSG, groupKey));

    // With a third node down there is no quorum: refused with a clear code, and audited.
    await nodes[3]!.kill('SIGKILL');
    const no = await cli('signing', 'sign', '--key', 'cold-ed', '--request', requestFile());
    assert.equal(no.code, 1);
    assert.equal(no.json.error?.code, 'SIGNING_TOO_FEW_SIGNERS');
    await Promise.all([nodes[0]!.restart(), nodes[1]!.restart(), nodes[3]!.restart()]);
  });

  test('every ceremony is in the ledger', async () => {
    const [ledger, ceremonies] = await Promise.all([
      cli('ledger', 'entries', '--limit', '1000'),
      cli('signing', 'ceremonies', '--key', 'cold-ed'),
    ]);
    const actions = (ledger.json as unknown as { action: string; subject: string }[])
      .filter((e) => e.subject === 'cold-ed')
      .map((e) => e.action);
    for (const kind of ['dkg', 'sign', 'refresh', 'repair'])
      for (const end of ['started', 'completed'])
        assert.ok(
          actions.includes(`signing.${kind}.${end}`),
          `signing.${kind}.${end} in ${actions.join(', ')}`,
        );
    assert.ok(actions.includes('signing.sign.failed'), 'the refused signature (no quorum) is audited');
    const seen = (ceremonies.json as unknown as { kind: string; status: string }[]).map(
      (x) => `${x.kind}:${x.status}`,
    );
    for (const want of [
      'dkg:completed',
      'sign:completed',
      'refresh:completed',
      'repair:completed',
      'sign:failed',
    ])
      assert.ok(seen.includes(want), `${want} in ${seen.join(', ')}`);
  });
});
