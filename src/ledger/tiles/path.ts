/**
 * Tile and entry-bundle paths (c2sp.org/tlog-tiles, "Merkle Tree" and "Log entries"):
 *
 *   tile/<L>/<N>[.p/<W>]        L: level 0..63, decimal, no leading zeroes
 *   tile/entries/<N>[.p/<W>]    N: index in zero-padded 3-digit elements, all but the last
 *                                  prefixed with "x" (1234067 → x001/x234/067)
 *                               W: partial width 1..255; a full tile has no suffix
 *
 * Tiles have height 8: a full tile is 256 hashes (or 256 entries).
 */
import { InvalidInputError } from '../../core/index.ts';

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;
export const MAX_TILE_LEVEL = 63;

export interface TilePath {
  /** Tree level 0..63, or 'entries' for an entry bundle. */
  level: number | 'entries';
  /** Index of the tile within its level. */
  index: number;
  /** Number of hashes (entries): 256 for a full tile, 1..255 for a partial one. */
  width: number;
}

function invalid(message: string, reason: string): InvalidInputError {
  return new InvalidInputError('TILE_PATH_INVALID', message, { reason });
}

/** The <N> part of a tile path: 3-digit groups, "x" before all but the last. */
export function formatTileIndex(index: number): string {
  if (!Number.isSafeInteger(index) || index < 0)
    throw invalid('tile index is not a non-negative integer', 'index');
  let n = index;
  let out = String(n % 1000).padStart(3, '0');
  n = Math.floor(n / 1000);
  while (n > 0) {
    out = `x${String(n % 1000).padStart(3, '0')}/${out}`;
    n = Math.floor(n / 1000);
  }
  return out;
}

export function formatTilePath(t: TilePath): string {
  let level: string;
  if (t.level === 'entries') {
    level = 'entries';
  } else {
    if (!Number.isInteger(t.level) || t.level < 0 || t.level > MAX_TILE_LEVEL)
      throw invalid('tile level is not 0..63', 'level');
    level = String(t.level);
  }
  if (!Number.isInteger(t.width) || t.width < 1 || t.width > TILE_WIDTH)
    throw invalid('tile width is not 1..256', 'width');
  const suffix = t.width === TILE_WIDTH ? '' : `.p/${t.width}`;
  return `tile/${level}/${formatTileIndex(t.index)}${suffix}`;
}

/** Parse a tile or entry-bundle path, accepting only the one canonical spelling of each. */
export function parseTilePath(path: string): TilePath {
  const m = /^tile\/(entries|0|[1-9][0-9]?)\/((?:x[0-9]{3}\/)*)([0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/.exec(
    path,
  );
  if (m === null) throw invalid('not a tile path tile/<L>/<N>[.p/<W>]', 'shape');
  const [, levelStr, groups, last, widthStr] = m as unknown as [
    string,
    string,
    string,
    string,
    string | undefined,
  ];
  let level: number | 'entries' = 'entries';
  if (levelStr !== 'entries') {
    level = Number(levelStr);
    if (level > MAX_TILE_LEVEL) throw invalid('tile level is not 0..63', 'level');
  }
  const elements =
    groups === ''
      ? []
      : groups
          .slice(0, -1)
          .split('/')
          .map((g) => g.slice(1));
  if (elements.length > 0 && elements[0] === '000')
    throw invalid('tile index has a leading zero group', 'index');
  const index = Number([...elements, last].join(''));
  if (!Number.isSafeInteger(index)) throw invalid('tile index is too large', 'index');
  let width = TILE_WIDTH;
  if (widthStr !== undefined) {
    width = Number(widthStr);
    if (width >= TILE_WIDTH) throw invalid('partial tile width is not 1..255', 'width');
  }
  return { level, index, width };
}
