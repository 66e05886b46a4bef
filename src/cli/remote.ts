/** Reading a remote Rampart ledger from outside: its checkpoint, tiles and JSON API. */
import { fromUtf8, RampartError } from '../core/index.ts';
import type { LeafRecord } from '../ledger/index.ts';
import { formatTilePath, parseEntryBundle, TILE_WIDTH } from '../ledger/tiles/index.ts';

export async function get(url: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  } catch (e) {
    throw new RampartError('REMOTE_UNREACHABLE', `cannot reach ${url}: ${(e as Error).message}`);
  }
  if (!res.ok) {
    const text = await res.text();
    let msg = text.slice(0, 300);
    try {
      const j = JSON.parse(text) as { error?: { code: string; message: string } };
      if (j.error) throw new RampartError(j.error.code, j.error.message);
    } catch (e) {
      if (e instanceof RampartError) throw e;
      msg = text.slice(0, 300);
    }
    throw new RampartError('REMOTE_ERROR', `${url} answered ${res.status}: ${msg}`);
  }
  return res;
}

export async function getJson<T>(url: string): Promise<T> {
  return (await (await get(url)).json()) as T;
}

export async function getText(url: string): Promise<string> {
  return (await get(url)).text();
}

async function getBytes(url: string): Promise<Uint8Array> {
  return new Uint8Array(await (await get(url)).arrayBuffer());
}

/** Every entry of a tree of `size` through tlog-tiles: entry bundles plus the level-0 tiles. */
export async function* remoteLeaves(base: string, size: number): AsyncGenerator<LeafRecord> {
  for (let n = 0; n * TILE_WIDTH < size; n++) {
    const width = Math.min(TILE_WIDTH, size - n * TILE_WIDTH);
    const [bundle, tile] = await Promise.all([
      getBytes(`${base}/ledger/${formatTilePath({ level: 'entries', index: n, width })}`),
      getBytes(`${base}/ledger/${formatTilePath({ level: 0, index: n, width })}`),
    ]);
    const entries = parseEntryBundle(bundle, width);
    if (tile.length !== width * 32)
      throw new RampartError(
        'TILE_INVALID',
        `level-0 tile ${n} has ${tile.length} bytes, expected ${width * 32}`,
      );
    for (let i = 0; i < entries.length; i++)
      yield {
        index: n * TILE_WIDTH + i,
        text: fromUtf8(entries[i]!),
        claimedLeaf: tile.subarray(i * 32, i * 32 + 32),
      };
  }
}
