import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect.ts';

/** The audit ledger, its checkpoints, and witness state. */
export function ledgerMigration(dialect: Dialect) {
  const big = dialect === 'postgres' ? 'bigint' : 'integer';
  const bytes = dialect === 'postgres' ? 'bytea' : 'blob';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('ledger_head')
        .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
        .addColumn('size', sql.raw(big), (c) => c.notNull())
        .execute();
      await db
        .insertInto('ledger_head' as never)
        .values({ id: 1, size: 0 } as never)
        .execute();
      await db.schema
        .createTable('ledger_entries')
        .addColumn('idx', sql.raw(big), (c) => c.primaryKey())
        .addColumn('time', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('entry', 'text', (c) => c.notNull())
        .addColumn('hashes', sql.raw(bytes), (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('ledger_entries_action')
        .on('ledger_entries')
        .columns(['action', 'idx'])
        .execute();
      await db.schema
        .createIndex('ledger_entries_subject')
        .on('ledger_entries')
        .columns(['subject', 'idx'])
        .execute();
      await db.schema
        .createTable('ledger_checkpoints')
        .addColumn('size', sql.raw(big), (c) => c.primaryKey())
        .addColumn('root', sql.raw(bytes), (c) => c.notNull())
        .addColumn('note', 'text', (c) => c.notNull())
        .addColumn('time', 'text', (c) => c.notNull())
        .addColumn('published', 'integer', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('ledger_witness_progress')
        .addColumn('witness', 'text', (c) => c.primaryKey())
        .addColumn('size', sql.raw(big), (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('witness_state')
        .addColumn('origin', 'text', (c) => c.primaryKey())
        .addColumn('size', sql.raw(big), (c) => c.notNull())
        .addColumn('root', sql.raw(bytes), (c) => c.notNull())
        .addColumn('note', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
