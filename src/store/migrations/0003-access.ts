import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect.ts';

/**
 * People and their passkeys (WebAuthn), role assignments, one-time enrollment tokens, ceremony
 * challenges and sessions. Secrets (enrollment tokens, session ids) are stored only as SHA-256
 * hashes; timestamps are ISO 8601 UTC text, so they compare as strings.
 */
export function accessMigration(dialect: Dialect) {
  const big = dialect === 'postgres' ? 'bigint' : 'integer';
  const bytes = dialect === 'postgres' ? 'bytea' : 'blob';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('people')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        /** The WebAuthn user handle (base64url), random, never shown. */
        .addColumn('user_handle', 'text', (c) => c.notNull().unique())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('person_roles')
        .addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('granted_at', 'text', (c) => c.notNull())
        .addColumn('granted_by', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('person_roles_pk', ['person_id', 'role'])
        .execute();
      await db.schema
        .createTable('passkeys')
        /** The credential id, base64url. */
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
        /** COSE public key. */
        .addColumn('public_key', sql.raw(bytes), (c) => c.notNull())
        .addColumn('counter', sql.raw(big), (c) => c.notNull())
        /** JSON list of transports the authenticator reported. */
        .addColumn('transports', 'text', (c) => c.notNull())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('aaguid', 'text', (c) => c.notNull())
        .addColumn('backed_up', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_used_at', 'text')
        .addColumn('revoked_at', 'text')
        .execute();
      await db.schema.createIndex('passkeys_person').on('passkeys').columns(['person_id']).execute();
      await db.schema
        .createTable('access_enrollments')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('purpose', 'text', (c) => c.notNull())
        /** JSON list of roles the enrolled person receives. */
        .addColumn('roles', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('used_at', 'text')
        .addColumn('revoked_at', 'text')
        .addColumn('person_id', 'text')
        .execute();
      await db.schema
        .createTable('access_challenges')
        .addColumn('id', 'text', (c) => c.primaryKey())
        /** signin | enroll | passkey (a signed-in person adding one). */
        .addColumn('purpose', 'text', (c) => c.notNull())
        /** base64url, exactly as sent in the options. */
        .addColumn('challenge', 'text', (c) => c.notNull())
        .addColumn('person_id', 'text')
        .addColumn('enrollment_id', 'text')
        .addColumn('user_handle', 'text')
        .addColumn('name', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('used_at', 'text')
        .execute();
      await db.schema
        .createIndex('access_challenges_expiry')
        .on('access_challenges')
        .columns(['expires_at'])
        .execute();
      await db.schema
        .createTable('access_sessions')
        /** A public handle (appears in the ledger); the secret is the cookie, stored hashed. */
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
        .addColumn('passkey_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_seen_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .addColumn('revoked_reason', 'text')
        .execute();
      await db.schema
        .createIndex('access_sessions_person')
        .on('access_sessions')
        .columns(['person_id'])
        .execute();
    },
  };
}
