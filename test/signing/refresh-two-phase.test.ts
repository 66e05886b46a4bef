// A refresh moves every node or none (coordinator/refresh.ts, node/refresh.ts). Three in-process
// signer nodes, one behind a loopback proxy that can fail the requests to one endpoint (a node that
// drops out at that moment): failing at `finish` leaves every node on its old share, still signing;
// failing at `commit` leaves that node's new share staged, durably across a restart, until
// `finishRefresh` commits it — and the others sign meanwhile. A repair finishes such a refresh
// first, never takes a node still on the old generation as a helper, and may repair that node itself.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { hexToBytes, utf8 } from '../../src/core/index.ts';
import type { Ledger } from '../../src/ledger/index.ts';
import {
  type CoordinatorContext,
  finishRefresh,
  getKey,
  listCeremonies,
  loadCoordinatorKey,
  NodeClient,
  runDkg,
  runRefresh,
  runRepair,
  runSign,
  standardVerify,
} from '../../src/signing/coordinator/index.ts';
import { getSuite } from '../../src/signing/frost/index.ts';
import { parseNodeConfig, type RunningNode, startSignerNode } from '../../src/signing/node/index.ts';
import type { Store } from '../../src/store/index.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { hasCode } from '../support/errors.ts';
import { testLedger } from '../support/ledger.ts';
import {
  approvedMessage,
  type CoordinatorKeyInfo,
  coordinatorKeyIn,
  freePort,
  nodeConfig,
  provisionNode,
  TEST_PASSPHRASE,
} from '../support/signer-nodes.ts';

/** Forwards to `target` unchanged (Host included, so signatures hold), or answers 503 for `failing`. */
function flakyProxy(target: string): { url: Promise<string>; failing: Set<string>; server: Server } {
  const failing = new Set<string>();
  const to = new URL(target);
  const server = createServer((req, res) => {
    if (failing.has(req.url ?? '')) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('the node dropped out');
      req.resume();
      return;
    }
    const out = request(
      { host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    out.on('error', () => res.writeHead(502).end());
    req.pipe(out);
  });
  const url = new Promise<string>((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      resolve(`http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`);
    }),
  );
  return { url, failing, server };
}

describe('two-phase refresh', { timeout: 300_000 }, () => {
  let dir = '';
  let db: TestDb;
  let store: Store;
  let ledger: Ledger;
  let ctx: CoordinatorContext;
  let coordinator: CoordinatorKeyInfo;
  const nodes: RunningNode[] = [];
  const ports: number[] = [];
  let proxy: ReturnType<typeof flakyProxy>;
  let urls: string[] = [];

  const startNode = async (i: number) => {
    const id = `n${i + 1}`;
    return startSignerNode(parseNodeConfig(nodeConfig(id, join(dir, id), ports[i]!, coordinator)), {
      env: { RAMPART_SIGNER_PASSPHRASE: TEST_PASSPHRASE },
    });
  };
  /** A node's generation and staged refresh, as it reports them. */
  const held = async (i: number) => {
    const key = await getKey(store.db, 'k2');
    const node = key.nodes.find((n) => n.url === urls[i])!;
    const r = await new NodeClient(urls[i]!, ctx.key, node.signingPublic).get<{
      generation: number;
      staged: { generation: number } | null;
    }>('/v1/keys/k2');
    return { generation: r.generation, staged: r.staged?.generation ?? null };
  };
  const signs = async (requestId: string) => {
    const msg = utf8(`settle ${requestId}`);
    const key = await getKey(store.db, 'k2');
    const s = await runSign(ctx, { keyId: 'k2', message: msg, request: approvedMessage(requestId, msg) });
    assert.ok(
      standardVerify(getSuite('ed25519'), hexToBytes(s.signature), msg, hexToBytes(key.groupPublicKey)),
    );
    return s.signers.map((x) => x.nodeId);
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-refresh-2pc-'));
    db = await createTestDb();
    store = await db.open();
    ({ ledger } = testLedger(store));
    const coordDir = join(dir, 'coordinator');
    coordinator = coordinatorKeyIn(coordDir);
    for (let i = 0; i < 3; i++) {
      ports.push(await freePort());
      nodes.push(await startNode(i));
      await provisionNode(join(dir, `n${i + 1}`));
    }
    proxy = flakyProxy(nodes[0]!.url);
    urls = [await proxy.url, nodes[1]!.url, nodes[2]!.url];
    ctx = { ledger, key: loadCoordinatorKey(coordDir), actor: 'cli:test', timeoutMs: 20_000 };
    await runDkg(ctx, { suite: 'ed25519', threshold: 2, nodeUrls: urls, keyId: 'k2' });
  });
  after(async () => {
    await Promise.all(nodes.map((n) => n.close()));
    proxy?.server.close();
    await ledger?.stop();
    await store?.close();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('a node dropping out at finish: nobody moves, nothing stays staged, the key still signs', async () => {
    proxy.failing.add('/v1/refresh/finish');
    await assert.rejects(runRefresh(ctx, 'k2'));
    proxy.failing.clear();
    for (let i = 0; i < 3; i++)
      assert.deepEqual(await held(i), { generation: 1, staged: null }, `node ${i + 1}`);
    assert.equal((await getKey(store.db, 'k2')).generation, 1);
    const refreshes = (await listCeremonies(store.db, 'k2')).filter((c) => c.kind === 'refresh');
    assert.deepEqual(
      refreshes.map((c) => c.status),
      ['failed'],
    );
    assert.deepEqual(await signs('req-2pc-1'), ['n1', 'n2']);
  });

  test('a node dropping out at commit: it keeps the new share staged, across a restart, until finished', async () => {
    proxy.failing.add('/v1/refresh/commit');
    await assert.rejects(runRefresh(ctx, 'k2'), (e: unknown) => {
      hasCode('SIGNING_REFRESH_UNCOMMITTED')(e);
      assert.deepEqual(
        (e as { details: { behind: Array<{ node: string }> } }).details.behind.map((b) => b.node),
        ['n1'],
      );
      return true;
    });
    // The decision stands: the registry and two nodes are at generation 2, n1 holds it staged.
    assert.equal((await getKey(store.db, 'k2')).generation, 2);
    assert.deepEqual(await held(0), { generation: 1, staged: 2 });
    assert.deepEqual(await held(1), { generation: 2, staged: null });
    assert.deepEqual(await held(2), { generation: 2, staged: null });
    const uncommitted = (await ledger.entries(0, 1000)).filter(
      (e) => e.action === 'signing.refresh.uncommitted',
    );
    assert.equal(uncommitted.length, 1);
    // Meanwhile the two nodes that switched sign; n1's old share no longer fits and is routed around.
    assert.deepEqual(await signs('req-2pc-2'), ['n2', 'n3']);

    // n1 restarts: the staged share is on disk, not in memory.
    await nodes[0]!.close();
    nodes[0] = await startNode(0);
    assert.deepEqual(await held(0), { generation: 1, staged: 2 });

    // Still unreachable for commits: finishing says so again, naming it.
    await assert.rejects(finishRefresh(ctx, 'k2'), hasCode('SIGNING_REFRESH_UNCOMMITTED'));
    proxy.failing.clear();
    // The next signature finishes the refresh first, and n1's committed share is the right one.
    assert.deepEqual(await signs('req-2pc-3'), ['n1', 'n2']);
    for (let i = 0; i < 3; i++)
      assert.deepEqual(await held(i), { generation: 2, staged: null }, `node ${i + 1}`);
    const committed = async () =>
      (await ledger.entries(0, 1000)).filter((e) => e.action === 'signing.refresh.committed').length;
    assert.equal(await committed(), 1);
    // Nothing left to do: the ledger says so, and no node is asked (no second entry).
    await finishRefresh(ctx, 'k2');
    assert.equal(await committed(), 1);
  });

  test('a commit names the ceremony and generation it finishes; anything else is refused', async () => {
    const key = await getKey(store.db, 'k2');
    const client = new NodeClient(urls[1]!, ctx.key, key.nodes[1]!.signingPublic);
    await assert.rejects(
      client.post('/v1/refresh/commit', { ceremonyId: 'c-unknown-0001', keyId: 'k2', generation: 3 }),
      hasCode('SIGNER_REFRESH_NOT_STAGED'),
    );
    assert.deepEqual(
      await client.post('/v1/refresh/commit', { ceremonyId: 'c-unknown-0001', keyId: 'k2', generation: 2 }),
      { keyId: 'k2', generation: 2, outcome: 'already' },
    );
    // A new refresh starts from a whole key and moves everyone.
    const r = await runRefresh(ctx, 'k2');
    assert.equal(r.generation, 3);
    for (let i = 0; i < 3; i++)
      assert.deepEqual(await held(i), { generation: 3, staged: null }, `node ${i + 1}`);
  });

  test('a repair finishes a decided refresh first, and never takes a helper on the old generation', async () => {
    const repairs = async () =>
      (await listCeremonies(store.db, 'k2')).filter((c) => c.kind === 'repair').map((c) => c.status);
    // n1 misses the commit of generation 4 and still cannot be committed: it holds generation 3.
    proxy.failing.add('/v1/refresh/commit');
    await assert.rejects(runRefresh(ctx, 'k2'), hasCode('SIGNING_REFRESH_UNCOMMITTED'));
    assert.deepEqual(await held(0), { generation: 3, staged: 4 });
    // Repairing n3 needs two helpers at generation 4; only n2 is. Refused before any ceremony
    // starts, naming n1 as behind (its old share would rebuild a share of the old polynomial).
    await assert.rejects(runRepair(ctx, { keyId: 'k2', node: 'n3' }), (e: unknown) => {
      hasCode('SIGNING_TOO_FEW_HELPERS')(e);
      const details = (e as { details: { behind: unknown; unreachable: unknown } }).details;
      assert.deepEqual(details.behind, [{ node: 'n1', generation: 3 }]);
      assert.deepEqual(details.unreachable, []);
      assert.match((e as Error).message, /n1 holds generation 3/);
      return true;
    });
    assert.deepEqual(await repairs(), []);
    // n1 itself can be repaired from the two that switched: it gets the generation-4 share (what the
    // commit would have given it) and its staged one is dropped.
    await runRepair(ctx, { keyId: 'k2', node: 'n1' });
    assert.deepEqual(await held(0), { generation: 4, staged: null });
    proxy.failing.clear();
    assert.deepEqual(await signs('req-2pc-4'), ['n1', 'n2']);

    // Again a refresh n1 misses the commit of; this time it is reachable when the repair runs.
    proxy.failing.add('/v1/refresh/commit');
    await assert.rejects(runRefresh(ctx, 'k2'), hasCode('SIGNING_REFRESH_UNCOMMITTED'));
    proxy.failing.clear();
    assert.deepEqual(await held(0), { generation: 4, staged: 5 });
    // The repair of n3 commits n1 first, then takes it as a helper.
    const repaired = await runRepair(ctx, { keyId: 'k2', node: 'n3' });
    assert.equal(repaired.generation, 5);
    for (let i = 0; i < 3; i++)
      assert.deepEqual(await held(i), { generation: 5, staged: null }, `node ${i + 1}`);
    assert.deepEqual(await repairs(), ['completed', 'completed']);
    // n3's rebuilt share signs with n2, with n1 left out (n1 answering 503 to commitments).
    proxy.failing.add('/v1/sign/commit');
    try {
      assert.deepEqual(await signs('req-2pc-5'), ['n2', 'n3']);
    } finally {
      proxy.failing.clear();
    }
  });
});
