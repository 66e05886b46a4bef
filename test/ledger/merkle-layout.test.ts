/**
 * 53-bit bit helpers against BigInt, the stored-hash layout, and appends: leftSiblingsForAppend /
 * hashesCompletedBy against RFC 6962 MTH of each completed subtree.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bytesToHex, InvalidInputError, sha256, utf8 } from '../../src/core/index.ts';
import {
  bitLength,
  bitLengthXor,
  isPowerOfTwo,
  popcount,
  shiftRight,
  trailingOnes,
  trailingZeros,
} from '../../src/ledger/merkle/bits.ts';
import {
  EMPTY_ROOT,
  HASH_SIZE,
  hashesCompletedBy,
  leafHash,
  leftSiblingsForAppend,
  MemoryTree,
  MerkleErrorCode,
  nodeHash,
  storedHashCount,
  storedHashesPerLeaf,
  storedHashIndex,
  storedLocation,
} from '../../src/ledger/merkle/index.ts';
import { mth } from './merkle-rfc-reference.ts';

const samples = (() => {
  const xs = new Set<number>([0, 1, 2, 3, 5, 255, 256, 2 ** 53 - 1, 2 ** 53 - 2, 2 ** 52, 6_000_000_001]);
  for (let k = 0; k <= 52; k++) for (const d of [-1, 0, 1]) if (2 ** k + d >= 0) xs.add(2 ** k + d);
  let x = 0x2545f491;
  for (let k = 0; k < 300; k++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    xs.add((x * 2 ** (k % 23)) % 2 ** 53);
  }
  return [...xs];
})();

describe('53-bit helpers', () => {
  const big = (x: number): bigint => BigInt(x);
  const len = (x: bigint): number => (x === 0n ? 0 : x.toString(2).length);
  test('agree with BigInt', () => {
    for (const x of samples) {
      assert.equal(bitLength(x), len(big(x)), `bitLength ${x}`);
      assert.equal(popcount(x), [...big(x).toString(2)].filter((c) => c === '1').length, `popcount ${x}`);
      for (let k = 0; k <= 53; k += 7)
        assert.equal(shiftRight(x, k), Number(big(x) >> big(k)), `${x} >> ${k}`);
      if (x > 0) {
        assert.equal(trailingZeros(x), len(big(x) & -big(x)) - 1, `trailingZeros ${x}`);
        assert.equal(isPowerOfTwo(x), (big(x) & (big(x) - 1n)) === 0n, `isPowerOfTwo ${x}`);
      }
      if (x < 2 ** 53 - 1)
        assert.equal(trailingOnes(x), len((big(x) + 1n) & -(big(x) + 1n)) - 1, `trailingOnes ${x}`);
      for (const y of samples.slice(0, 40))
        assert.equal(bitLengthXor(x, y), len(big(x) ^ big(y)), `bitLengthXor ${x} ${y}`);
    }
  });
});

describe('hashing (RFC 6962 §2.1)', () => {
  test('leaf and node prefixes, EMPTY_ROOT', () => {
    assert.equal(HASH_SIZE, 32);
    assert.equal(bytesToHex(EMPTY_ROOT), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    const d = utf8('abc');
    assert.deepEqual(leafHash(d), sha256(new Uint8Array([0, ...d])));
    const a = leafHash(utf8('a'));
    const b = leafHash(utf8('b'));
    assert.deepEqual(nodeHash(a, b), sha256(new Uint8Array([1, ...a, ...b])));
    // Large leaves take the allocating path.
    const big = new Uint8Array(10_000).fill(7);
    assert.deepEqual(leafHash(big), sha256(new Uint8Array([0, ...big])));
    // Results are fresh arrays, not views of a scratch buffer.
    const h1 = leafHash(utf8('x'));
    const copy = h1.slice();
    leafHash(utf8('y'));
    nodeHash(a, b);
    assert.deepEqual(h1, copy);
  });

  test('nodeHash refuses children of the wrong size', () => {
    const a = leafHash(utf8('a'));
    assert.throws(
      () => nodeHash(a, a.subarray(1)),
      (e: unknown) => e instanceof InvalidInputError && e.code === MerkleErrorCode.HASH_SIZE_INVALID,
    );
  });
});

describe('stored-hash layout', () => {
  test('node (L, N) is stored with leaf (N+1)·2^L − 1 at position L', () => {
    assert.deepEqual(storedLocation({ level: 0, index: 5 }), { leafIndex: 5, position: 0 });
    assert.deepEqual(storedLocation({ level: 2, index: 1 }), { leafIndex: 7, position: 2 });
    assert.deepEqual(storedLocation({ level: 3, index: 0 }), { leafIndex: 7, position: 3 });
    assert.deepEqual(storedLocation({ level: 52, index: 0 }), { leafIndex: 2 ** 52 - 1, position: 52 });
  });

  test('invalid node ids are refused', () => {
    const bad = (e: unknown) => e instanceof InvalidInputError && e.code === MerkleErrorCode.NODE_ID_INVALID;
    for (const id of [
      { level: -1, index: 0 },
      { level: 0.5, index: 0 },
      { level: 53, index: 0 },
      { level: 0, index: -1 },
      { level: 0, index: 1.5 },
      { level: 1, index: 2 ** 52 },
    ])
      assert.throws(() => storedLocation(id), bad, JSON.stringify(id));
  });

  test('storedHashCount(n) = Σ stored hashes of leaves < n; storedHashIndex is dense and ordered', () => {
    let total = 0;
    let next = 0;
    for (let i = 0; i < 600; i++) {
      assert.equal(storedHashCount(i), total);
      const t = trailingOnes(i);
      assert.equal(storedHashesPerLeaf(i), 1 + t);
      for (let l = 0; l <= t; l++) {
        const id = { level: l, index: shiftRight(i + 1, l) - 1 };
        assert.equal(storedLocation(id).leafIndex, i);
        assert.equal(storedHashIndex(id), next++);
      }
      total += 1 + t;
    }
  });
});

describe('appending', () => {
  test('leftSiblingsForAppend lists the stored left siblings, lowest first', () => {
    assert.deepEqual(leftSiblingsForAppend(0), []);
    assert.deepEqual(leftSiblingsForAppend(6), []);
    assert.deepEqual(leftSiblingsForAppend(7), [
      { level: 0, index: 6 },
      { level: 1, index: 2 },
      { level: 2, index: 0 },
    ]);
    assert.deepEqual(leftSiblingsForAppend(11), [
      { level: 0, index: 10 },
      { level: 1, index: 4 },
    ]);
    // Every sibling is stored with an earlier leaf.
    for (let i = 0; i < 300; i++)
      for (const id of leftSiblingsForAppend(i)) assert.ok(storedLocation(id).leafIndex < i);
  });

  test('hashesCompletedBy(i) is [leaf hash, MTH of each complete subtree ending at leaf i]', () => {
    const data = Array.from({ length: 130 }, (_, i) => utf8(`e${i}`));
    const tree = new MemoryTree();
    for (let i = 0; i < data.length; i++) {
      const siblings = tree.read(leftSiblingsForAppend(i));
      const got = hashesCompletedBy(i, leafHash(data[i]!), siblings);
      assert.equal(got.length, 1 + trailingOnes(i));
      for (let l = 0; l < got.length; l++) {
        const start = i + 1 - 2 ** l;
        assert.equal(bytesToHex(got[l]!), bytesToHex(mth(data.slice(start, i + 1))), `leaf ${i} level ${l}`);
      }
      tree.append(data[i]!);
      assert.deepEqual(tree.storedHashes(i).map(bytesToHex), got.map(bytesToHex));
    }
  });

  test('argument errors', () => {
    const lh = leafHash(utf8('x'));
    const code = (c: string) => (e: unknown) => e instanceof InvalidInputError && e.code === c;
    assert.throws(() => leftSiblingsForAppend(-1), code(MerkleErrorCode.PROOF_INDEX_OUT_OF_RANGE));
    assert.throws(() => leftSiblingsForAppend(0.5), code(MerkleErrorCode.PROOF_INDEX_OUT_OF_RANGE));
    assert.throws(() => hashesCompletedBy(3, lh, [lh]), code(MerkleErrorCode.SIBLINGS_INVALID));
    assert.throws(() => hashesCompletedBy(0, lh.subarray(2), []), code(MerkleErrorCode.HASH_SIZE_INVALID));
    assert.throws(
      () => hashesCompletedBy(1, lh, [new Uint8Array(31)]),
      code(MerkleErrorCode.HASH_SIZE_INVALID),
    );
  });
});

describe('MemoryTree', () => {
  test('node() refuses nodes that are not complete yet', () => {
    const t = new MemoryTree();
    for (let i = 0; i < 5; i++) t.append(utf8(`${i}`));
    assert.equal(t.size, 5);
    assert.ok(t.node({ level: 2, index: 0 }));
    assert.ok(t.node({ level: 0, index: 4 }));
    assert.throws(
      () => t.node({ level: 1, index: 2 }),
      (e: unknown) => e instanceof InvalidInputError,
    );
    assert.throws(
      () => t.storedHashes(5),
      (e: unknown) => e instanceof InvalidInputError,
    );
  });

  test('grows its buffer and keeps every node', () => {
    const t = new MemoryTree();
    const hashes: Uint8Array[] = [];
    for (let i = 0; i < 5000; i++) {
      const h = leafHash(utf8(`${i}`));
      hashes.push(h);
      assert.equal(t.appendLeafHash(h), i);
    }
    for (let i = 0; i < 5000; i += 37) assert.deepEqual(t.node({ level: 0, index: i }), hashes[i]);
    assert.equal(bytesToHex(t.root()), bytesToHex(mth(Array.from({ length: 5000 }, (_, i) => utf8(`${i}`)))));
  });
});
