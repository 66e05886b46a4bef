// A multi-chunk streaming build checked node by node: every stored parent is recomputed with
// @noble/hashes from its two children (§3.3), the padding rule holds (§5.1), sums are exact, and
// users' proofs from the level files verify.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  buildTree,
  HASH_BYTES,
  nodeInput,
  readU128,
  type StoredMeta,
  StoredTree,
  verifyProof,
} from '../../src/reserves/index.ts';
import { storeIndependent } from '../support/passes.ts';

const tmp = mkdtempSync(join(tmpdir(), 'rampart-reserves-tree-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const ASSETS = ['BTC', 'ETH', 'USDT', 'USDC'];
const USERS = 140_000; // three chunks of 2^16, the last partial: height 18
const bal = (i: number) => [
  BigInt(i % 1000),
  BigInt(i) * 1_000_000_000_007n,
  BigInt(i % 3),
  79228162514264337593543950335n - BigInt(i),
];

describe('reserves build: a tree of three chunks, checked node by node', storeIndependent, () => {
  let meta: StoredMeta;
  let dir: string;
  before(async () => {
    const rows = ['user,BTC,ETH,USDT,USDC'];
    for (let i = 0; i < USERS; i++) rows.push(`user-${i},${bal(i).join(',')}`);
    const file = join(tmp, 's.csv');
    writeFileSync(file, `${rows.join('\n')}\n`);
    const r = await buildTree({
      snapshot: file,
      assets: ASSETS,
      dir: tmp,
      buildId: 'b1',
      snapshotTime: '2026-11-25T00:00:00.000Z',
    });
    meta = r.meta;
    dir = r.dir;
  });

  test('height, user count and exact per-asset totals (sums above 2^96 and 2^113)', () => {
    assert.equal(meta.height, 18);
    assert.equal(meta.users, USERS);
    for (let k = 0; k < 4; k++) {
      let s = 0n;
      for (let i = 0; i < USERS; i++) s += bal(i)[k]!;
      assert.equal(meta.root.totals[k], s.toString());
    }
  });

  test('every parent is SHA-256(0x01 || left || right) of its children and holds their exact sums; odd levels are padded once', () => {
    const R = meta.recordBytes;
    let count = USERS;
    for (let l = 0; l < meta.height; l++) {
      const cur = readFileSync(join(dir, `level-${l}.bin`));
      const next = readFileSync(join(dir, `level-${l + 1}.bin`));
      const present = count + (count % 2);
      assert.equal(cur.length, present * R, `level ${l} holds ${present} nodes`);
      if (count % 2 === 1) {
        // the padding node: zero sums
        for (let k = 0; k < 4; k++) assert.equal(readU128(cur, count * R + HASH_BYTES + 16 * k), 0n);
      }
      const parents = present / 2;
      for (let i = 0; i < parents; i++) {
        const left = cur.subarray(2 * i * R, (2 * i + 1) * R);
        const right = cur.subarray((2 * i + 1) * R, (2 * i + 2) * R);
        const parent = next.subarray(i * R, (i + 1) * R);
        assert.deepEqual(
          Buffer.from(sha256(nodeInput(left, right))),
          parent.subarray(0, HASH_BYTES),
          `node ${l + 1}/${i}`,
        );
        for (let k = 0; k < 4; k++) {
          const o = HASH_BYTES + 16 * k;
          assert.equal(readU128(parent, o), readU128(left, o) + readU128(right, o));
        }
      }
      count = parents;
    }
    assert.equal(count, 1);
    assert.equal(
      readFileSync(join(dir, `level-${meta.height}.bin`))
        .subarray(0, HASH_BYTES)
        .toString('hex'),
      meta.root.hash,
    );
  });

  test('proofs from the stored tree verify against the root, across all chunks; strangers have none', () => {
    const t = StoredTree.open(dir);
    try {
      for (const i of [0, 1, 65_535, 65_536, 100_000, 131_071, 131_072, USERS - 1]) {
        const p = t.proof(`user-${i}`)!;
        assert.ok(p, `user-${i}`);
        assert.deepEqual(p.leaf.balances, bal(i).map(String));
        const r = verifyProof(p, meta.root.hash);
        assert.ok(r.ok, JSON.stringify(r));
      }
      assert.equal(t.proof(`user-${USERS}`), undefined);
    } finally {
      t.close();
    }
  });

  test('the private files are readable by the owner only', () => {
    for (const f of ['secret.key', 'index.bin', 'level-0.bin', 'meta.json'])
      assert.equal(statSync(join(dir, f)).mode & 0o077, 0, f);
  });
});
