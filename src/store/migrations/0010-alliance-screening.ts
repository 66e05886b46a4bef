import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect.ts';

/**
 * The alliance screening set (issue 7): one row per (canonical address, source), kept after removal
 * (`removed_at`) so other processes can replay changes by `seq`. `alliance_screening_head` holds the
 * last `seq`: every writer bumps it first, which serialises writers (PostgreSQL row lock, SQLite's
 * single writer), so `seq` order is commit order and `seq > last` never skips a committed change.
 *
 * The custody guard's own list (`screening_entries`, 0004) moves here: its rows are copied as EVM
 * entries of the same source; the old table is left in place, unused, because released migrations
 * are never edited.
 */
export function allianceScreeningMigration(_dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('alliance_screening_entries')
        /** canonical form (EVM lower case, bech32 lower case, base58 as written) */
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        /** ethereum | bitcoin */
        .addColumn('chain', 'text', (c) => c.notNull())
        /** evm | p2pkh | p2sh | p2wpkh | p2wsh | p2tr | segwit */
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('listed_by', 'text', (c) => c.notNull())
        .addColumn('confidence', 'integer')
        .addColumn('tlp', 'text')
        .addColumn('object_id', 'text')
        .addColumn('first_seen', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('removed_at', 'text')
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('alliance_screening_entries_pk', ['address', 'source'])
        .execute();
      await db.schema
        .createIndex('alliance_screening_entries_seq')
        .on('alliance_screening_entries')
        .column('seq')
        .execute();
      await db.schema
        .createTable('alliance_screening_head')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .execute();
      const moved = sql`(select count(*) from screening_entries)`;
      await sql`insert into alliance_screening_head (id, seq) values (1, case when ${moved} > 0 then 1 else 0 end)`.execute(
        db,
      );
      await sql`insert into alliance_screening_entries
          (address, source, chain, kind, reason, listed_by, confidence, tlp, object_id, first_seen, updated_at, removed_at, seq)
        select address, source, 'ethereum', 'evm', reason, 'custody screen-import', null, null, null, added_at, added_at, null, 1
        from screening_entries`.execute(db);
    },
  };
}
