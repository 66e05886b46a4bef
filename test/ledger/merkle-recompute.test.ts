/** TreeBuilder: streaming recomputation equals MemoryTree's stored nodes and roots. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bytesToHex, InvalidInputError, utf8 } from '../../src/core/index.ts';
import {
  EMPTY_ROOT,
  leafHash,
  MemoryTree,
  MerkleErrorCode,
  planRoot,
  recomputeHashes,
  recomputeHashesAsync,
  TreeBuilder,
} from '../../src/ledger/merkle/index.ts';

const N = 1100;
const leaves = Array.from({ length: N }, (_, i) => leafHash(utf8(`entry ${i}`)));
const tree = new MemoryTree();
for (const h of leaves) tree.appendLeafHash(h);
const hex = (hs: Uint8Array[]): string[] => hs.map(bytesToHex);

describe('TreeBuilder', () => {
  test('push(i) returns exactly what MemoryTree stored for leaf i, and the root follows', () => {
    const b = new TreeBuilder();
    assert.equal(bytesToHex(b.root()), bytesToHex(EMPTY_ROOT));
    for (let i = 0; i < N; i++) {
      assert.deepEqual(hex(b.push(leaves[i]!)), hex(tree.storedHashes(i)), `leaf ${i}`);
      assert.equal(b.size, i + 1);
      if (i < 200 || i % 97 === 0)
        assert.equal(bytesToHex(b.root()), bytesToHex(tree.root(i + 1)), `root ${i + 1}`);
    }
    assert.equal(bytesToHex(b.root()), bytesToHex(tree.root()));
  });

  test('keeps O(log n) state: the frontier is the root plan nodes', () => {
    const b = new TreeBuilder();
    for (let i = 0; i < N; i++) {
      b.push(leaves[i]!);
      if (i % 50 !== 0) continue;
      const size = i + 1;
      assert.deepEqual(hex(b.frontier()), hex(tree.read(planRoot(size).ids)), `frontier at ${size}`);
    }
  });

  test('resume(size, frontier) continues where another builder stopped', () => {
    for (const stop of [0, 1, 2, 7, 8, 100, 513]) {
      const a = new TreeBuilder();
      for (let i = 0; i < stop; i++) a.push(leaves[i]!);
      const b = TreeBuilder.resume(stop, a.frontier());
      for (let i = stop; i < stop + 40; i++)
        assert.deepEqual(hex(b.push(leaves[i]!)), hex(tree.storedHashes(i)));
      assert.equal(bytesToHex(b.root()), bytesToHex(tree.root(stop + 40)));
    }
  });

  test('recomputeHashes / recomputeHashesAsync stream the same', async () => {
    let i = 0;
    for (const hs of recomputeHashes(leaves)) assert.deepEqual(hex(hs), hex(tree.storedHashes(i++)));
    assert.equal(i, N);
    async function* source(): AsyncGenerator<Uint8Array> {
      yield* leaves.slice(0, 300);
    }
    i = 0;
    for await (const hs of recomputeHashesAsync(source()))
      assert.deepEqual(hex(hs), hex(tree.storedHashes(i++)));
    assert.equal(i, 300);
  });

  test('argument errors', () => {
    const code = (c: string) => (e: unknown) => e instanceof InvalidInputError && e.code === c;
    assert.throws(() => new TreeBuilder().push(new Uint8Array(31)), code(MerkleErrorCode.HASH_SIZE_INVALID));
    assert.throws(() => TreeBuilder.resume(3, [leaves[0]!]), code(MerkleErrorCode.NODE_READ_INVALID));
    assert.throws(() => TreeBuilder.resume(-3, []), code(MerkleErrorCode.PROOF_SIZE_INVALID));
  });
});
