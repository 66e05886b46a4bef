import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.ts';

/**
 * Reserve attestations (issue 8): every published statement, and per asset its reserves,
 * liabilities and ratio, kept as history. Amounts are decimal text: wei overflow BIGINT.
 */
export function reservesAttestationsMigration(_dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('reserves_attestations')
        .addColumn('seq', 'integer', (c) => c.primaryKey())
        .addColumn('exchange', 'text', (c) => c.notNull())
        /** the attestation date the ownership messages name (YYYY-MM-DD) */
        .addColumn('date', 'text', (c) => c.notNull())
        /** SHA-256 (hex) of the statement's RFC 8785 canonical JSON */
        .addColumn('digest', 'text', (c) => c.notNull())
        /** the statement, RFC 8785 canonical JSON */
        .addColumn('statement', 'text', (c) => c.notNull())
        .addColumn('liabilities_root', 'text', (c) => c.notNull())
        .addColumn('ledger_index', 'integer', (c) => c.notNull())
        .addColumn('published_at', 'text', (c) => c.notNull())
        .addColumn('published_by', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('reserves_attestation_assets')
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('asset', 'text', (c) => c.notNull())
        .addColumn('reserves', 'text', (c) => c.notNull())
        .addColumn('liabilities', 'text', (c) => c.notNull())
        /** reserves / liabilities rounded down to 6 decimals; null when there are no liabilities */
        .addColumn('ratio', 'text')
        .addPrimaryKeyConstraint('reserves_attestation_assets_pk', ['seq', 'asset'])
        .execute();
    },
  };
}
