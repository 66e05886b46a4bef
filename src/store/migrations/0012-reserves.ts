import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.ts';

/**
 * Published proof-of-liabilities builds (docs/proof-of-reserves.md §7): one row per root, written in
 * the same transaction as its `reserves.liabilities.published` ledger entry. The tree itself lives
 * in files under `<data dir>/reserves/<build_id>/`.
 */
export function reservesMigration(dialect: Dialect) {
  const big = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('reserves_builds')
        .addColumn('build_id', 'text', (c) => c.primaryKey())
        .addColumn('snapshot_time', 'text', (c) => c.notNull())
        /** JSON list of asset names, in tree order. */
        .addColumn('assets', 'text', (c) => c.notNull())
        .addColumn('height', 'integer', (c) => c.notNull())
        /** The exact user count: private to the exchange (only 2^height is published). */
        .addColumn('users', big, (c) => c.notNull())
        .addColumn('root_hash', 'text', (c) => c.notNull())
        /** JSON list of per-asset totals (decimal strings), in asset order. */
        .addColumn('totals', 'text', (c) => c.notNull())
        /** The published root statement (JSON), exactly the ledger entry's payload. */
        .addColumn('statement', 'text', (c) => c.notNull())
        .addColumn('ledger_index', big, (c) => c.notNull())
        .addColumn('published_at', 'text', (c) => c.notNull())
        .addColumn('published_by', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('reserves_builds_published_at')
        .on('reserves_builds')
        .column('published_at')
        .execute();
    },
  };
}
