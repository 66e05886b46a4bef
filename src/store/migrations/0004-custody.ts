import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.ts';

/** Registered wallets and the screening (deny) list the custody guard checks against. */
export function custodyMigration(_dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('custody_wallets')
        .addColumn('chain_id', 'integer', (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull())
        /** RFC 8785 JSON of the WalletConfig (owners, threshold, version, address book, …). */
        .addColumn('config', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('custody_wallets_pk', ['chain_id', 'address'])
        .execute();
      await db.schema
        .createTable('screening_entries')
        /** lower-case address */
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('added_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('screening_entries_pk', ['address', 'source'])
        .execute();
    },
  };
}
