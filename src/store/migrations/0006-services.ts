import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.ts';

/** Services' Ed25519 request-signing keys (RFC 9421) and the nonces they have used. */
export function servicesMigration(_dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('service_keys')
        .addColumn('key_id', 'text', (c) => c.primaryKey())
        .addColumn('service_id', 'text', (c) => c.notNull())
        .addColumn('public_key', 'text', (c) => c.notNull())
        /** JSON list of permissions granted to this service (least privilege, explicit). */
        .addColumn('permissions', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .execute();
      await db.schema
        .createTable('request_nonces')
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('nonce', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('request_nonces_pk', ['key_id', 'nonce'])
        .execute();
    },
  };
}
