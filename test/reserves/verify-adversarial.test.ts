// The user-side verifier against honest and tampered proofs: each tamper is refused by its own check
// (docs/proof-of-reserves.md §8). Trees are built with node:crypto; the verifier hashes with noble.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import {
  buildMemoryTree,
  type InclusionProof,
  MAX_BALANCE,
  nodeInput,
  PROOF_CODES,
  type RootStatement,
  verifyProof,
} from '../../src/reserves/index.ts';
import { storeIndependent } from '../support/passes.ts';

const ASSETS = ['BTC', 'ETH', 'USDT', 'USDC'];
const nodeSha = (d: Uint8Array) => new Uint8Array(createHash('sha256').update(d).digest());

function tree(users = 13, minHeight?: number) {
  const rows = Array.from({ length: users }, (_, i) => ({
    user: `user-${i}`,
    balances: [BigInt(i * 1000 + 7), BigInt(i) * 10n ** 18n, 5n * BigInt(i % 3), MAX_BALANCE - BigInt(i)],
  }));
  const t = buildMemoryTree(rows, {
    buildId: `b-${randomBytes(4).toString('hex')}`,
    snapshotTime: '2026-11-25T00:00:00.000Z',
    assets: ASSETS,
    hash: nodeSha,
    random: (n) => new Uint8Array(randomBytes(n)),
    ...(minHeight === undefined ? {} : { minHeight }),
  });
  return { t, rows };
}

function statement(t: ReturnType<typeof tree>['t']): RootStatement {
  return {
    version: 1,
    buildId: t.meta.buildId,
    snapshotTime: t.meta.snapshotTime,
    assets: t.meta.assets,
    height: t.meta.height,
    userCountBound: (2n ** BigInt(t.meta.height)).toString(),
    root: t.meta.root,
  };
}

const copy = (p: InclusionProof): InclusionProof => structuredClone(p);

function refused(r: ReturnType<typeof verifyProof>, code: string) {
  assert.equal(r.ok, false, `expected ${code}, but the proof verified`);
  if (!r.ok) assert.equal(r.code, code, r.message);
}

describe('reserves verifier: honest proofs', storeIndependent, () => {
  test('every user of a padded tree verifies, alone and against the statement and the hash', () => {
    const { t, rows } = tree(13);
    assert.equal(t.meta.height, 4);
    for (const row of rows) {
      const p = t.proof(row.user)!;
      const alone = verifyProof(p);
      assert.ok(alone.ok, JSON.stringify(alone));
      assert.equal(alone.againstPublishedRoot, false);
      assert.deepEqual(
        alone.balances,
        Object.fromEntries(ASSETS.map((a, k) => [a, row.balances[k]!.toString()])),
      );
      const pub = verifyProof(p, statement(t));
      assert.ok(pub.ok && pub.againstPublishedRoot);
      assert.ok(verifyProof(p, t.meta.root.hash.toUpperCase()).ok);
    }
    for (let k = 0; k < ASSETS.length; k++)
      assert.equal(t.meta.root.totals[k], rows.reduce((s, r) => s + r.balances[k]!, 0n).toString());
  });

  test('one user, and a minimum height that hides the count', () => {
    const one = tree(1);
    assert.equal(one.t.meta.height, 1);
    assert.ok(verifyProof(one.t.proof('user-0')).ok);
    const high = tree(3, 10);
    assert.equal(high.t.meta.height, 10);
    for (const u of ['user-0', 'user-1', 'user-2']) assert.ok(verifyProof(high.t.proof(u)).ok);
  });

  test('node:crypto and @noble/hashes hash every encoding identically', () => {
    for (let len = 0; len < 400; len += 7) {
      const d = new Uint8Array(randomBytes(len));
      assert.deepEqual(nobleSha256(d), nodeSha(d));
    }
    const a = new Uint8Array(randomBytes(96));
    const b = new Uint8Array(randomBytes(96));
    assert.deepEqual(nobleSha256(nodeInput(a, b)), nodeSha(nodeInput(a, b)));
  });

  test('the verifier imports nothing Node-only (it runs in the standalone page)', () => {
    const dirs = ['../../src/reserves/verify/', '../../src/reserves/tree/encoding.ts'];
    const files = [
      ...readdirSync(new URL(dirs[0]!, import.meta.url)).map((f) => new URL(dirs[0]! + f, import.meta.url)),
      new URL(dirs[1]!, import.meta.url),
    ];
    for (const f of files) {
      const src = readFileSync(f, 'utf8');
      assert.doesNotMatch(src, /from 'node:|require\(|process\.|Buffer\./, f.pathname);
    }
  });
});

describe('reserves verifier: each tamper refused for its own reason', storeIndependent, () => {
  const { t } = tree(13);
  const other = tree(13).t;
  // A user whose sibling at height 1 holds real balances (not the padding node) for the sum tamper.
  const honest = Array.from({ length: 13 }, (_, i) => t.proof(`user-${i}`)!).find(
    (p) => BigInt(p.path[1]!.sums[0]!) >= 3n,
  )!;

  test('a changed balance: the path no longer adds up to the root totals', () => {
    const p = copy(honest);
    p.leaf.balances[0] = (BigInt(p.leaf.balances[0]!) + 1n).toString();
    refused(verifyProof(p), PROOF_CODES.totals);
  });

  test('a changed sibling hash: the root hash differs', () => {
    const p = copy(honest);
    const h = p.path[2]!.hash;
    p.path[2]!.hash = (h[0] === '0' ? '1' : '0') + h.slice(1);
    refused(verifyProof(p), PROOF_CODES.rootHash);
  });

  test('a sibling sum changed while every total is kept: caught only because each child’s sums are hashed', () => {
    // Move d of BTC from the sibling at height 1 to the sibling at height 0: every per-asset total
    // is unchanged, so only the hash binding of each child's sums (Chalkias et al. 2020) catches it.
    const p = copy(honest);
    const d = 3n;
    assert.ok(BigInt(p.path[1]!.sums[0]!) >= d);
    p.path[0]!.sums[0] = (BigInt(p.path[0]!.sums[0]!) + d).toString();
    p.path[1]!.sums[0] = (BigInt(p.path[1]!.sums[0]!) - d).toString();
    const r = verifyProof(p);
    refused(r, PROOF_CODES.rootHash);
    // and within one node, across assets (a scheme hashing only the total over assets misses this)
    const q = copy(honest);
    q.path[1]!.sums[0] = (BigInt(q.path[1]!.sums[0]!) - d).toString();
    q.path[1]!.sums[2] = (BigInt(q.path[1]!.sums[2]!) + d).toString();
    q.root.totals[0] = (BigInt(q.root.totals[0]!) - d).toString();
    q.root.totals[2] = (BigInt(q.root.totals[2]!) + d).toString();
    refused(verifyProof(q), PROOF_CODES.rootHash);
  });

  test('a negative value', () => {
    const p = copy(honest);
    p.leaf.balances[1] = '-5';
    refused(verifyProof(p), PROOF_CODES.negative);
    const q = copy(honest);
    q.path[3]!.sums[2] = '-1';
    refused(verifyProof(q), PROOF_CODES.negative);
  });

  test('an out-of-range value: a balance of 2^96, a sibling above what its height can hold', () => {
    const p = copy(honest);
    p.leaf.balances[0] = (MAX_BALANCE + 1n).toString();
    refused(verifyProof(p), PROOF_CODES.outOfRange);
    const q = copy(honest);
    // The sibling at height 1 covers two leaves: at most 2·(2^96−1).
    q.path[1]!.sums[0] = ((MAX_BALANCE << 1n) + 1n).toString();
    refused(verifyProof(q), PROOF_CODES.outOfRange);
    const r = copy(honest);
    r.root.totals[3] = (1n << 200n).toString();
    refused(verifyProof(r), PROOF_CODES.outOfRange);
  });

  test('a proof for another root', () => {
    refused(verifyProof(honest, statement(other)), PROOF_CODES.otherRoot);
    refused(verifyProof(honest, other.meta.root.hash), PROOF_CODES.otherRoot);
    // same hash, other totals in the statement
    const s = statement(t);
    s.root = { hash: s.root.hash, totals: s.root.totals.map((x) => (BigInt(x) + 1n).toString()) };
    refused(verifyProof(honest, s), PROOF_CODES.otherRoot);
  });

  test('a path of the wrong length', () => {
    const short = copy(honest);
    short.path.pop();
    refused(verifyProof(short), PROOF_CODES.pathLength);
    const long = copy(honest);
    long.path.push({ hash: '00'.repeat(32), sums: ['0', '0', '0', '0'] });
    refused(verifyProof(long), PROOF_CODES.pathLength);
  });

  test('a leaf with another salt, and another user’s leaf handed to this user', () => {
    const p = copy(honest);
    p.leaf.salt = randomBytes(32).toString('hex');
    refused(verifyProof(p), PROOF_CODES.commitment);
    const q = copy(honest);
    q.leaf.user = 'user-6';
    refused(verifyProof(q), PROOF_CODES.commitment);
  });

  test('a flipped position: the path is hashed in the wrong order', () => {
    const p = copy(honest);
    p.leaf.position ^= 1;
    refused(verifyProof(p), PROOF_CODES.rootHash);
  });

  test('malformed proofs name the field', () => {
    refused(verifyProof(null), PROOF_CODES.malformed);
    refused(verifyProof({ ...copy(honest), version: 2 }), PROOF_CODES.version);
    const f = copy(honest) as unknown as { leaf: { balances: unknown[] } };
    f.leaf.balances[0] = '1.5';
    const r = verifyProof(f);
    refused(r, PROOF_CODES.malformed);
    assert.ok(!r.ok && r.details?.field === 'leaf.balances[0]');
    const n = copy(honest) as unknown as { leaf: { balances: unknown[] } };
    n.leaf.balances[0] = 5;
    refused(verifyProof(n), PROOF_CODES.malformed);
    const z = copy(honest);
    z.leaf.balances[0] = '007';
    refused(verifyProof(z), PROOF_CODES.malformed);
    const pos = copy(honest);
    pos.leaf.position = 2 ** pos.height;
    refused(verifyProof(pos), PROOF_CODES.malformed);
    refused(verifyProof(honest, 'not-hex'), PROOF_CODES.malformed);
  });
});
