/**
 * TAXII data in the main store: API roots, collections, object versions, add statuses. Changes are
 * audited in the same transaction (ledger.transact); reads take the caller's TLP visibility so that
 * what a member may not receive is never even loaded.
 */
import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import {
  bytesToHex,
  canonicalJson,
  InvalidInputError,
  NotFoundError,
  RampartError,
  sha256,
  utf8,
} from '../../core/index.ts';
import type { Ledger } from '../../ledger/index.ts';
import type { Database } from '../../store/index.ts';
import type { TlpLevel } from '../stix/tlp.ts';
import type { VersionRow } from './filters.ts';
import { STIX_MEDIA_TYPE_21 } from './media.ts';
import { mediaTypeFor, specVersionOf, versionOf } from './objects.ts';
import { nextDateAdded, normalizeTimestamp } from './timestamps.ts';
import { tlpOf } from './tlp.ts';
import type { StixValidator } from './validator.ts';

export interface ApiRoot {
  name: string;
  title: string;
  description: string | null;
  maxContentLength: number;
}

export interface Collection {
  id: string;
  apiRoot: string;
  title: string;
  description: string | null;
  alias: string | null;
  mediaTypes: string[];
}

export interface StoredVersion extends VersionRow {
  tlp: TlpLevel;
  addedBy: string;
}

/** Which TLP levels the caller may see: `undefined` = everything (this member's own people). */
export type Visibility = readonly TlpLevel[] | undefined;

export const API_ROOT_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export async function createApiRoot(
  ledger: Ledger,
  r: { name: string; title: string; description?: string; maxContentLength?: number },
  actor: string,
): Promise<ApiRoot> {
  if (!API_ROOT_NAME.test(r.name))
    throw new InvalidInputError(
      'TAXII_API_ROOT_INVALID',
      'an API root name is 1–64 lower-case letters, digits, "_" or "-"',
    );
  const root: ApiRoot = {
    name: r.name,
    title: r.title,
    description: r.description ?? null,
    maxContentLength: r.maxContentLength ?? 10 * 1024 * 1024,
  };
  await ledger.record(
    { actor, action: 'alliance.taxii.api_root.created', subject: r.name, payload: { ...root } },
    async (db) => {
      await db
        .insertInto('taxii_api_roots')
        .values({
          name: root.name,
          title: root.title,
          description: root.description,
          max_content_length: root.maxContentLength,
          created_at: ledger.clock.now().toISOString(),
        })
        .execute();
    },
  );
  return root;
}

export async function createCollection(
  ledger: Ledger,
  c: {
    id?: string;
    apiRoot: string;
    title: string;
    description?: string;
    alias?: string;
    mediaTypes?: string[];
  },
  actor: string,
): Promise<Collection> {
  const id = c.id ?? randomUUID();
  if (!UUID.test(id)) throw new InvalidInputError('TAXII_COLLECTION_INVALID', 'a collection id is a UUID');
  if (!(await getApiRoot(ledger.store.db, c.apiRoot)))
    throw new NotFoundError('TAXII_API_ROOT_NOT_FOUND', `no API root ${c.apiRoot}`);
  const col: Collection = {
    id,
    apiRoot: c.apiRoot,
    title: c.title,
    description: c.description ?? null,
    alias: c.alias ?? null,
    mediaTypes: c.mediaTypes ?? [STIX_MEDIA_TYPE_21],
  };
  await ledger.record(
    { actor, action: 'alliance.taxii.collection.created', subject: id, payload: { ...col } },
    async (db) => {
      await db
        .insertInto('taxii_collections')
        .values({
          id,
          api_root: col.apiRoot,
          title: col.title,
          description: col.description,
          alias: col.alias,
          media_types: JSON.stringify(col.mediaTypes),
          created_at: ledger.clock.now().toISOString(),
        })
        .execute();
    },
  );
  return col;
}

export async function listApiRoots(db: Kysely<Database>): Promise<ApiRoot[]> {
  const rows = await db
    .selectFrom('taxii_api_roots')
    .selectAll()
    .orderBy('created_at')
    .orderBy('name')
    .execute();
  return rows.map((r) => ({
    name: r.name,
    title: r.title,
    description: r.description,
    maxContentLength: Number(r.max_content_length),
  }));
}

export async function getApiRoot(db: Kysely<Database>, name: string): Promise<ApiRoot | undefined> {
  const r = await db.selectFrom('taxii_api_roots').selectAll().where('name', '=', name).executeTakeFirst();
  return (
    r && {
      name: r.name,
      title: r.title,
      description: r.description,
      maxContentLength: Number(r.max_content_length),
    }
  );
}

const toCollection = (r: Database['taxii_collections']): Collection => ({
  id: r.id,
  apiRoot: r.api_root,
  title: r.title,
  description: r.description,
  alias: r.alias,
  mediaTypes: JSON.parse(r.media_types) as string[],
});

export async function listCollections(db: Kysely<Database>, apiRoot?: string): Promise<Collection[]> {
  let q = db.selectFrom('taxii_collections').selectAll();
  if (apiRoot !== undefined) q = q.where('api_root', '=', apiRoot);
  return (await q.orderBy('id').execute()).map(toCollection);
}

export async function getCollection(
  db: Kysely<Database>,
  apiRoot: string,
  id: string,
): Promise<Collection | undefined> {
  const r = await db
    .selectFrom('taxii_collections')
    .selectAll()
    .where('api_root', '=', apiRoot)
    .where('id', '=', id)
    .executeTakeFirst();
  return r && toCollection(r);
}

export class ObjectRejected extends RampartError {
  constructor(id: string, index: number, errors: string[]) {
    super(
      'STIX_OBJECT_INVALID',
      `object ${index} (${id}) is not valid STIX 2.1: ${errors.slice(0, 5).join('; ')}`,
      {
        status: 422,
        details: { id, index, errors },
      },
    );
  }
}

export interface StatusDetail {
  id: string;
  version: string;
  message?: string;
}

export interface StatusResource {
  id: string;
  status: 'complete' | 'pending';
  request_timestamp: string;
  total_count: number;
  success_count: number;
  successes: StatusDetail[];
  failure_count: number;
  failures: StatusDetail[];
  pending_count: number;
  pendings: StatusDetail[];
}

export interface AddResult {
  status: StatusResource;
  /** Object versions that were new (not already held). */
  added: Record<string, unknown>[];
}

/**
 * Add an envelope's objects to a collection, all or nothing (TAXII 2.1 §5.5): every object is
 * validated first, and one invalid object refuses the whole request with its id and the schema
 * error. A version already held is reported as a success and not stored twice. One ledger entry
 * records the request (object ids in full when few, else their digest).
 */
export async function addObjects(
  ledger: Ledger,
  o: {
    apiRoot: string;
    collectionId: string;
    objects: unknown[];
    addedBy: string;
    actor: string;
    validate: StixValidator;
  },
): Promise<AddResult> {
  o.objects.forEach((obj, i) => {
    const errors = o.validate(obj);
    if (errors.length > 0) {
      const id =
        obj && typeof obj === 'object' && typeof (obj as Record<string, unknown>)['id'] === 'string'
          ? String((obj as Record<string, unknown>)['id'])
          : '(no id)';
      throw new ObjectRejected(id, i, errors);
    }
  });
  const now = ledger.clock.now();
  const requestTimestamp = nextDateAdded(now, 1)[0]!;
  const stamps = nextDateAdded(now, o.objects.length);
  const statusId = randomUUID();
  const successes: StatusDetail[] = [];
  const added: Record<string, unknown>[] = [];
  const { result } = await ledger.transact(async (tx) => {
    const rows: Database['taxii_objects'][] = [];
    const seen = new Set<string>();
    for (let i = 0; i < o.objects.length; i++) {
      const obj = o.objects[i] as Record<string, unknown>;
      const id = obj['id'] as string;
      const { version, versionKey } = versionOf(obj, stamps[i]!);
      const specVersion = specVersionOf(obj);
      const key = `${id} ${versionKey} ${specVersion}`;
      successes.push({ id, version });
      if (seen.has(key)) continue;
      seen.add(key);
      rows.push({
        collection_id: o.collectionId,
        object_id: id,
        type: id.split('--')[0]!,
        version,
        version_key: versionKey,
        spec_version: specVersion,
        date_added: stamps[i]!,
        tlp: tlpOf(obj),
        added_by: o.addedBy,
        object: JSON.stringify(obj),
      });
    }
    // Versions already held stay as they are (first date_added wins).
    const fresh: typeof rows = [];
    for (let i = 0; i < rows.length; i += 300) {
      const chunk = rows.slice(i, i + 300);
      const held = await tx.db
        .selectFrom('taxii_objects')
        .select(['object_id', 'version_key', 'spec_version'])
        .where('collection_id', '=', o.collectionId)
        .where('object_id', 'in', [...new Set(chunk.map((r) => r.object_id))])
        .execute();
      const have = new Set(held.map((h) => `${h.object_id} ${h.version_key} ${h.spec_version}`));
      for (const r of chunk)
        if (!have.has(`${r.object_id} ${r.version_key} ${r.spec_version}`)) fresh.push(r);
    }
    for (let i = 0; i < fresh.length; i += 200)
      await tx.db
        .insertInto('taxii_objects')
        .values(fresh.slice(i, i + 200))
        .execute();
    for (const r of fresh) added.push(JSON.parse(r.object) as Record<string, unknown>);
    // A new spec version's media type joins the collection's list.
    const col = await tx.db
      .selectFrom('taxii_collections')
      .select('media_types')
      .where('id', '=', o.collectionId)
      .executeTakeFirst();
    if (col) {
      const types = new Set(JSON.parse(col.media_types) as string[]);
      const before = types.size;
      for (const r of fresh) types.add(mediaTypeFor(r.spec_version));
      if (types.size !== before)
        await tx.db
          .updateTable('taxii_collections')
          .set({ media_types: JSON.stringify([...types]) })
          .where('id', '=', o.collectionId)
          .execute();
    }
    const status: StatusResource = {
      id: statusId,
      status: 'complete',
      request_timestamp: requestTimestamp,
      total_count: successes.length,
      success_count: successes.length,
      successes,
      failure_count: 0,
      failures: [],
      pending_count: 0,
      pendings: [],
    };
    await tx.db
      .insertInto('taxii_statuses')
      .values({
        id: statusId,
        api_root: o.apiRoot,
        requester: o.actor,
        resource: JSON.stringify(status),
        created_at: now.toISOString(),
      })
      .execute();
    const ids = fresh.map((r) => `${r.object_id}@${r.version}`);
    tx.audit({
      actor: o.actor,
      action: 'alliance.taxii.objects.added',
      subject: o.collectionId,
      payload: {
        status: statusId,
        received: successes.length,
        added: fresh.length,
        ...(ids.length <= 100
          ? { objects: ids }
          : { objectsSha256: bytesToHex(sha256(utf8(canonicalJson(ids)))) }),
      },
    });
    return status;
  });
  return { status: result, added };
}

export async function getStatus(
  db: Kysely<Database>,
  apiRoot: string,
  id: string,
): Promise<{ requester: string; resource: StatusResource } | undefined> {
  const r = await db
    .selectFrom('taxii_statuses')
    .selectAll()
    .where('api_root', '=', apiRoot)
    .where('id', '=', id)
    .executeTakeFirst();
  return r && { requester: r.requester, resource: JSON.parse(r.resource) as StatusResource };
}

/**
 * The light rows (no object bodies) of a collection the caller may see, optionally only objects
 * that have some version added after `addedAfter` (every version of those objects is returned, as
 * spec-version defaults compare against all of an object's versions) or with the given ids/types.
 */
export async function loadVersionRows(
  db: Kysely<Database>,
  collectionId: string,
  visibility: Visibility,
  narrow: {
    addedAfter?: string;
    ids?: string[];
    types?: string[];
    objectId?: string;
    /** Only objects with a version added at or after this (the `next` cursor's position). */
    activeSince?: string;
  } = {},
): Promise<StoredVersion[]> {
  // Nothing visible or nothing asked for: no query (PostgreSQL refuses an empty `IN ()`).
  if (visibility?.length === 0 || narrow.ids?.length === 0 || narrow.types?.length === 0) return [];
  let q = db
    .selectFrom('taxii_objects')
    .select(['object_id', 'type', 'version', 'version_key', 'spec_version', 'date_added', 'tlp', 'added_by'])
    .where('collection_id', '=', collectionId);
  if (visibility) q = q.where('tlp', 'in', [...visibility]);
  if (narrow.objectId !== undefined) q = q.where('object_id', '=', narrow.objectId);
  if (narrow.ids) q = q.where('object_id', 'in', narrow.ids);
  if (narrow.types) q = q.where('type', 'in', narrow.types);
  if (narrow.addedAfter !== undefined) {
    const after = narrow.addedAfter;
    q = q.where('object_id', 'in', (sq) =>
      sq
        .selectFrom('taxii_objects as t2')
        .select('t2.object_id')
        .where('t2.collection_id', '=', collectionId)
        .where('t2.date_added', '>', after),
    );
  }
  if (narrow.activeSince !== undefined) {
    const since = narrow.activeSince;
    q = q.where('object_id', 'in', (sq) =>
      sq
        .selectFrom('taxii_objects as t3')
        .select('t3.object_id')
        .where('t3.collection_id', '=', collectionId)
        .where('t3.date_added', '>=', since),
    );
  }
  const rows = await q.execute();
  return rows.map((r) => ({
    objectId: r.object_id,
    type: r.type,
    version: r.version,
    versionKey: r.version_key,
    specVersion: r.spec_version,
    dateAdded: r.date_added,
    tlp: r.tlp as TlpLevel,
    addedBy: r.added_by,
  }));
}

/** The stored JSON text of these versions, in the same order (served as is: no parse, no re-encode). */
export async function loadRawBodies(
  db: Kysely<Database>,
  collectionId: string,
  rows: readonly VersionRow[],
): Promise<string[]> {
  const out = new Map<string, string>();
  const ids = [...new Set(rows.map((r) => r.objectId))];
  for (let i = 0; i < ids.length; i += 500) {
    const got = await db
      .selectFrom('taxii_objects')
      .select(['object_id', 'version_key', 'spec_version', 'object'])
      .where('collection_id', '=', collectionId)
      .where('object_id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const g of got) out.set(`${g.object_id} ${g.version_key} ${g.spec_version}`, g.object);
  }
  return rows.map((r) => out.get(`${r.objectId} ${r.versionKey} ${r.specVersion}`)!);
}

/** The stored bodies of these versions, in the same order. */
export async function loadBodies(
  db: Kysely<Database>,
  collectionId: string,
  rows: readonly VersionRow[],
): Promise<Record<string, unknown>[]> {
  const out = new Map<string, Record<string, unknown>>();
  const ids = [...new Set(rows.map((r) => r.objectId))];
  for (let i = 0; i < ids.length; i += 500) {
    const got = await db
      .selectFrom('taxii_objects')
      .select(['object_id', 'version_key', 'spec_version', 'object'])
      .where('collection_id', '=', collectionId)
      .where('object_id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const g of got)
      out.set(
        `${g.object_id} ${g.version_key} ${g.spec_version}`,
        JSON.parse(g.object) as Record<string, unknown>,
      );
  }
  return rows.map((r) => out.get(`${r.objectId} ${r.versionKey} ${r.specVersion}`)!);
}

/** Delete the given versions of an object (TAXII 2.1 §5.7); audited. */
export async function deleteVersions(
  ledger: Ledger,
  o: { collectionId: string; objectId: string; rows: readonly VersionRow[]; actor: string },
): Promise<number> {
  if (o.rows.length === 0) return 0;
  await ledger.transact(async (tx) => {
    for (const r of o.rows)
      await tx.db
        .deleteFrom('taxii_objects')
        .where('collection_id', '=', o.collectionId)
        .where('object_id', '=', r.objectId)
        .where('version_key', '=', r.versionKey)
        .where('spec_version', '=', r.specVersion)
        .execute();
    tx.audit({
      actor: o.actor,
      action: 'alliance.taxii.object.deleted',
      subject: o.objectId,
      payload: { collection: o.collectionId, versions: o.rows.map((r) => r.version) },
    });
  });
  return o.rows.length;
}

/** Load data in the reference server's file layout (medallion default_data.json) — tests and demos. */
export async function importTaxiiFixture(
  ledger: Ledger,
  data: Record<string, unknown>,
  actor: string,
): Promise<void> {
  for (const [name, value] of Object.entries(data)) {
    if (name.startsWith('/')) continue;
    const root = value as {
      information: { title: string; description?: string; max_content_length: number };
      status?: StatusResource[];
      collections?: {
        id: string;
        title: string;
        description?: string;
        media_types?: string[];
        objects?: Record<string, unknown>[];
        manifest?: { id: string; date_added: string; version: string; media_type: string }[];
      }[];
    };
    await createApiRoot(
      ledger,
      {
        name,
        title: root.information.title,
        ...(root.information.description ? { description: root.information.description } : {}),
        maxContentLength: root.information.max_content_length,
      },
      actor,
    );
    for (const c of root.collections ?? []) {
      await createCollection(
        ledger,
        {
          id: c.id,
          apiRoot: name,
          title: c.title,
          ...(c.description ? { description: c.description } : {}),
          ...(c.media_types ? { mediaTypes: c.media_types } : {}),
        },
        actor,
      );
      const rows: Database['taxii_objects'][] = [];
      for (const obj of c.objects ?? []) {
        const id = obj['id'] as string;
        const specVersion = specVersionOf(obj);
        const stated = versionOf(obj, '');
        const m = (c.manifest ?? []).find(
          (x) => x.id === id && x.version === stated.version && x.media_type.endsWith(specVersion),
        );
        if (!m)
          throw new InvalidInputError(
            'TAXII_FIXTURE_INVALID',
            `no manifest entry for ${id} ${stated.version}`,
          );
        rows.push({
          collection_id: c.id,
          object_id: id,
          type: id.split('--')[0]!,
          version: stated.version,
          version_key: stated.versionKey,
          spec_version: specVersion,
          date_added: normalizeTimestamp(m.date_added)!,
          tlp: tlpOf(obj),
          added_by: 'local',
          object: JSON.stringify(obj),
        });
      }
      if (rows.length > 0)
        await ledger.record(
          {
            actor,
            action: 'alliance.taxii.fixture.loaded',
            subject: c.id,
            payload: { objects: rows.length },
          },
          async (db) => {
            await db.insertInto('taxii_objects').values(rows).execute();
          },
        );
    }
    for (const s of root.status ?? [])
      await ledger.record({ actor, action: 'alliance.taxii.fixture.status', subject: s.id }, async (db) => {
        await db
          .insertInto('taxii_statuses')
          .values({
            id: s.id,
            api_root: name,
            requester: actor,
            resource: JSON.stringify(s),
            created_at: s.request_timestamp,
          })
          .execute();
      });
  }
}

/**
 * The default listing (`match[version]=last`, newest spec version), optionally narrowed by
 * `added_after`, `match[id]` and `match[type]` (what followers ask on every poll), one page of it
 * computed in SQL with window functions (SQLite ≥ 3.25 and PostgreSQL alike): only `limit` rows
 * reach JavaScript, whatever the collection's size. Same semantics as `selectVersions` with these
 * filters: an object's id and type are the same in all its versions, so narrowing by them before
 * the window leaves each remaining object's newest spec version unchanged. The two are held to the
 * same pages by test/alliance/taxii-listing-sql.test.ts.
 */
export async function latestVersionsPage(
  db: Kysely<Database>,
  collectionId: string,
  visibility: Visibility,
  o: {
    addedAfter?: string;
    ids?: readonly string[];
    types?: readonly string[];
    after?: { dateAdded: string; objectId: string; versionKey: string; specVersion: string };
    limit: number;
  },
): Promise<StoredVersion[]> {
  if (visibility?.length === 0 || o.ids?.length === 0 || o.types?.length === 0) return [];
  const anyOf = (column: string, values: readonly string[] | undefined) =>
    values ? sql` AND ${sql.ref(column)} IN (${sql.join(values.map((v) => sql`${v}`))})` : sql``;
  const vis = anyOf('tlp', visibility);
  const narrow = sql`${anyOf('object_id', o.ids)}${anyOf('type', o.types)}`;
  const added = o.addedAfter !== undefined ? sql` AND date_added > ${o.addedAfter}` : sql``;
  const a = o.after;
  const cursor = a
    ? sql` AND (date_added > ${a.dateAdded} OR (date_added = ${a.dateAdded} AND (object_id > ${a.objectId} OR (object_id = ${a.objectId} AND (version_key > ${a.versionKey} OR (version_key = ${a.versionKey} AND spec_version > ${a.specVersion}))))))`
    : sql``;
  const q = sql<Record<string, string>>`
    WITH v AS (
      SELECT object_id, type, version, version_key, spec_version, date_added, tlp, added_by,
             MAX(spec_version) OVER (PARTITION BY object_id) AS newest_spec
      FROM taxii_objects WHERE collection_id = ${collectionId}${vis}${narrow}
    ), f AS (
      SELECT object_id, type, version, version_key, spec_version, date_added, tlp, added_by,
             ROW_NUMBER() OVER (PARTITION BY object_id ORDER BY version_key DESC) AS rn
      FROM v WHERE spec_version = newest_spec${added}
    )
    SELECT object_id, type, version, version_key, spec_version, date_added, tlp, added_by FROM f
    WHERE rn = 1${cursor}
    ORDER BY date_added, object_id, version_key, spec_version
    LIMIT ${o.limit}`;
  const { rows } = await q.execute(db);
  return rows.map((r) => ({
    objectId: r['object_id']!,
    type: r['type']!,
    version: r['version']!,
    versionKey: r['version_key']!,
    specVersion: r['spec_version']!,
    dateAdded: r['date_added']!,
    tlp: r['tlp'] as TlpLevel,
    addedBy: r['added_by']!,
  }));
}
