/**
 * Appending entries inside the caller's database transaction.
 *
 * The first statement bumps the single `ledger_head` row, which serialises appends: PostgreSQL takes
 * the row lock until commit, SQLite has one writer. The new leaves' hashes, and the hashes of the
 * complete subtrees they finish, are written in the same transaction as the entries, so a crash leaves
 * either all of an append or none of it.
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

export async function appendEntries(
  trx: Transaction<Database>,
  inputs: EntryInput[],
  clock: Clock,
): Promise<Appended[]> {
  if (inputs.length === 0) return [];
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
  // Hashes of this batch, for siblings that fall inside it.
  const pending = new Map<number, Uint8Array>();
  const out: Appended[] = [];
  const rows: Database['ledger_entries'][] = [];
  for (let k = 0; k < encoded.length; k++) {
    const { entry, text, bytes } = encoded[k]!;
    const index = first + k;
    const leaf = leafHash(bytes);
    const siblingIds = leftSiblingsForAppend(index);
    const siblings: Uint8Array[] = new Array(siblingIds.length);
    const missing: number[] = [];
    siblingIds.forEach((id, j) => {
      const leafIdx = (id.index + 1) * 2 ** id.level - 1;
      const batchHashes = pending.get(leafIdx);
      if (batchHashes) siblings[j] = batchHashes.subarray(id.level * 32, id.level * 32 + 32);
      else missing.push(j);
    });
    if (missing.length > 0) {
      const got = await readNodes(
        trx,
        missing.map((j) => siblingIds[j]!),
      );
      missing.forEach((j, m) => {
        siblings[j] = got[m]!;
      });
    }
    const hashes = concatBytes(...hashesCompletedBy(index, leaf, siblings));
    pending.set(index, hashes);
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
  return out;
}
