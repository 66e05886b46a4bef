/** The coordinator's key registry (migration 0014-signing): keys, the nodes holding shares, ceremonies. */
import type { Kysely, Transaction } from 'kysely';
import { NotFoundError } from '../../core/index.ts';
import type { Database } from '../../store/index.ts';
import type { PublicPackageJson } from '../node/index.ts';

export interface KeyNode {
  identifier: string;
  nodeId: string;
  url: string;
  signingPublic: string;
  boxPublic: string;
}

export interface RegisteredKey {
  keyId: string;
  suite: string;
  threshold: number;
  maxSigners: number;
  groupPublicKey: string;
  publicPackage: PublicPackageJson;
  generation: number;
  createdAt: string;
  updatedAt: string;
  nodes: KeyNode[];
}

type Db = Kysely<Database> | Transaction<Database>;

export async function findKey(db: Db, keyId: string): Promise<RegisteredKey | undefined> {
  const row = await db.selectFrom('signing_keys').selectAll().where('key_id', '=', keyId).executeTakeFirst();
  if (!row) return undefined;
  const nodes = await db
    .selectFrom('signing_key_nodes')
    .selectAll()
    .where('key_id', '=', keyId)
    .orderBy('identifier')
    .execute();
  return {
    keyId: row.key_id,
    suite: row.suite,
    threshold: Number(row.threshold),
    maxSigners: Number(row.max_signers),
    groupPublicKey: row.group_public_key,
    publicPackage: JSON.parse(row.public_package),
    generation: Number(row.generation),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    nodes: nodes.map((n) => ({
      identifier: n.identifier,
      nodeId: n.node_id,
      url: n.url,
      signingPublic: n.signing_public,
      boxPublic: n.box_public,
    })),
  };
}

export async function getKey(db: Db, keyId: string): Promise<RegisteredKey> {
  const k = await findKey(db, keyId);
  if (!k) throw new NotFoundError('SIGNING_KEY_UNKNOWN', `no threshold key ${keyId}`, { keyId });
  return k;
}

export async function listKeys(db: Db): Promise<RegisteredKey[]> {
  const rows = await db.selectFrom('signing_keys').select('key_id').orderBy('created_at').execute();
  const out: RegisteredKey[] = [];
  for (const r of rows) out.push(await getKey(db, r.key_id));
  return out;
}

export async function insertKey(
  db: Db,
  k: Omit<RegisteredKey, 'createdAt' | 'updatedAt'>,
  now: string,
): Promise<void> {
  await db
    .insertInto('signing_keys')
    .values({
      key_id: k.keyId,
      suite: k.suite,
      threshold: k.threshold,
      max_signers: k.maxSigners,
      group_public_key: k.groupPublicKey,
      public_package: JSON.stringify(k.publicPackage),
      generation: k.generation,
      created_at: now,
      updated_at: now,
    })
    .execute();
  for (const n of k.nodes) {
    await db
      .insertInto('signing_key_nodes')
      .values({
        key_id: k.keyId,
        identifier: n.identifier,
        node_id: n.nodeId,
        url: n.url,
        signing_public: n.signingPublic,
        box_public: n.boxPublic,
      })
      .execute();
  }
}

export async function updateKeyPackage(
  db: Db,
  keyId: string,
  publicPackage: PublicPackageJson,
  generation: number,
  now: string,
): Promise<void> {
  await db
    .updateTable('signing_keys')
    .set({ public_package: JSON.stringify(publicPackage), generation, updated_at: now })
    .where('key_id', '=', keyId)
    .execute();
}

export async function updateKeyNode(db: Db, keyId: string, n: KeyNode): Promise<void> {
  await db
    .updateTable('signing_key_nodes')
    .set({ node_id: n.nodeId, url: n.url, signing_public: n.signingPublic, box_public: n.boxPublic })
    .where('key_id', '=', keyId)
    .where('identifier', '=', n.identifier)
    .execute();
}

export interface CeremonyRecord {
  ceremonyId: string;
  keyId: string;
  kind: string;
  status: string;
  actor: string;
  participants: unknown;
  result: unknown;
  error: unknown;
  startedAt: string;
  finishedAt: string | null;
}

export async function listCeremonies(db: Db, keyId?: string): Promise<CeremonyRecord[]> {
  let q = db.selectFrom('signing_ceremonies').selectAll().orderBy('started_at');
  if (keyId) q = q.where('key_id', '=', keyId);
  const rows = await q.execute();
  return rows.map((r) => ({
    ceremonyId: r.ceremony_id,
    keyId: r.key_id,
    kind: r.kind,
    status: r.status,
    actor: r.actor,
    participants: JSON.parse(r.participants),
    result: r.result === null ? null : JSON.parse(r.result),
    error: r.error === null ? null : JSON.parse(r.error),
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  }));
}
