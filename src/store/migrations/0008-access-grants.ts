import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect.ts';

/**
 * Authorization as data: roles (built-in ones seeded from the catalog in src/access/roles.ts,
 * custom ones made from known permissions), grants of a role to a principal with their four-eyes
 * state, the Cedar conditions in force (every version kept), and break-glass accounts. The role
 * assignments of 0003 (`person_roles`) carry over as active grants, and that table goes: grants
 * are the one place a principal's roles live. The built-in role rows are written (and kept in step)
 * by the access module from its catalog at start, not here: a migration is frozen, the catalog is not.
 */

/** The built-in roles that were privileged when this migration was written (frozen on purpose). */
const PRIVILEGED_0008 = [
  'administrator',
  'approver',
  'signer-node',
  'alliance-liaison',
  'reserves-publisher',
  'signing-coordinator',
];
export function accessGrantsMigration(_dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('access_roles')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('description', 'text', (c) => c.notNull())
        /** JSON list of permission names, sorted. */
        .addColumn('permissions', 'text', (c) => c.notNull())
        .addColumn('builtin', 'integer', (c) => c.notNull())
        .addColumn('privileged', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('access_grants')
        .addColumn('id', 'text', (c) => c.primaryKey())
        /** `user:<person id>`, `service:<service id>`, or `user:bg_…` for a break-glass account. */
        .addColumn('principal', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        /** pending | active | revoked | expired | rejected */
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('privileged', 'integer', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('requested_by', 'text', (c) => c.notNull())
        .addColumn('requested_at', 'text', (c) => c.notNull())
        .addColumn('approved_by', 'text')
        .addColumn('approved_at', 'text')
        .addColumn('expires_at', 'text')
        .addColumn('revoked_by', 'text')
        .addColumn('revoked_at', 'text')
        .addColumn('last_used_at', 'text')
        .execute();
      await db.schema
        .createIndex('access_grants_principal')
        .on('access_grants')
        .columns(['principal'])
        .execute();
      // At most one live (pending or active) grant of a role to a principal, even under races.
      await db.schema
        .createIndex('access_grants_live')
        .on('access_grants')
        .columns(['principal', 'role'])
        .unique()
        .where(sql.ref('status'), 'in', sql`('pending', 'active')`)
        .execute();
      await db.schema
        .createTable('access_conditions')
        .addColumn('seq', 'integer', (c) => c.primaryKey())
        /** The conditions as set (JSON), the Cedar policies compiled from them, and their digest. */
        .addColumn('conditions', 'text', (c) => c.notNull())
        .addColumn('cedar', 'text', (c) => c.notNull())
        .addColumn('digest', 'text', (c) => c.notNull())
        .addColumn('set_by', 'text', (c) => c.notNull())
        .addColumn('set_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('access_break_glass')
        .addColumn('id', 'text', (c) => c.primaryKey())
        /** The sealed secret is shown once; only its hash is kept. */
        .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
        .addColumn('roles', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        /** Unused after this, it can no longer be opened (rotate it). */
        .addColumn('valid_until', 'text', (c) => c.notNull())
        /** How long it works once first used. */
        .addColumn('ttl_seconds', 'integer', (c) => c.notNull())
        .addColumn('activated_at', 'text')
        .addColumn('expires_at', 'text')
        .addColumn('revoked_at', 'text')
        .addColumn('revoked_by', 'text')
        .addColumn('uses', 'integer', (c) => c.notNull())
        .addColumn('last_used_at', 'text')
        .execute();

      await sql`insert into access_grants
          (id, principal, role, status, privileged, reason, requested_by, requested_at, approved_by, approved_at,
           expires_at, revoked_by, revoked_at, last_used_at)
        select 'g_0008_' || person_id || '_' || role, 'user:' || person_id, role, 'active',
          case when role in (${sql.join(PRIVILEGED_0008)}) then 1 else 0 end,
          'carried over from person_roles', granted_by, granted_at, 'migration:0008-access-grants', granted_at,
          null, null, null, null
        from person_roles`.execute(db);
      await db.schema.dropTable('person_roles').execute();
    },
  };
}
