import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.ts';

/** Custody requests, the approvals bound to their analysis digest, and collected owner signatures. */
export function custodyRequestsMigration(_dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('custody_requests')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('chain_id', 'integer', (c) => c.notNull())
        .addColumn('wallet', 'text', (c) => c.notNull())
        .addColumn('record', 'text', (c) => c.notNull())
        .addColumn('analysis', 'text', (c) => c.notNull())
        .addColumn('digest', 'text', (c) => c.notNull())
        .addColumn('decision', 'text', (c) => c.notNull())
        .addColumn('required_approvals', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('initiator', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('custody_approvals')
        .addColumn('request_id', 'text', (c) => c.notNull())
        .addColumn('approver', 'text', (c) => c.notNull())
        .addColumn('digest', 'text', (c) => c.notNull())
        .addColumn('signature', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('custody_approvals_pk', ['request_id', 'approver', 'digest'])
        .execute();
      await db.schema
        .createTable('custody_owner_signatures')
        .addColumn('request_id', 'text', (c) => c.notNull())
        .addColumn('digest', 'text', (c) => c.notNull())
        .addColumn('owner', 'text', (c) => c.notNull())
        .addColumn('signature', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('custody_owner_signatures_pk', ['request_id', 'digest', 'owner'])
        .execute();
      await db.schema
        .createTable('custody_approver_keys')
        .addColumn('principal', 'text', (c) => c.notNull())
        .addColumn('public_key', 'text', (c) => c.notNull())
        .addColumn('added_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('custody_approver_keys_pk', ['principal', 'public_key'])
        .execute();
    },
  };
}
