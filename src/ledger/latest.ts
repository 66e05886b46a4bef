/**
 * The newest entries of one kind: "the last refresh committed for key k", "the latest liabilities
 * root", "the recent break-glass uses". Modules that keep no table of their own for such a fact read
 * it back from the ledger, newest first, through the `action` (and `subject`) indexes — the ledger
 * is the record, so there is no second copy to drift from it.
 */
import type { Kysely } from 'kysely';
import { InvalidInputError } from '../core/index.ts';
import type { Database } from '../store/index.ts';
import { type StoredEntry, toStored } from './stored-entry.ts';

export interface LatestQuery {
  action: string;
  subject?: string;
  /** How many, newest first: 1 to 1000, 1 by default. */
  limit?: number;
}

export async function latestEntries(
  db: Kysely<Database>,
  { action, subject, limit = 1 }: LatestQuery,
): Promise<StoredEntry[]> {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000)
    throw new InvalidInputError(
      'LEDGER_LIMIT_INVALID',
      `limit must be an integer from 1 to 1000 (got ${limit})`,
    );
  let q = db.selectFrom('ledger_entries').select(['idx', 'entry', 'hashes']).where('action', '=', action);
  if (subject !== undefined) q = q.where('subject', '=', subject);
  const rows = await q.orderBy('idx', 'desc').limit(limit).execute();
  return rows.map(toStored);
}
