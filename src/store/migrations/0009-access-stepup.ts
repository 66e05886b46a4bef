import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.ts';

/**
 * Step-up challenges (a fresh passkey assertion bound to one exact action, for one session, used
 * once) and authentication-failure counters for lock-out. Both live in the store, not in memory,
 * so they survive a restart and hold across several server processes. Timestamps are ISO 8601 UTC
 * text and compare as strings.
 */
export function accessStepUpMigration(_dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('access_stepups')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('person_id', 'text', (c) => c.notNull())
        /** The session it was issued to: an assertion is accepted from that session only. */
        .addColumn('session_id', 'text', (c) => c.notNull())
        /** The action's name (e.g. custody.request.approve), for listing; the hash binds the rest. */
        .addColumn('action_name', 'text', (c) => c.notNull())
        /** RFC 8785 canonical JSON of the action the challenge was issued for. */
        .addColumn('action', 'text', (c) => c.notNull())
        /** base64url SHA-256 of the action's canonical JSON: the WebAuthn challenge. */
        .addColumn('challenge', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('used_at', 'text')
        /** used | refused:<CODE> */
        .addColumn('outcome', 'text')
        .addColumn('credential_id', 'text')
        /** JSON: the assertion as received (authenticatorData, clientDataJSON, signature), to re-verify later. */
        .addColumn('assertion', 'text')
        /** The accepted assertion's replay key (credential + normalised signature): never accepted twice. */
        .addColumn('assertion_key', 'text', (c) => c.unique())
        .execute();
      await db.schema
        .createIndex('access_stepups_person')
        .on('access_stepups')
        .columns(['person_id', 'created_at'])
        .execute();
      await db.schema
        .createTable('access_lockouts')
        /** `address:<ip>`, `credential:<id>` or `person:<id>`. */
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('scope', 'text', (c) => c.notNull())
        /** Start of the current counting window. */
        .addColumn('window_start', 'text', (c) => c.notNull())
        .addColumn('failures', 'integer', (c) => c.notNull())
        /** Set when the failures reached the limit: refused until then. */
        .addColumn('locked_until', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
