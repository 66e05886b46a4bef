import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.ts';

/** Every transaction policy ever set, by sequence; the newest is in force. */
export function custodyPolicyMigration(_dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('custody_policies')
        .addColumn('seq', 'integer', (c) => c.primaryKey())
        .addColumn('digest', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('set_by', 'text', (c) => c.notNull())
        .addColumn('set_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
