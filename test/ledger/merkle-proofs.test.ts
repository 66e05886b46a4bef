/**
 * Property tests: for every tree size 1..70 and every index / size pair, the proofs built from
 * stored nodes equal RFC 6962's recursive definitions, verify, and stop verifying when any bit of
 * any node, the leaf, a root, an index or a size changes.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bytesToHex, InvalidInputError, utf8, VerificationError } from '../../src/core/index.ts';
import {
  assembleConsistency,
  assembleInclusion,
  assembleRoot,
  consistencyProof,
  HASH_SIZE,
  inclusionProof,
  leafHash,
  MemoryTree,
  MerkleErrorCode,
  type NodeId,
  nodeHash,
  planConsistency,
  planInclusion,
  planRoot,
  rootFromInclusionProof,
  treeRoot,
  verifyConsistency,
  verifyInclusion,
} from '../../src/ledger/merkle/index.ts';
import { mth, path, proof } from './merkle-rfc-reference.ts';

const MAX = 70;
const data = Array.from({ length: MAX }, (_, i) => utf8(`entry ${i}`));
const tree = new MemoryTree();
for (const d of data) tree.append(d);
const roots = Array.from({ length: MAX + 1 }, (_, n) => tree.root(n));
const hex = (hs: Uint8Array[]): string[] => hs.map(bytesToHex);

function flipped(h: Uint8Array, bit: number): Uint8Array {
  const c = h.slice();
  c[(bit >> 3) % HASH_SIZE]! ^= 1 << (bit & 7);
  return c;
}

function rejects(f: () => void, code?: string): void {
  assert.throws(f, (e: unknown) => e instanceof VerificationError && (code === undefined || e.code === code));
}

describe('roots', () => {
  test('equal RFC 6962 MTH for every size 0..70', () => {
    for (let n = 0; n <= MAX; n++)
      assert.equal(bytesToHex(roots[n]!), bytesToHex(mth(data.slice(0, n))), `size ${n}`);
  });

  test('planRoot reads one node per set bit of the size', () => {
    assert.deepEqual(planRoot(0).ids, []);
    assert.deepEqual(planRoot(13).ids, [
      { level: 0, index: 12 },
      { level: 2, index: 2 },
      { level: 3, index: 0 },
    ]);
  });
});

describe('inclusion proofs, all sizes 1..70 and all indexes', () => {
  test('equal RFC 6962 PATH and verify', () => {
    for (let n = 1; n <= MAX; n++) {
      const d = data.slice(0, n);
      for (let i = 0; i < n; i++) {
        const p = tree.inclusionProof(i, n);
        assert.deepEqual(hex(p), hex(path(i, d)), `PATH(${i}, ${n})`);
        const lh = leafHash(data[i]!);
        verifyInclusion({ index: i, size: n, leafHash: lh, proof: p, root: roots[n]! });
        assert.equal(
          bytesToHex(rootFromInclusionProof({ index: i, size: n, leafHash: lh, proof: p })),
          bytesToHex(roots[n]!),
        );
      }
    }
  });

  test('a flipped bit in any proof node, the leaf or the root fails', () => {
    for (let n = 1; n <= MAX; n++) {
      for (let i = 0; i < n; i++) {
        const p = tree.inclusionProof(i, n);
        const lh = leafHash(data[i]!);
        const root = roots[n]!;
        const code = MerkleErrorCode.INCLUSION_PROOF_INVALID;
        for (let k = 0; k < p.length; k++) {
          const bad = p.slice();
          bad[k] = flipped(p[k]!, (i * 7 + k * 13 + n) % 256);
          rejects(() => verifyInclusion({ index: i, size: n, leafHash: lh, proof: bad, root }), code);
        }
        rejects(
          () => verifyInclusion({ index: i, size: n, leafHash: flipped(lh, n + i), proof: p, root }),
          code,
        );
        rejects(
          () => verifyInclusion({ index: i, size: n, leafHash: lh, proof: p, root: flipped(root, i) }),
          code,
        );
      }
    }
  });

  test('a wrong index, size, or proof length fails', () => {
    for (let n = 1; n <= MAX; n++) {
      for (let i = 0; i < n; i++) {
        const p = tree.inclusionProof(i, n);
        const lh = leafHash(data[i]!);
        const root = roots[n]!;
        for (const j of [i - 1, i + 1, i ^ 1, i ^ 2]) {
          if (j === i || j < 0) continue;
          rejects(() => verifyInclusion({ index: j, size: n, leafHash: lh, proof: p, root }));
        }
        // Another size with a proof of the same length: the root it leads to is not that tree's root.
        for (const m of [n - 1, n + 1]) {
          if (m <= i || m > MAX) continue;
          rejects(() => verifyInclusion({ index: i, size: m, leafHash: lh, proof: p, root: roots[m]! }));
        }
        rejects(() => verifyInclusion({ index: i, size: n, leafHash: lh, proof: [...p, roots[n]!], root }));
        if (p.length > 0)
          rejects(() => verifyInclusion({ index: i, size: n, leafHash: lh, proof: p.slice(1), root }));
      }
    }
  });
});

describe('consistency proofs, all pairs 1 ≤ m ≤ n ≤ 70', () => {
  test('equal RFC 6962 PROOF and verify', () => {
    for (let n = 1; n <= MAX; n++) {
      const d = data.slice(0, n);
      for (let m = 1; m <= n; m++) {
        const p = tree.consistencyProof(m, n);
        assert.deepEqual(hex(p), hex(proof(m, d)), `PROOF(${m}, ${n})`);
        verifyConsistency({ size1: m, size2: n, root1: roots[m]!, root2: roots[n]!, proof: p });
      }
    }
  });

  test('a flipped bit in any proof node or either root fails', () => {
    const code = MerkleErrorCode.CONSISTENCY_PROOF_INVALID;
    for (let n = 1; n <= MAX; n++) {
      for (let m = 1; m <= n; m++) {
        const p = tree.consistencyProof(m, n);
        const [r1, r2] = [roots[m]!, roots[n]!];
        for (let k = 0; k < p.length; k++) {
          const bad = p.slice();
          bad[k] = flipped(p[k]!, (m * 5 + k * 11 + n) % 256);
          rejects(() => verifyConsistency({ size1: m, size2: n, root1: r1, root2: r2, proof: bad }), code);
        }
        rejects(
          () => verifyConsistency({ size1: m, size2: n, root1: flipped(r1, m), root2: r2, proof: p }),
          code,
        );
        rejects(
          () => verifyConsistency({ size1: m, size2: n, root1: r1, root2: flipped(r2, n), proof: p }),
          code,
        );
      }
    }
  });

  test('proofs between other sizes, or with a node missing or added, fail', () => {
    for (let n = 2; n <= MAX; n++) {
      for (let m = 1; m < n; m++) {
        const p = tree.consistencyProof(m, n);
        const check = (s1: number, s2: number, q: Uint8Array[]): void =>
          rejects(() =>
            verifyConsistency({ size1: s1, size2: s2, root1: roots[s1]!, root2: roots[s2]!, proof: q }),
          );
        if (m + 1 < n) check(m + 1, n, p);
        if (m > 1) check(m - 1, n, p);
        if (n < MAX) check(m, n + 1, p);
        check(m, n, [...p, roots[m]!]);
        check(m, n, p.slice(0, -1));
        check(m, n, [roots[n]!, ...p]);
      }
    }
  });

  test('equal sizes need an empty proof and equal roots', () => {
    verifyConsistency({ size1: 5, size2: 5, root1: roots[5]!, root2: roots[5]!, proof: [] });
    rejects(
      () => verifyConsistency({ size1: 5, size2: 5, root1: roots[5]!, root2: roots[4]!, proof: [] }),
      MerkleErrorCode.CONSISTENCY_PROOF_INVALID,
    );
    rejects(
      () => verifyConsistency({ size1: 5, size2: 5, root1: roots[5]!, root2: roots[5]!, proof: [roots[5]!] }),
      MerkleErrorCode.CONSISTENCY_PROOF_INVALID,
    );
  });
});

describe('async wrappers read every node in one batch', () => {
  test('treeRoot, inclusionProof and consistencyProof match MemoryTree', async () => {
    const calls: NodeId[][] = [];
    const read = async (ids: NodeId[]): Promise<Uint8Array[]> => {
      calls.push(ids);
      return tree.read(ids);
    };
    for (let n = 1; n <= MAX; n++) {
      calls.length = 0;
      assert.equal(bytesToHex(await treeRoot(n, read)), bytesToHex(roots[n]!));
      assert.ok(calls.length <= 1);
      for (let i = 0; i < n; i += 3) {
        calls.length = 0;
        assert.deepEqual(hex(await inclusionProof(i, n, read)), hex(tree.inclusionProof(i, n)));
        assert.ok(calls.length <= 1);
      }
      for (let m = 1; m <= n; m += 2) {
        calls.length = 0;
        assert.deepEqual(hex(await consistencyProof(m, n, read)), hex(tree.consistencyProof(m, n)));
        assert.ok(calls.length <= 1);
      }
    }
  });

  test('the empty tree and a one-leaf tree need no read', async () => {
    const read = async (): Promise<Uint8Array[]> => assert.fail('read called');
    assert.equal(bytesToHex(await treeRoot(0, read)), bytesToHex(roots[0]!));
    assert.deepEqual(await inclusionProof(0, 1, read), []);
    assert.deepEqual(await consistencyProof(9, 9, read), []);
  });

  test('a reader returning the wrong number of hashes is a server fault', async () => {
    const read = async (ids: NodeId[]): Promise<Uint8Array[]> => tree.read(ids).slice(1);
    await assert.rejects(treeRoot(7, read), (e: unknown) => {
      const err = e as { code: string; status: number };
      return err.code === MerkleErrorCode.NODE_READ_INVALID && err.status === 500;
    });
  });
});

describe('argument errors', () => {
  const inputCode = (code: string) => (e: unknown) => e instanceof InvalidInputError && e.code === code;

  test('proof planning throws InvalidInputError with stable codes', () => {
    const {
      PROOF_INDEX_OUT_OF_RANGE: IDX,
      PROOF_SIZE_INVALID: SIZE,
      PROOF_RANGE_INVALID: RANGE,
    } = MerkleErrorCode;
    assert.throws(() => planInclusion(5, 5), inputCode(IDX));
    assert.throws(() => planInclusion(0, 0), inputCode(IDX));
    assert.throws(() => planInclusion(-1, 5), inputCode(IDX));
    assert.throws(() => planInclusion(1.5, 5), inputCode(IDX));
    assert.throws(() => planInclusion(Number.NaN, 5), inputCode(IDX));
    assert.throws(() => planInclusion(0, -1), inputCode(SIZE));
    assert.throws(() => planInclusion(0, 2.5), inputCode(SIZE));
    assert.throws(() => planInclusion(0, 2 ** 53), inputCode(SIZE));
    assert.throws(() => planRoot(-1), inputCode(SIZE));
    assert.throws(() => planRoot(Number.POSITIVE_INFINITY), inputCode(SIZE));
    assert.throws(() => planConsistency(6, 5), inputCode(RANGE));
    assert.throws(() => planConsistency(0, 5), inputCode(RANGE));
    assert.throws(() => planConsistency(0, 0), inputCode(RANGE));
    assert.throws(() => planConsistency(1, 0.5), inputCode(SIZE));
    assert.throws(() => planConsistency(-2, 5), inputCode(SIZE));
    assert.throws(() => tree.root(MAX + 1), inputCode(SIZE));
    assert.throws(() => tree.inclusionProof(0, MAX + 1), inputCode(SIZE));
    assert.throws(() => tree.consistencyProof(1, MAX + 1), inputCode(SIZE));
  });

  test('verification throws VerificationError with stable codes', () => {
    const lh = leafHash(data[0]!);
    const root = roots[4]!;
    const p = tree.inclusionProof(0, 4);
    const {
      PROOF_INDEX_OUT_OF_RANGE: IDX,
      PROOF_SIZE_INVALID: SIZE,
      PROOF_RANGE_INVALID: RANGE,
      HASH_SIZE_INVALID: HASH,
      INCLUSION_PROOF_INVALID: INCL,
      CONSISTENCY_PROOF_INVALID: CONS,
    } = MerkleErrorCode;
    rejects(() => verifyInclusion({ index: 4, size: 4, leafHash: lh, proof: p, root }), IDX);
    rejects(() => verifyInclusion({ index: -1, size: 4, leafHash: lh, proof: p, root }), IDX);
    rejects(() => verifyInclusion({ index: 0, size: 4.5, leafHash: lh, proof: p, root }), SIZE);
    rejects(() => verifyInclusion({ index: 0, size: 4, leafHash: lh.subarray(1), proof: p, root }), HASH);
    rejects(
      () => verifyInclusion({ index: 0, size: 4, leafHash: lh, proof: [p[0]!, p[1]!.subarray(0, 31)], root }),
      HASH,
    );
    rejects(
      () => verifyInclusion({ index: 0, size: 4, leafHash: lh, proof: p, root: root.subarray(0, 16) }),
      HASH,
    );
    rejects(() => verifyInclusion({ index: 0, size: 4, leafHash: lh, proof: p.slice(1), root }), INCL);
    rejects(() => verifyConsistency({ size1: 5, size2: 4, root1: root, root2: root, proof: [] }), RANGE);
    rejects(() => verifyConsistency({ size1: 0, size2: 4, root1: roots[0]!, root2: root, proof: [] }), RANGE);
    rejects(
      () => verifyConsistency({ size1: 0, size2: 0, root1: roots[0]!, root2: roots[0]!, proof: [] }),
      RANGE,
    );
    rejects(() => verifyConsistency({ size1: 2, size2: 4, root1: roots[2]!, root2: root, proof: [] }), CONS);
    rejects(
      () => verifyConsistency({ size1: 2, size2: Number.NaN, root1: roots[2]!, root2: root, proof: [] }),
      SIZE,
    );
  });

  test('failure messages say why', () => {
    const lh = leafHash(data[0]!);
    const p = tree.inclusionProof(0, 4);
    assert.throws(
      () => verifyInclusion({ index: 0, size: 4, leafHash: lh, proof: p.slice(1), root: roots[4]! }),
      (e: unknown) =>
        e instanceof VerificationError &&
        /needs 2 proof node\(s\), got 1/.test(e.message) &&
        e.details?.['reason'] === 'proof-length',
    );
    assert.throws(
      () => verifyInclusion({ index: 0, size: 4, leafHash: lh, proof: p, root: roots[3]! }),
      (e: unknown) => e instanceof VerificationError && e.details?.['reason'] === 'root-mismatch',
    );
  });
});

describe('large trees (53-bit arithmetic)', () => {
  // A consistent tree of any size without its leaves: leaf i is leaf(i mod 8), so every complete
  // node at level ≥ 3 has the same hash per level and lower nodes depend on their index mod 8.
  const leaf = (i: number): Uint8Array => leafHash(utf8(`leaf ${i % 8}`));
  const memo = new Map<string, Uint8Array>();
  const node = (level: number, index: number): Uint8Array => {
    if (level === 0) return leaf(index);
    const key = level >= 3 ? `${level}` : `${level}/${index % 2 ** (3 - level)}`;
    let h = memo.get(key);
    if (!h) {
      const n = level >= 3 ? 0 : index;
      h = nodeHash(node(level - 1, 2 * n), node(level - 1, 2 * n + 1));
      memo.set(key, h);
    }
    return h;
  };
  const read = (ids: NodeId[]): Uint8Array[] => ids.map((id) => node(id.level, id.index));
  const rootOf = (size: number): Uint8Array => {
    const plan = planRoot(size);
    return assembleRoot(plan, read(plan.ids));
  };

  test('the fake tree agrees with MemoryTree on small sizes', () => {
    const t = new MemoryTree();
    for (let i = 0; i < 40; i++) {
      t.appendLeafHash(leaf(i));
      assert.equal(bytesToHex(rootOf(i + 1)), bytesToHex(t.root()));
    }
  });

  for (const [index, size] of [
    [2 ** 31, 2 ** 31 + 1],
    [2 ** 32, 2 ** 32 + 1],
    [2 ** 32 - 1, 2 ** 33 + 12345],
    [123456789012, 2 ** 40 + 7],
    [2 ** 52 + 3, 2 ** 53 - 1],
    [0, 2 ** 53 - 1],
    [2 ** 53 - 2, 2 ** 53 - 1],
    [2 ** 52 - 1, 2 ** 52],
  ] as const) {
    test(`inclusion of ${index} in ${size}`, () => {
      const ip = planInclusion(index, size);
      assert.deepEqual(ip.ids, referencePlan(index, 0, size, true), 'inclusion plan');
      const root = rootOf(size);
      const p = assembleInclusion(ip, read(ip.ids));
      verifyInclusion({ index, size, leafHash: leaf(index), proof: p, root });
      rejects(() => verifyInclusion({ index, size, leafHash: leaf(index + 1), proof: p, root }));
    });
  }

  for (const [m, size] of [
    [2 ** 31 + 1, 2 ** 32 + 3],
    [3, 2 ** 53 - 1],
    [2 ** 52 + 5, 2 ** 53 - 1],
    [2 ** 53 - 2, 2 ** 53 - 1],
    [2 ** 40, 2 ** 41 + 1],
    [6_000_000_000, 6_000_000_001],
    [2 ** 33 - 1, 2 ** 33],
  ] as const) {
    test(`consistency ${m} → ${size}`, () => {
      const cp = planConsistency(m, size);
      let level = 0;
      while ((m / 2 ** level) % 2 === 0) level++;
      assert.deepEqual(
        cp.ids,
        referencePlan(m / 2 ** level - 1, level, size, m === 2 ** level),
        'consistency plan',
      );
      const q = assembleConsistency(cp, read(cp.ids));
      verifyConsistency({ size1: m, size2: size, root1: rootOf(m), root2: rootOf(size), proof: q });
      rejects(() =>
        verifyConsistency({ size1: m, size2: size, root1: rootOf(m - 1), root2: rootOf(size), proof: q }),
      );
    });
  }
});

/** transparency-dev/merkle proof.nodes, in BigInt, returning the ids in plan order. */
function referencePlan(index: number, level: number, size: number, skipFirst: boolean): NodeId[] {
  const bitLen = (x: bigint): number => (x === 0n ? 0 : x.toString(2).length);
  const idx = BigInt(index);
  const sz = BigInt(size);
  const inner = bitLen(idx ^ (sz >> BigInt(level))) - 1;
  const forkLevel = level + inner;
  const forkIndex = idx >> BigInt(inner);
  const begin = forkIndex << BigInt(forkLevel);
  const end = (forkIndex + 1n) << BigInt(forkLevel);
  const ids: { level: number; index: bigint }[] = [{ level, index: idx }];
  for (let l = 0; l < inner; l++) ids.push({ level: level + l, index: (idx >> BigInt(l)) ^ 1n });
  // compact.RangeNodes(end, size): begin is aligned, so descending powers of two; then reversed.
  const right: { level: number; index: bigint }[] = [];
  for (let pos = end, b = forkLevel - 1; b >= 0; b--)
    if (((sz - end) >> BigInt(b)) & 1n) {
      right.push({ level: b, index: pos >> BigInt(b) });
      pos += 1n << BigInt(b);
    }
  const left: { level: number; index: bigint }[] = [];
  for (let pos = 0n, b = bitLen(begin) - 1; b >= 0; b--)
    if ((begin >> BigInt(b)) & 1n) {
      left.push({ level: b, index: pos >> BigInt(b) });
      pos += 1n << BigInt(b);
    }
  const all = [...ids, ...right.reverse(), ...left.reverse()].map((x) => ({
    level: x.level,
    index: Number(x.index),
  }));
  return skipFirst ? all.slice(1) : all;
}
