import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isRampartError, utf8 } from '../../src/core/index.ts';
import {
  entryBundle,
  formatTileIndex,
  formatTilePath,
  parseEntryBundle,
  parseTilePath,
  type TilePath,
} from '../../src/ledger/tiles/index.ts';

function rejects(fn: () => unknown, code: string, reason?: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isRampartError(e), String(e));
    assert.equal(e.code, code);
    if (reason !== undefined) assert.equal(e.details?.['reason'], reason);
    return true;
  });
}

/** The tiles a tree of `size` leaves is served as (tlog-tiles, "Merkle Tree"), as paths. */
function tilePathsForSize(size: number): string[] {
  const out: string[] = [];
  for (let level = 0; 256 ** level <= size; level++) {
    const n = Math.floor(size / 256 ** level);
    for (let i = 0; i < Math.floor(n / 256); i++) out.push(formatTilePath({ level, index: i, width: 256 }));
    if (n % 256 > 0) out.push(formatTilePath({ level, index: Math.floor(n / 256), width: n % 256 }));
  }
  return out;
}

describe('tile paths', () => {
  it('index 1234067 is x001/x234/067 (spec example)', () => {
    assert.equal(formatTileIndex(1234067), 'x001/x234/067');
    assert.equal(formatTilePath({ level: 0, index: 1234067, width: 256 }), 'tile/0/x001/x234/067');
    assert.deepEqual(parseTilePath('tile/0/x001/x234/067'), { level: 0, index: 1234067, width: 256 });
  });

  it('small and boundary indexes', () => {
    const cases: Array<[number, string]> = [
      [0, '000'],
      [5, '005'],
      [999, '999'],
      [1000, 'x001/000'],
      [1000000, 'x001/x000/000'],
      [Number.MAX_SAFE_INTEGER, 'x009/x007/x199/x254/x740/991'],
    ];
    for (const [n, s] of cases) {
      assert.equal(formatTileIndex(n), s);
      assert.equal(parseTilePath(`tile/3/${s}`).index, n);
    }
  });

  it('partial tiles and entry bundles', () => {
    const round: Array<[TilePath, string]> = [
      [{ level: 0, index: 273, width: 112 }, 'tile/0/273.p/112'],
      [{ level: 63, index: 0, width: 1 }, 'tile/63/000.p/1'],
      [{ level: 'entries', index: 1234067, width: 256 }, 'tile/entries/x001/x234/067'],
      [{ level: 'entries', index: 1000, width: 255 }, 'tile/entries/x001/000.p/255'],
    ];
    for (const [t, p] of round) {
      assert.equal(formatTilePath(t), p);
      assert.deepEqual(parseTilePath(p), t);
    }
  });

  it('a tree of size 70,000 is 273 full + one 112-wide level-0 tiles, a full and a 17-wide level-1 tile, a 1-wide level-2 tile', () => {
    const paths = tilePathsForSize(70000);
    assert.equal(paths[0], 'tile/0/000');
    assert.equal(paths[272], 'tile/0/272');
    assert.ok(paths.slice(0, 273).every((p) => /^tile\/0\/\d{3}$/.test(p)));
    assert.deepEqual(paths.slice(273), [
      'tile/0/273.p/112',
      'tile/1/000',
      'tile/1/001.p/17',
      'tile/2/000.p/1',
    ]);
    assert.deepEqual(tilePathsForSize(256), ['tile/0/000', 'tile/1/000.p/1']);
  });

  const bad = [
    '',
    'tile/0',
    'tile/0/',
    '/tile/0/000',
    'tile/0/000/',
    'tiles/0/000',
    'tile/00/000',
    'tile/01/000',
    'tile/64/000',
    'tile/-1/000',
    'tile/x/000',
    'tile/0/0',
    'tile/0/00',
    'tile/0/0000',
    'tile/0/x000/005',
    'tile/0/x001/x00/005',
    'tile/0/001/005',
    'tile/0/x001',
    'tile/0/x001/x002',
    'tile/0/000.p/0',
    'tile/0/000.p/256',
    'tile/0/000.p/012',
    'tile/0/000.p/',
    'tile/0/000.p',
    'tile/0/000.P/5',
    'tile/0/x001.p/5/000',
    'tile/entries/000.p/300',
    'tile/data/000',
    'tile/0/x999/x999/x999/x999/x999/999',
    'tile/0/000\n',
  ];
  for (const p of bad) {
    it(`refuses ${JSON.stringify(p)}`, () => rejects(() => parseTilePath(p), 'TILE_PATH_INVALID'));
  }

  it('formatTilePath refuses bad levels, widths and indexes', () => {
    rejects(() => formatTilePath({ level: 64, index: 0, width: 256 }), 'TILE_PATH_INVALID', 'level');
    rejects(() => formatTilePath({ level: -1, index: 0, width: 256 }), 'TILE_PATH_INVALID', 'level');
    rejects(() => formatTilePath({ level: 0, index: -1, width: 256 }), 'TILE_PATH_INVALID', 'index');
    rejects(() => formatTilePath({ level: 0, index: 0.5, width: 256 }), 'TILE_PATH_INVALID', 'index');
    rejects(() => formatTilePath({ level: 0, index: 0, width: 0 }), 'TILE_PATH_INVALID', 'width');
    rejects(() => formatTilePath({ level: 0, index: 0, width: 257 }), 'TILE_PATH_INVALID', 'width');
  });
});

describe('entry bundles', () => {
  it('each entry is a big-endian uint16 length then its bytes', () => {
    const b = entryBundle([utf8('ab'), new Uint8Array(0), new Uint8Array(0x0102).fill(7)]);
    assert.deepEqual([...b.subarray(0, 6)], [0x00, 0x02, 0x61, 0x62, 0x00, 0x00]);
    assert.deepEqual([...b.subarray(6, 8)], [0x01, 0x02]);
    assert.equal(b.length, 4 + 2 + 2 + 0x0102);
    assert.deepEqual(parseEntryBundle(b), [utf8('ab'), new Uint8Array(0), new Uint8Array(0x0102).fill(7)]);
    assert.deepEqual(parseEntryBundle(b, 3).length, 3);
    assert.deepEqual(parseEntryBundle(new Uint8Array(0)), []);
  });

  it('a full bundle of 256 entries, and entries of 65535 bytes', () => {
    const full = Array.from({ length: 256 }, (_, i) => utf8(`entry ${i}`));
    assert.deepEqual(parseEntryBundle(entryBundle(full), 256), full);
    const big = new Uint8Array(0xffff).fill(1);
    assert.deepEqual(parseEntryBundle(entryBundle([big])), [big]);
  });

  it('refuses oversized entries and bundles', () => {
    rejects(() => entryBundle([new Uint8Array(0x10000)]), 'ENTRY_BUNDLE_MALFORMED', 'entry-too-long');
    rejects(
      () => entryBundle(Array.from({ length: 257 }, () => new Uint8Array(0))),
      'ENTRY_BUNDLE_MALFORMED',
      'too-many',
    );
    const many = new Uint8Array(2 * 257);
    rejects(() => parseEntryBundle(many), 'ENTRY_BUNDLE_MALFORMED', 'too-many');
  });

  it('refuses truncated bundles and a wrong entry count', () => {
    const b = entryBundle([utf8('abc'), utf8('de')]);
    rejects(() => parseEntryBundle(b.subarray(0, b.length - 1)), 'ENTRY_BUNDLE_MALFORMED', 'truncated');
    rejects(() => parseEntryBundle(b.subarray(0, 6)), 'ENTRY_BUNDLE_MALFORMED', 'truncated');
    rejects(() => parseEntryBundle(Uint8Array.of(0, 2, 1, 2, 0)), 'ENTRY_BUNDLE_MALFORMED', 'truncated');
    rejects(() => parseEntryBundle(b, 3), 'ENTRY_BUNDLE_MALFORMED', 'width');
  });
});
