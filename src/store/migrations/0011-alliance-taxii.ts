import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.ts';

/**
 * The alliance's TAXII 2.1 side (issue 7): API roots, collections, stored object versions, add
 * statuses; alliance members with their HTTP Basic credentials (scrypt) and collection rights;
 * what this instance received from the collections it follows (and where from), its follow cursors;
 * incidents and their timeline (declared, received, acknowledged per member).
 */
export function allianceTaxiiMigration(_dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('taxii_api_roots')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('max_content_length', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('taxii_collections')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('api_root', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('alias', 'text')
        /** JSON list of STIX media types held. */
        .addColumn('media_types', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('taxii_objects')
        .addColumn('collection_id', 'text', (c) => c.notNull())
        .addColumn('object_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        /** The version as the object states it (modified, else created, else date_added). */
        .addColumn('version', 'text', (c) => c.notNull())
        /** The same instant as a fixed-width microsecond UTC string: compares as text. */
        .addColumn('version_key', 'text', (c) => c.notNull())
        .addColumn('spec_version', 'text', (c) => c.notNull())
        /** Fixed-width microsecond UTC timestamp (TAXII 2.1 §3.2 date_added). */
        .addColumn('date_added', 'text', (c) => c.notNull())
        /** TLP 2.0 level of the object's markings: clear, green, amber, amber+strict, red, or none. */
        .addColumn('tlp', 'text', (c) => c.notNull())
        /** Who added it: `local` or `member:<id>`. */
        .addColumn('added_by', 'text', (c) => c.notNull())
        .addColumn('object', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('taxii_objects_pk', [
          'collection_id',
          'object_id',
          'version_key',
          'spec_version',
        ])
        .execute();
      await db.schema
        .createIndex('taxii_objects_added')
        .on('taxii_objects')
        .columns(['collection_id', 'date_added'])
        .execute();
      await db.schema
        .createTable('taxii_statuses')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('api_root', 'text', (c) => c.notNull())
        /** Principal that made the request; only it (or a local reader) may read the status. */
        .addColumn('requester', 'text', (c) => c.notNull())
        /** The status resource (TAXII 2.1 §4.3.1) as JSON. */
        .addColumn('resource', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('alliance_members')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        /** The member's STIX identity id (identity--uuid), used in created_by_ref. */
        .addColumn('identity', 'text')
        /** scrypt hash of the HTTP Basic password: `scrypt$N$r$p$salt$hash` (base64). */
        .addColumn('password_hash', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('removed_at', 'text')
        .execute();
      await db.schema
        .createTable('alliance_member_rights')
        .addColumn('member_id', 'text', (c) => c.notNull())
        .addColumn('collection_id', 'text', (c) => c.notNull())
        .addColumn('can_read', 'integer', (c) => c.notNull())
        .addColumn('can_write', 'integer', (c) => c.notNull())
        /** Highest TLP 2.0 level this member may receive from the collection (RED never). */
        .addColumn('tlp_max', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('alliance_member_rights_pk', ['member_id', 'collection_id'])
        .execute();
      await db.schema
        .createTable('alliance_feed')
        /** The followed source (`<name>`, from alliance.follow[]). */
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('object_id', 'text', (c) => c.notNull())
        .addColumn('version_key', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('tlp', 'text', (c) => c.notNull())
        .addColumn('date_added', 'text', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addColumn('object', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('alliance_feed_pk', ['source', 'object_id', 'version_key'])
        .execute();
      await db.schema
        .createIndex('alliance_feed_received')
        .on('alliance_feed')
        .columns(['received_at'])
        .execute();
      await db.schema
        .createTable('alliance_follow_cursors')
        .addColumn('source', 'text', (c) => c.primaryKey())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('collection_id', 'text', (c) => c.notNull())
        /** Date-Added-Last of the last complete poll: the next poll's added_after. */
        .addColumn('added_after', 'text')
        .addColumn('last_poll_at', 'text')
        .addColumn('last_error', 'text')
        .addColumn('failures', 'integer', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('alliance_incidents')
        /** The STIX report id. */
        .addColumn('id', 'text', (c) => c.primaryKey())
        /** `local` when this instance declared it, else the followed source it came from. */
        .addColumn('origin', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('tlp', 'text', (c) => c.notNull())
        .addColumn('collection_id', 'text')
        /** JSON: addresses, attack pattern, course of action, description. */
        .addColumn('detail', 'text', (c) => c.notNull())
        .addColumn('declared_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('acknowledged_at', 'text')
        .execute();
      await db.schema
        .createTable('alliance_incident_events')
        .addColumn('incident_id', 'text', (c) => c.notNull())
        /** `local` or the member id. */
        .addColumn('member', 'text', (c) => c.notNull())
        /** declared, updated, resolved, received, acknowledged */
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('detail', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('alliance_incident_events_pk', ['incident_id', 'member', 'kind', 'at'])
        .execute();
    },
  };
}
