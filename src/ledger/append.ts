/**
 * Appending entries inside the caller's database transaction.
 *
 * The first write bumps the single `ledger_head` row, which serialises appends: PostgreSQL holds
 * the row lock until commit, SQLite has one writer. The new leaves' hashes, and the hashes of the
 * complete subtrees they finish, are written in the same transaction as the entries, so a crash
 * leaves either all of an append or none of it.
 *
 * Appending leaf n needs the roots of the perfect subtrees that make up the tree of size n (its
 * "frontier": one per set bit of n, RFC 6962 §2.1's left subtrees). The ledger keeps the frontier
 * of the last size it committed; when the head says the tree is at another size (another process
 * appended), the needed nodes are read from the store instead.
 */
import { sql, type Transaction } from 'kysely';
import type { Clock } from '../core/index.ts';
import { concatBytes } from '../core/index.ts';
import type { Database } from '../store/index.ts';
import { type Entry, type EntryInput, encodeEntry, makeEntry } from './entry.ts';
import { hashesCompletedBy, leafHash, leftSiblingsForAppend } from './merkle/index.ts';
import { readNodes } from './node-reader.ts';

export interface Appended {
  index: number;
  entry: Entry;
  leafHash: Uint8Array;
}

/** Roots of the perfect subtrees of the tree of `size` leaves, by level. */
export interface Frontier {
  size: number;
  nodes: Map<number, Uint8Array>;
}

async function frontierAt(
  trx: Transaction<Database>,
  size: number,
  cached: Frontier | undefined,
): Promise<Frontier> {
  if (cached && cached.size === size) return { size, nodes: new Map(cached.nodes) };
  const ids = leftSiblingsForAppend(size);
  const got = await readNodes(trx, ids);
  const nodes = new Map<number, Uint8Array>();
  for (const [j, id] of ids.entries()) nodes.set(id.level, got[j]!);
  // Levels above the trailing ones are not needed for leaf `size`, but are for later leaves
  // of the same batch; those are filled in as the batch completes them or read below on demand.
  return { size, nodes };
}

export async function appendEntries(
  trx: Transaction<Database>,
  inputs: EntryInput[],
  clock: Clock,
  cached?: Frontier,
): Promise<{ appended: Appended[]; frontier: Frontier }> {
  // Encode first: a bad entry fails before anything is written (and still rolls back the domain change).
  const now = clock.now();
  const encoded = inputs.map((i) => {
    const entry = makeEntry(i, now);
    return { entry, ...encodeEntry(entry) };
  });
  const head = await trx
    .updateTable('ledger_head')
    .set({ size: sql`size + ${inputs.length}` })
    .where('id', '=', 1)
    .returning('size')
    .executeTakeFirstOrThrow();
  const first = Number(head.size) - inputs.length;
  const frontier = await frontierAt(trx, first, cached);
  const out: Appended[] = [];
  const rows: Database['ledger_entries'][] = [];
  for (let k = 0; k < encoded.length; k++) {
    const { entry, text, bytes } = encoded[k]!;
    const index = first + k;
    const leaf = leafHash(bytes);
    const ids = leftSiblingsForAppend(index);
    const missing = ids.filter((id) => !frontier.nodes.has(id.level));
    if (missing.length > 0) {
      const got = await readNodes(trx, missing);
      for (const [j, id] of missing.entries()) frontier.nodes.set(id.level, got[j]!);
    }
    const completed = hashesCompletedBy(
      index,
      leaf,
      ids.map((id) => frontier.nodes.get(id.level)!),
    );
    // The new leaf merges the frontier's lowest `ids.length` subtrees into one at that level.
    for (const id of ids) frontier.nodes.delete(id.level);
    frontier.nodes.set(ids.length, completed[ids.length]!);
    frontier.size = index + 1;
    const hashes = concatBytes(...completed);
    rows.push({
      idx: index,
      time: entry.time,
      actor: entry.actor,
      action: entry.action,
      subject: entry.subject,
      entry: text,
      // better-sqlite3 binds only Buffer for BLOBs.
      hashes: Buffer.from(hashes.buffer, hashes.byteOffset, hashes.byteLength),
    });
    out.push({ index, entry, leafHash: leaf });
  }
  // SQLite caps bound parameters per statement; 7 columns × 100 rows stays well under it.
  for (let i = 0; i < rows.length; i += 100)
    await trx
      .insertInto('ledger_entries')
      .values(rows.slice(i, i + 100))
      .execute();
  return { appended: out, frontier };
}
