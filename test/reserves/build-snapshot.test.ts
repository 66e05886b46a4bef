// The streaming build refuses bad snapshots with the line number and leaves nothing behind
// (docs/proof-of-reserves.md §2); good CSV and JSON-lines snapshots build the same liabilities.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { isRampartError } from '../../src/core/index.ts';
import { buildTree, StoredTree, verifyProof } from '../../src/reserves/index.ts';
import { storeIndependent } from '../support/passes.ts';

const tmp = mkdtempSync(join(tmpdir(), 'rampart-reserves-snap-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const ASSETS = ['BTC', 'ETH', 'USDT', 'USDC'];
let n = 0;

async function build(name: string, text: string, assets = ASSETS) {
  const file = join(tmp, name);
  writeFileSync(file, text);
  const dir = join(tmp, `builds-${n++}`);
  return {
    dir,
    run: () => buildTree({ snapshot: file, assets, dir, buildId: 'b', snapshotTime: 't', workers: 2 }),
  };
}

async function refused(name: string, text: string, code: string, line: number, assets = ASSETS) {
  const b = await build(name, text, assets);
  await assert.rejects(b.run(), (e: unknown) => {
    assert.ok(isRampartError(e), String(e));
    assert.equal(e.code, code, e.message);
    assert.equal(e.details?.line, line, e.message);
    assert.match(e.message, new RegExp(`^line ${line}: `));
    return true;
  });
  // Nothing is left that could be published: no build directory, no partial one.
  assert.deepEqual(existsSync(b.dir) ? readdirSync(b.dir) : [], []);
}

const HEAD = 'user,BTC,ETH,USDT,USDC\n';

describe('reserves build: bad snapshots stop with the line', storeIndependent, () => {
  test('a negative balance', () =>
    refused('neg.csv', `${HEAD}a,1,2,3,4\nb,1,-2,3,4\n`, 'RESERVES_SNAPSHOT_NEGATIVE', 3));
  test('a balance of 2^96 (overflow of the stated bound)', () =>
    refused(
      'big.csv',
      `${HEAD}a,1,2,3,4\nb,1,2,${(1n << 96n).toString()},4\n`,
      'RESERVES_SNAPSHOT_OUT_OF_RANGE',
      3,
    ));
  test('a non-integer balance', async () => {
    await refused('frac.csv', `${HEAD}a,1.5,2,3,4\n`, 'RESERVES_SNAPSHOT_NOT_INTEGER', 2);
    await refused('exp.csv', `${HEAD}a,1,2,3,4\nb,1e3,2,3,4\n`, 'RESERVES_SNAPSHOT_NOT_INTEGER', 3);
    await refused('empty-field.csv', `${HEAD}a,1,,3,4\n`, 'RESERVES_SNAPSHOT_NOT_INTEGER', 2);
    await refused(
      'float.jsonl',
      '{"user":"a","BTC":1.5,"ETH":0,"USDT":0,"USDC":0}\n',
      'RESERVES_SNAPSHOT_NOT_INTEGER',
      1,
    );
  });
  test('a duplicate user names both lines, even across chunks', async () => {
    await refused(
      'dup.csv',
      `${HEAD}a,1,2,3,4\nb,1,2,3,4\na,0,0,0,0\n`,
      'RESERVES_SNAPSHOT_DUPLICATE_USER',
      4,
    );
    const rows = Array.from({ length: 70_000 }, (_, i) => `u${i},1,1,1,1`);
    rows.push('u17,0,0,0,0');
    const b = await build('dup-far.csv', `${HEAD}${rows.join('\n')}\n`);
    await assert.rejects(b.run(), /line 70002: duplicate user id \(first on line 19\)/);
  });
  test('a malformed row', async () => {
    await refused('short.csv', `${HEAD}a,1,2,3,4\nb,1,2,3\n`, 'RESERVES_SNAPSHOT_MALFORMED', 3);
    await refused('long.csv', `${HEAD}a,1,2,3,4,5\n`, 'RESERVES_SNAPSHOT_MALFORMED', 2);
    await refused('blank.csv', `${HEAD}a,1,2,3,4\n\nb,1,2,3,4\n`, 'RESERVES_SNAPSHOT_MALFORMED', 3);
    await refused(
      'json.jsonl',
      '{"user":"a","BTC":"1","ETH":"0","USDT":"0","USDC":"0"}\n{"user":\n',
      'RESERVES_SNAPSHOT_MALFORMED',
      2,
    );
    await refused('id.csv', `${HEAD}a b,1,2,3,4\n`, 'RESERVES_SNAPSHOT_USER_INVALID', 2);
  });
  test('an unknown asset column, and a missing one', async () => {
    await refused('unknown.csv', 'user,BTC,ETH,USDT,DOGE\na,1,2,3,4\n', 'RESERVES_SNAPSHOT_UNKNOWN_ASSET', 1);
    await refused('missing.csv', 'user,BTC,ETH,USDT\na,1,2,3\n', 'RESERVES_SNAPSHOT_MISSING_ASSET', 1);
    await refused(
      'unknown.jsonl',
      '{"user":"a","BTC":"1","ETH":"0","USDT":"0","USDC":"0"}\n{"user":"b","BTC":"1","ETH":"0","USDT":"0","USDC":"0","DOGE":"1"}\n',
      'RESERVES_SNAPSHOT_UNKNOWN_ASSET',
      2,
    );
    await refused(
      'missing.jsonl',
      '{"user":"a","BTC":"1","ETH":"0","USDT":"0"}\n',
      'RESERVES_SNAPSHOT_MISSING_ASSET',
      1,
    );
  });
  test('an empty snapshot', async () => {
    const b = await build('empty.csv', HEAD);
    await assert.rejects(b.run(), (e: unknown) => isRampartError(e) && e.code === 'RESERVES_SNAPSHOT_EMPTY');
    assert.deepEqual(existsSync(b.dir) ? readdirSync(b.dir) : [], []);
  });
});

describe('reserves build: CSV and JSON lines', storeIndependent, () => {
  test('column order, CRLF, no final newline, strings and integers in JSON: same totals, every proof verifies', async () => {
    const csv = await build(
      'ok.csv',
      'user,USDC,BTC,USDT,ETH\r\nalice,4,1,3,2\r\nbob,0,10,0,1000000000000000000000\r\ncarol,7,0,0,5',
    );
    const jsonl = await build(
      'ok.jsonl',
      '{"user":"alice","BTC":1,"ETH":"2","USDT":3,"USDC":"4"}\n{"ETH":"1000000000000000000000","user":"bob","BTC":"10","USDT":"0","USDC":0}\n{"user":"carol","BTC":"0","ETH":"5","USDT":"0","USDC":"7"}\n',
    );
    const a = await csv.run();
    const b = await jsonl.run();
    assert.deepEqual(a.meta.root.totals, ['11', '1000000000000000000007', '3', '11']);
    assert.deepEqual(b.meta.root.totals, a.meta.root.totals);
    // same balances, new build secret and permutation: unlinkable roots and salts (§3.1)
    assert.notEqual(b.meta.root.hash, a.meta.root.hash);
    assert.equal(a.meta.users, 3);
    const t = StoredTree.open(a.dir);
    try {
      for (const u of ['alice', 'bob', 'carol']) {
        const r = verifyProof(t.proof(u), a.meta.root.hash);
        assert.ok(r.ok, JSON.stringify(r));
      }
      assert.equal(verifyProof(t.proof('bob')).ok && verifyProof(t.proof('bob'), a.meta.root.hash).ok, true);
      assert.equal(t.proof('dave'), undefined);
      assert.equal(t.proof('alic'), undefined);
    } finally {
      t.close();
    }
  });
});
