// A signer node's HTTP boundary, in process: requests must be signed by a configured coordinator
// key (RFC 9421), replays and altered bodies are refused, responses are signed by the node and
// checked; node-to-node envelopes; node.yaml validation; shares never on disk in clear.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { signRequest } from '../../src/access/index.ts';
import { bytesToHex, utf8 } from '../../src/core/index.ts';
import type { Ledger } from '../../src/ledger/index.ts';
import {
  type CoordinatorKey,
  loadCoordinatorKey,
  NodeClient,
  runDkg,
} from '../../src/signing/coordinator/index.ts';
import { PassphraseKeyStore } from '../../src/signing/keystore/index.ts';
import { openEnvelope, sealEnvelope } from '../../src/signing/node/envelope.ts';
import {
  openNodeDb,
  parseNodeConfig,
  type RunningNode,
  startSignerNode,
  verifyResponse,
} from '../../src/signing/node/index.ts';
import { ShareVault } from '../../src/signing/node/shares.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { rampart } from '../support/cli.ts';
import { hasCode } from '../support/errors.ts';
import { testLedger } from '../support/ledger.ts';
import { storeIndependent } from '../support/passes.ts';
import { coordinatorKeyIn, freePort, nodeConfig, TEST_PASSPHRASE } from '../support/signer-nodes.ts';

describe('envelopes between nodes', storeIndependent, () => {
  const ctx = {
    purpose: 'dkg-round2',
    ceremonyId: 'c1c1c1c1',
    keyId: 'k',
    from: 'aa'.repeat(32),
    to: 'bb'.repeat(32),
  };
  const sender = ed25519.utils.randomSecretKey();
  const receiverBox = x25519.utils.randomSecretKey();
  const secret = utf8('a round-2 signing share');
  const env = sealEnvelope(ctx, secret, x25519.getPublicKey(receiverBox), sender);

  test('opens for the receiver with the sender key', () => {
    assert.deepEqual(openEnvelope(ctx, env, ed25519.getPublicKey(sender), receiverBox), secret);
    assert.ok(!env.ct.includes(bytesToHex(secret)), 'ciphertext, not the share');
  });
  test('refuses a tampered ciphertext, another sender key, another context, another receiver', () => {
    const flipped = { ...env, ct: (env.ct[0] === '0' ? '1' : '0') + env.ct.slice(1) };
    assert.throws(
      () => openEnvelope(ctx, flipped, ed25519.getPublicKey(sender), receiverBox),
      hasCode('SIGNER_ENVELOPE_INVALID'),
    );
    const other = ed25519.getPublicKey(ed25519.utils.randomSecretKey());
    assert.throws(() => openEnvelope(ctx, env, other, receiverBox), hasCode('SIGNER_ENVELOPE_INVALID'));
    assert.throws(
      () => openEnvelope({ ...ctx, ceremonyId: 'c2c2c2c2' }, env, ed25519.getPublicKey(sender), receiverBox),
      hasCode('SIGNER_ENVELOPE_INVALID'),
    );
    assert.throws(
      () => openEnvelope(ctx, env, ed25519.getPublicKey(sender), x25519.utils.randomSecretKey()),
      hasCode('SIGNER_ENVELOPE_INVALID'),
    );
  });
});

describe('node.yaml validation', storeIndependent, () => {
  const good = nodeConfig('n1', '/tmp/x', 7000, { keyId: 'c', publicKey: 'ab'.repeat(32) });
  test('a valid configuration parses with defaults', () => {
    const c = parseNodeConfig(good);
    assert.equal(c.maxRequestAgeSeconds, 300);
    assert.equal(c.keystore.kind, 'passphrase');
  });
  test('each bad value is named', () => {
    const bad = (v: unknown, path: RegExp) =>
      assert.throws(
        () => parseNodeConfig(v),
        (e: unknown) => (e as { code: string }).code === 'CONFIG_INVALID' && path.test((e as Error).message),
      );
    bad({ ...good, coordinators: [] }, /coordinators: at least one coordinator/);
    bad({ ...good, listen: { port: 70000 } }, /listen\.port/);
    bad({ ...good, coordinators: [{ keyId: 'c', publicKey: 'xyz' }] }, /coordinators\.0\.publicKey/);
    bad({ ...good, keystore: { kind: 'file' } }, /keystore/);
    bad({ ...good, keystore: { kind: 'passphrase', scryptLog2N: 10 } }, /keystore\.scryptLog2N/);
    bad({ ...good, id: 'Node One' }, /id:/);
    bad({ ...good, extra: 1 }, /extra|Unrecognized/i);
  });
  test('rampart signer check-config names the bad value and exits 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rampart-node-yaml-'));
    try {
      const file = join(dir, 'node.yaml');
      writeFileSync(
        file,
        'id: n1\nlisten: { port: 7101 }\ndataDir: ./n1\ncoordinators: []\nkeystore: { kind: passphrase }\n',
      );
      const r = rampart(['--json', 'signer', 'check-config', '--config', file]);
      assert.equal(r.code, 2, r.stderr);
      const out = JSON.parse(r.stdout) as { error: { code: string; message: string } };
      assert.equal(out.error.code, 'CONFIG_INVALID');
      assert.match(out.error.message, /coordinators: at least one coordinator key is needed/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a node over HTTP', { ...storeIndependent, timeout: 120_000 }, () => {
  let dir = '';
  let nodes: RunningNode[] = [];
  let key: CoordinatorKey;
  let store: Store;
  let ledger: Ledger;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-node-http-'));
    const coordDir = join(dir, 'coordinator');
    const coordinator = coordinatorKeyIn(coordDir);
    key = loadCoordinatorKey(coordDir);
    nodes = await Promise.all(
      ['h1', 'h2'].map(async (id) =>
        startSignerNode(parseNodeConfig(nodeConfig(id, join(dir, id), await freePort(), coordinator)), {
          env: { RAMPART_SIGNER_PASSPHRASE: TEST_PASSPHRASE },
        }),
      ),
    );
    store = await openStore({ dataDir: coordDir });
    ledger = testLedger(store).ledger;
  });
  after(async () => {
    await Promise.all(nodes.map((n) => n.close()));
    await ledger?.stop();
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function send(
    method: string,
    path: string,
    body: string | undefined,
    headers: Record<string, string>,
  ) {
    const res = await fetch(`${nodes[0]!.url}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    return { status: res.status, json: (await res.json()) as { error?: { code: string } } };
  }
  function signed(path: string, body: string, privateKey = key.privateKey, keyId = key.keyId) {
    const headers = { 'content-type': 'application/json' };
    return {
      ...headers,
      ...signRequest(
        { method: 'POST', url: `${nodes[0]!.url}${path}`, headers, body },
        { keyId, privateKey, created: new Date() },
      ),
    };
  }

  test('unsigned, unknown-key, replayed and altered requests are refused with their codes', async () => {
    const body = JSON.stringify({ keyId: 'nokey', sessionId: 'session-1' });
    const r1 = await send('POST', '/v1/sign/commit', body, { 'content-type': 'application/json' });
    assert.equal(r1.status, 401);
    assert.equal(r1.json.error?.code, 'SIGNATURE_MISSING');

    const stranger = ed25519.utils.randomSecretKey();
    const r2 = await send(
      'POST',
      '/v1/sign/commit',
      body,
      signed('/v1/sign/commit', body, stranger, 'someone'),
    );
    assert.equal(r2.json.error?.code, 'SIGNATURE_UNKNOWN_KEY');

    const h = signed('/v1/sign/commit', body);
    const r3 = await send('POST', '/v1/sign/commit', body, h);
    assert.equal(
      r3.json.error?.code,
      'SIGNER_KEY_UNKNOWN',
      'authenticated, then refused for the unknown key',
    );
    const r4 = await send('POST', '/v1/sign/commit', body, h);
    assert.equal(r4.json.error?.code, 'SIGNATURE_REPLAYED');

    const h2 = signed('/v1/sign/commit', body);
    const r5 = await send('POST', '/v1/sign/commit', body.replace('session-1', 'session-2'), h2);
    assert.equal(r5.json.error?.code, 'CONTENT_DIGEST_MISMATCH');

    const bad = JSON.stringify({ keyId: 'nokey', sessionId: 'x' });
    const r6 = await send('POST', '/v1/sign/commit', bad, signed('/v1/sign/commit', bad));
    assert.equal(r6.status, 400);
    assert.equal(r6.json.error?.code, 'SIGNER_BODY_INVALID');

    const r7 = await send('POST', '/v1/sign/commit', 'x', { 'content-type': 'text/plain' });
    assert.equal(r7.status, 415);
    assert.equal(r7.json.error?.code, 'SIGNER_BAD_REQUEST');
  });

  test('responses are signed by the node; a tampered or foreign response is refused', async () => {
    const id = await new NodeClient(nodes[0]!.url, key, nodes[0]!.signingPublic).identity();
    assert.equal(id.signingPublic, nodes[0]!.signingPublic);
    // The same node answering, checked against another node's key: refused.
    await assert.rejects(
      new NodeClient(nodes[0]!.url, key, nodes[1]!.signingPublic).identity(),
      hasCode('SIGNER_RESPONSE_UNVERIFIED'),
    );

    const url = `${nodes[0]!.url}/v1/identity`;
    const sig = signRequest(
      { method: 'GET', url, headers: {}, body: '' },
      { keyId: key.keyId, privateKey: key.privateKey, created: new Date() },
    );
    const res = await fetch(url, { headers: sig as unknown as Record<string, string> });
    const text = await res.text();
    const view = {
      method: 'GET',
      url,
      fields: Object.entries(sig).map(([name, value]) => ({ name, value: value as string })),
    };
    const pub = Uint8Array.from(Buffer.from(nodes[0]!.signingPublic, 'hex'));
    await verifyResponse(view, { status: res.status, headers: res.headers, body: text }, pub);
    await assert.rejects(
      verifyResponse(view, { status: res.status, headers: res.headers, body: text.replace('h1', 'h9') }, pub),
      hasCode('SIGNER_RESPONSE_UNVERIFIED'),
    );
    await assert.rejects(
      verifyResponse(view, { status: 500, headers: res.headers, body: text }, pub),
      hasCode('SIGNER_RESPONSE_UNVERIFIED'),
    );
    // Bound to our request: the same answer does not verify for another request.
    const other = signRequest(
      { method: 'GET', url, headers: {}, body: '' },
      { keyId: key.keyId, privateKey: key.privateKey, created: new Date() },
    );
    const otherView = {
      ...view,
      fields: Object.entries(other).map(([name, value]) => ({ name, value: value as string })),
    };
    await assert.rejects(
      verifyResponse(otherView, { status: res.status, headers: res.headers, body: text }, pub),
      hasCode('SIGNER_RESPONSE_UNVERIFIED'),
    );
  });

  test('a share never reaches the disk in clear', async () => {
    await runDkg(
      { ledger, key, actor: 'cli:test' },
      { suite: 'ed25519', threshold: 2, nodeUrls: nodes.map((n) => n.url), keyId: 'k' },
    );
    const home = join(dir, 'h1');
    const db = await openNodeDb(home);
    const ks = new PassphraseKeyStore({ passphrase: TEST_PASSPHRASE, scrypt: { log2N: 15, r: 8, p: 1 } });
    let share = new Uint8Array();
    try {
      await new ShareVault(db, ks).withKey('k', (k) => {
        share = Uint8Array.from(k.secret.signingShare);
      });
    } finally {
      await db.close();
      await ks.close();
    }
    assert.equal(share.length, 32);
    const hex = bytesToHex(share);
    for (const f of readdirSync(home)) {
      const bytes = readFileSync(join(home, f));
      assert.equal(Buffer.from(bytes).indexOf(Buffer.from(share)), -1, `${f} holds the share`);
      assert.ok(!bytes.toString('latin1').includes(hex), `${f} holds the share in hex`);
    }
  });

  test('a node with pinned peers refuses a ceremony with a stranger', async () => {
    const coordDir = join(dir, 'coordinator');
    const coordinator = coordinatorKeyIn(coordDir);
    const pinned = await startSignerNode(
      parseNodeConfig({
        ...nodeConfig('p1', join(dir, 'p1'), await freePort(), coordinator),
        peers: [{ id: 'h1', publicKey: nodes[0]!.signingPublic }],
      }),
      { env: { RAMPART_SIGNER_PASSPHRASE: TEST_PASSPHRASE } },
    );
    try {
      await assert.rejects(
        runDkg(
          { ledger, key, actor: 'cli:test' },
          { suite: 'ed25519', threshold: 2, nodeUrls: [pinned.url, nodes[1]!.url], keyId: 'pinned' },
        ),
        hasCode('SIGNER_PEER_NOT_PINNED'),
      );
    } finally {
      await pinned.close();
    }
  });
});
