// Nonces used once, even across crashes: real node processes killed with SIGKILL at each step of a
// signing session (RFC 9591 §5), by their own crash points (RAMPART_SIGNER_FAULT) or from outside.
import assert from 'node:assert/strict';
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { base64urlnopad } from '@scure/base';
import BetterSqlite3 from 'better-sqlite3';
import { bytesToHex, hexToBytes, utf8 } from '../../src/core/index.ts';
import type { Ledger } from '../../src/ledger/index.ts';
import {
  type CoordinatorContext,
  loadCoordinatorKey,
  NodeClient,
  type RegisteredKey,
  runDkg,
  runSign,
} from '../../src/signing/coordinator/index.ts';
import { decodeBlob } from '../../src/signing/keystore/index.ts';
import type { CommitmentJson } from '../../src/signing/node/index.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { hasCode } from '../support/errors.ts';
import { testLedger } from '../support/ledger.ts';
import { storeIndependent } from '../support/passes.ts';
import {
  approvedMessage,
  coordinatorKeyIn,
  type NodeProcess,
  startNodes,
  stopNodes,
} from '../support/signer-nodes.ts';

interface SessionRow {
  session_id: string;
  commitment: string;
  sealed_nonces: Uint8Array | null;
  status: string;
}

function sessions(node: NodeProcess): SessionRow[] {
  const db = new BetterSqlite3(join(node.dataDir, 'signer.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare('SELECT session_id, commitment, sealed_nonces, status FROM sessions')
      .all() as SessionRow[];
  } finally {
    db.close();
  }
}

function verifies(sig: string, msg: Uint8Array, pub: string): boolean {
  const key = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: base64urlnopad.encode(hexToBytes(pub)) },
    format: 'jwk',
  });
  return nodeVerify(null, msg, key, hexToBytes(sig));
}

describe('one-time nonces across SIGKILL', { ...storeIndependent, timeout: 600_000 }, () => {
  let dir = '';
  let nodes: NodeProcess[] = [];
  let store: Store;
  let ledger: Ledger;
  let ctx: CoordinatorContext;
  let key: RegisteredKey;
  const client = (i: number) => new NodeClient(nodes[i]!.url, ctx.key, nodes[i]!.signingPublic);
  const msg = (n: number) => utf8(`payout batch ${n}`);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-nonces-'));
    const data = join(dir, 'coordinator');
    nodes = await startNodes(3, { dir, coordinator: coordinatorKeyIn(data) });
    store = await openStore({ dataDir: data });
    ledger = testLedger(store).ledger;
    ctx = { ledger, key: loadCoordinatorKey(data), actor: 'cli:test', timeoutMs: 20_000 };
    key = await runDkg(ctx, {
      suite: 'ed25519',
      threshold: 2,
      nodeUrls: nodes.map((n) => n.url),
      keyId: 'hot',
    });
  });
  after(async () => {
    await stopNodes(nodes);
    await ledger?.stop();
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('killed after persisting its nonce, before releasing the commitment: the others sign', async () => {
    const n1 = nodes[0]!;
    await n1.restart({ fault: 'after-nonce-persist' });
    const r = await runSign(ctx, {
      keyId: 'hot',
      message: msg(1),
      request: approvedMessage('req-1', msg(1)),
    });
    assert.ok(verifies(r.signature, msg(1), key.groupPublicKey));
    assert.ok(!r.signers.some((s) => s.nodeId === 'node-1'));
    await n1.exited();
    // The nonce was on disk, sealed, before the commitment could leave the node.
    const rows = sessions(n1);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.status, 'committed');
    assert.ok(rows[0]!.sealed_nonces);
    assert.equal(decodeBlob(new Uint8Array(rows[0]!.sealed_nonces!)).id, rows[0]!.session_id);

    await n1.restart();
    const sessionId = rows[0]!.session_id;
    // The session id is taken: no second commitment for it.
    await assert.rejects(
      client(0).post('/v1/sign/commit', { keyId: 'hot', sessionId }),
      hasCode('SIGNER_SESSION_REUSED'),
    );
    // A commitment list this node's commitment is not in (it never released it) is refused.
    const others = await Promise.all(
      [1, 2].map((i) =>
        client(i).post<{ commitment: CommitmentJson }>('/v1/sign/commit', {
          keyId: 'hot',
          sessionId: `probe-${i}-${Date.now()}`,
        }),
      ),
    );
    const fake = { ...others[0]!.commitment, identifier: JSON.parse(rows[0]!.commitment).identifier };
    await assert.rejects(
      client(0).post('/v1/sign/share', {
        keyId: 'hot',
        sessionId,
        message: bytesToHex(msg(1)),
        commitments: [fake, ...others.map((o) => o.commitment)],
        request: approvedMessage('req-1', msg(1)),
      }),
      hasCode('SIGNER_COMMITMENT_MISMATCH'),
    );
  });

  test('killed after destroying its nonce, before releasing the share: a fresh session completes', async () => {
    const n2 = nodes[1]!;
    await n2.restart({ fault: 'after-nonce-delete' });
    const r = await runSign(ctx, {
      keyId: 'hot',
      message: msg(2),
      request: approvedMessage('req-2', msg(2)),
    });
    assert.ok(verifies(r.signature, msg(2), key.groupPublicKey));
    assert.equal(r.sessions.length, 2, 'the first session lost node-2 in round two');
    assert.ok(r.sessions[0]!.excluded.length === 1);
    assert.ok(!r.signers.some((s) => s.nodeId === 'node-2'));
    await n2.exited();
    const first = r.sessions[0]!.sessionId;
    const row = sessions(n2).find((s) => s.session_id === first)!;
    assert.equal(row.status, 'used');
    assert.equal(row.sealed_nonces, null, 'destroyed on disk before any share left');

    await n2.restart();
    // The same request again (node-2 with the commitments of the others in that session): refused.
    const list = [0, 1, 2].map((i) =>
      JSON.parse(sessions(nodes[i]!).find((s) => s.session_id === first)!.commitment),
    );
    await assert.rejects(
      client(1).post('/v1/sign/share', {
        keyId: 'hot',
        sessionId: first,
        message: bytesToHex(msg(2)),
        commitments: list,
      }),
      hasCode('SIGNER_NONCE_USED'),
    );
  });

  test('killed right after sending its share: the signature completes, the session cannot be replayed', async () => {
    const n1 = nodes[0]!; // the lowest identifier: always among the signers picked
    await n1.restart({ fault: 'after-share-sent' });
    const r = await runSign(ctx, {
      keyId: 'hot',
      message: msg(3),
      request: approvedMessage('req-3', msg(3)),
    });
    assert.ok(verifies(r.signature, msg(3), key.groupPublicKey));
    assert.ok(r.signers.some((s) => s.nodeId === 'node-1'));
    await n1.exited();
    await n1.restart();
    const sid = r.sessions.at(-1)!.sessionId;
    const list = r.signers.map((s) =>
      JSON.parse(
        sessions(nodes[Number(s.nodeId.slice(5)) - 1]!).find((x) => x.session_id === sid)!.commitment,
      ),
    );
    await assert.rejects(
      client(0).post('/v1/sign/share', {
        keyId: 'hot',
        sessionId: sid,
        message: bytesToHex(utf8('another payout')),
        commitments: list,
      }),
      hasCode('SIGNER_NONCE_USED'),
    );
  });

  test('killed from outside between the rounds: the coordinator signs without it; its nonce serves one session once', async () => {
    const n3 = nodes[2]!;
    const sessionId = `orphan-${Date.now()}`;
    const { commitment } = await client(2).post<{ commitment: CommitmentJson }>('/v1/sign/commit', {
      keyId: 'hot',
      sessionId,
    });
    await n3.kill('SIGKILL');
    const r = await runSign(ctx, {
      keyId: 'hot',
      message: msg(4),
      request: approvedMessage('req-4', msg(4)),
    });
    assert.ok(verifies(r.signature, msg(4), key.groupPublicKey));
    await n3.restart();
    // Durable: the sealed nonce survived the crash, bound to its session; once only.
    const others = await Promise.all(
      [0, 1].map((i) =>
        client(i).post<{ commitment: CommitmentJson }>('/v1/sign/commit', { keyId: 'hot', sessionId }),
      ),
    );
    const list = [commitment, ...others.map((o) => o.commitment)];
    const body = {
      keyId: 'hot',
      sessionId,
      message: bytesToHex(msg(5)),
      commitments: list,
      request: approvedMessage('req-5', msg(5)),
    };
    await client(2).post('/v1/sign/share', body);
    await assert.rejects(client(2).post('/v1/sign/share', body), hasCode('SIGNER_NONCE_USED'));
  });

  test('no nonce was ever generated or used twice on any node', async () => {
    const seen = new Set<string>();
    const statuses = new Set<string>();
    for (const n of nodes) {
      for (const row of sessions(n)) {
        const c = JSON.parse(row.commitment) as CommitmentJson;
        assert.ok(!seen.has(c.hiding) && !seen.has(c.binding), 'a commitment repeats');
        seen.add(c.hiding);
        seen.add(c.binding);
        // Used, abandoned (committed but not picked) and expired nonces are gone from disk.
        if (row.status !== 'committed') assert.equal(row.sealed_nonces, null);
        statuses.add(row.status);
      }
    }
    assert.ok(seen.size >= 2 * 8);
    assert.ok(statuses.has('used') && statuses.has('abandoned'), [...statuses].join(','));
  });
});
