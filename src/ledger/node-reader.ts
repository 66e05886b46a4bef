/**
 * Reading Merkle nodes from the store. Node (level L, index N) is stored with the leaf that
 * completes it, (N+1)·2^L − 1, at position L of that leaf's hash list (the layout of Go's
 * sumdb/tlog "stored hashes"), so any set of nodes is one `IN (…)` query.
 */
import type { Kysely } from 'kysely';
import { RampartError } from '../core/index.ts';
import type { Database } from '../store/index.ts';
import { HASH_SIZE, type NodeId, storedLocation } from './merkle/index.ts';

export async function readNodes(db: Kysely<Database>, ids: NodeId[]): Promise<Uint8Array[]> {
  if (ids.length === 0) return [];
  const locs = ids.map(storedLocation);
  const leafIdx = [...new Set(locs.map((l) => l.leafIndex))];
  const rows = await db
    .selectFrom('ledger_entries')
    .select(['idx', 'hashes'])
    .where('idx', 'in', leafIdx)
    .execute();
  const byIdx = new Map<number, Uint8Array>();
  for (const r of rows) byIdx.set(Number(r.idx), r.hashes);
  return locs.map((l, i) => {
    const hashes = byIdx.get(l.leafIndex);
    const start = l.position * HASH_SIZE;
    if (!hashes || hashes.length < start + HASH_SIZE)
      throw new RampartError(
        'LEDGER_CORRUPT',
        `stored tree is missing node ${ids[i]!.level}/${ids[i]!.index}`,
        {
          status: 500,
          details: { level: ids[i]!.level, index: ids[i]!.index },
        },
      );
    // A plain Uint8Array view (drivers hand back Buffers).
    return new Uint8Array(hashes.buffer, hashes.byteOffset + start, HASH_SIZE);
  });
}
