import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.ts';

/**
 * The threshold-signing coordinator's registry: keys made by DKG among signer nodes, the nodes
 * holding their shares (URL and keys), and every ceremony (DKG, sign, refresh, repair) with its
 * outcome. Shares are never here: they live sealed in each node's own store.
 */
export function signingMigration(_dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('signing_keys')
        .addColumn('key_id', 'text', (c) => c.primaryKey())
        .addColumn('suite', 'text', (c) => c.notNull())
        .addColumn('threshold', 'integer', (c) => c.notNull())
        .addColumn('max_signers', 'integer', (c) => c.notNull())
        /** The group key as standard verifiers take it (Ed25519 32 B, SEC1 33 B, BIP340 x-only 32 B), hex. */
        .addColumn('group_public_key', 'text', (c) => c.notNull())
        /** FROST public package (commitments, verifying shares), JSON with hex bytes. */
        .addColumn('public_package', 'text', (c) => c.notNull())
        .addColumn('generation', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('signing_key_nodes')
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('identifier', 'text', (c) => c.notNull())
        .addColumn('node_id', 'text', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('signing_public', 'text', (c) => c.notNull())
        .addColumn('box_public', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('signing_key_nodes_pk', ['key_id', 'identifier'])
        .execute();
      await db.schema
        .createTable('signing_ceremonies')
        .addColumn('ceremony_id', 'text', (c) => c.primaryKey())
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('participants', 'text', (c) => c.notNull())
        .addColumn('result', 'text')
        .addColumn('error', 'text')
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .execute();
      await db.schema
        .createIndex('signing_ceremonies_key')
        .on('signing_ceremonies')
        .columns(['key_id', 'started_at'])
        .execute();
    },
  };
}
