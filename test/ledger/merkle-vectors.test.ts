/**
 * The published RFC 6962 vectors of transparency-dev/merkle, read in place from
 * /work/shared/vectors/merkle (see its SOURCE.md): every wantErr case must be rejected, every
 * other accepted.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { base64ToBytes, bytesToHex, hexToBytes, VerificationError } from '../../src/core/index.ts';
import { EMPTY_ROOT, MemoryTree, verifyConsistency, verifyInclusion } from '../../src/ledger/merkle/index.ts';

const VECTORS = new URL('../../../shared/vectors/merkle/', import.meta.url);

function jsonFiles(dir: URL): URL[] {
  const out: URL[] = [];
  for (const name of readdirSync(dir).sort()) {
    const u = new URL(name, dir);
    if (statSync(u).isDirectory()) out.push(...jsonFiles(new URL(`${name}/`, dir)));
    else if (name.endsWith('.json')) out.push(u);
  }
  return out;
}

function rel(u: URL): string {
  return fileURLToPath(u).slice(fileURLToPath(VECTORS).length);
}

const read = (u: URL): unknown => JSON.parse(readFileSync(u, 'utf8'));
const b64 = (s: string): Uint8Array => base64ToBytes(s);
const proofOf = (p: string[] | null): Uint8Array[] => (p ?? []).map(b64);

interface InclusionCase {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

interface ConsistencyCase {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

function outcome(f: () => void): Error | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    return e as Error;
  }
}

describe('reference tree (RFC 6962 roots of every prefix)', () => {
  const ref = read(new URL('reference-tree.json', VECTORS)) as { leafInputs: string[]; rootHashes: string[] };

  test('has the expected shape', () => {
    assert.equal(ref.leafInputs.length, 8);
    assert.equal(ref.rootHashes.length, 9);
  });

  test('EMPTY_ROOT is the root of the empty tree', () => {
    assert.equal(bytesToHex(EMPTY_ROOT), ref.rootHashes[0]);
  });

  test('MemoryTree reproduces every prefix root, appended and historical', () => {
    const tree = new MemoryTree();
    assert.equal(bytesToHex(tree.root()), ref.rootHashes[0]);
    for (const [i, hex] of ref.leafInputs.entries()) {
      tree.append(hexToBytes(hex));
      assert.equal(bytesToHex(tree.root()), ref.rootHashes[i + 1], `root of size ${i + 1}`);
    }
    for (let n = 0; n <= 8; n++) assert.equal(bytesToHex(tree.root(n)), ref.rootHashes[n], `root(${n})`);
  });
});

describe('inclusion vectors', () => {
  const files = jsonFiles(new URL('inclusion/', VECTORS));
  test('were found', () => assert.ok(files.length >= 90, `found ${files.length}`));
  for (const f of files) {
    const c = read(f) as InclusionCase;
    test(`${rel(f)}: ${c.desc} → ${c.wantErr ? 'reject' : 'accept'}`, () => {
      const err = outcome(() =>
        verifyInclusion({
          index: c.leafIdx,
          size: c.treeSize,
          leafHash: b64(c.leafHash),
          proof: proofOf(c.proof),
          root: b64(c.root),
        }),
      );
      if (c.wantErr) assert.ok(err instanceof VerificationError, `expected rejection, got ${String(err)}`);
      else assert.equal(err, undefined);
    });
  }
});

describe('consistency vectors', () => {
  const files = jsonFiles(new URL('consistency/', VECTORS));
  test('were found', () => assert.ok(files.length >= 90, `found ${files.length}`));
  for (const f of files) {
    const c = read(f) as ConsistencyCase;
    test(`${rel(f)}: ${c.desc} → ${c.wantErr ? 'reject' : 'accept'}`, () => {
      const err = outcome(() =>
        verifyConsistency({
          size1: c.size1,
          size2: c.size2,
          root1: b64(c.root1),
          root2: b64(c.root2),
          proof: proofOf(c.proof),
        }),
      );
      if (c.wantErr) assert.ok(err instanceof VerificationError, `expected rejection, got ${String(err)}`);
      else assert.equal(err, undefined);
    });
  }
});

describe('vector proofs match the proofs we generate', () => {
  // The happy-path cases are over the reference tree: our proofs must be byte-identical.
  const ref = read(new URL('reference-tree.json', VECTORS)) as { leafInputs: string[] };
  const tree = new MemoryTree();
  for (const hex of ref.leafInputs) tree.append(hexToBytes(hex));
  const happy = (kind: string): URL[] =>
    jsonFiles(new URL(`${kind}/`, VECTORS)).filter((u) => u.pathname.endsWith('/happy-path.json'));

  test('inclusion', () => {
    const cases = happy('inclusion');
    assert.ok(cases.length > 0);
    for (const f of cases) {
      const c = read(f) as InclusionCase;
      if (c.treeSize > 8) continue;
      const got = tree.inclusionProof(c.leafIdx, c.treeSize).map(bytesToHex);
      assert.deepEqual(got, proofOf(c.proof).map(bytesToHex), rel(f));
    }
  });

  test('consistency', () => {
    const cases = happy('consistency');
    assert.ok(cases.length > 0);
    for (const f of cases) {
      const c = read(f) as ConsistencyCase;
      if (c.size2 > 8) continue;
      const got = tree.consistencyProof(c.size1, c.size2).map(bytesToHex);
      assert.deepEqual(got, proofOf(c.proof).map(bytesToHex), rel(f));
    }
  });
});
