/**
 * Services (signer nodes, bots, other alliance members) and their Ed25519 request-signing keys.
 * Registration and revocation are audited in the same transaction. A service holds exactly the
 * permissions written here: least privilege, explicit.
 */
import { base64ToBytes, InvalidInputError, NotFoundError } from '../../core/index.ts';
import type { Ledger } from '../../ledger/index.ts';
import { bumpGeneration, generationOf } from '../authz/generation.ts';

export interface ServiceRecord {
  keyId: string;
  serviceId: string;
  publicKey: string;
  permissions: string[];
  createdAt: string;
  revokedAt: string | null;
}

const ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const PERMISSION = /^[a-z]+(:[a-z*-]+)+$/;

export async function registerServiceKey(
  ledger: Ledger,
  opts: { serviceId: string; keyId: string; publicKey: string; permissions: string[]; actor: string },
): Promise<ServiceRecord> {
  if (!ID.test(opts.serviceId))
    throw new InvalidInputError(
      'SERVICE_ID_INVALID',
      'a service id is 1–64 lower-case letters, digits, ".", "_" or "-"',
    );
  if (!ID.test(opts.keyId))
    throw new InvalidInputError(
      'SERVICE_KEY_ID_INVALID',
      'a key id is 1–64 lower-case letters, digits, ".", "_" or "-"',
    );
  let pk: Uint8Array;
  try {
    pk = base64ToBytes(opts.publicKey);
  } catch {
    pk = new Uint8Array();
  }
  if (pk.length !== 32)
    throw new InvalidInputError(
      'SERVICE_KEY_INVALID',
      'the public key must be a base64 Ed25519 key (32 bytes)',
    );
  for (const p of opts.permissions)
    if (!PERMISSION.test(p))
      throw new InvalidInputError('PERMISSION_INVALID', `"${p}" is not a permission (module:action)`);
  const now = ledger.clock.now().toISOString();
  await ledger.record(
    {
      actor: opts.actor,
      action: 'access.service_key.registered',
      subject: `service:${opts.serviceId}`,
      payload: { keyId: opts.keyId, publicKey: opts.publicKey, permissions: opts.permissions },
    },
    async (db) => {
      await db
        .insertInto('service_keys')
        .values({
          key_id: opts.keyId,
          service_id: opts.serviceId,
          public_key: opts.publicKey,
          permissions: JSON.stringify([...new Set(opts.permissions)].sort()),
          created_at: now,
          revoked_at: null,
        })
        .execute();
    },
  );
  bumpGeneration(ledger);
  return {
    keyId: opts.keyId,
    serviceId: opts.serviceId,
    publicKey: opts.publicKey,
    permissions: opts.permissions,
    createdAt: now,
    revokedAt: null,
  };
}

export async function revokeServiceKey(
  ledger: Ledger,
  opts: { keyId: string; actor: string },
): Promise<void> {
  const now = ledger.clock.now().toISOString();
  await ledger.record(
    { actor: opts.actor, action: 'access.service_key.revoked', subject: opts.keyId },
    async (db) => {
      const r = await db
        .updateTable('service_keys')
        .set({ revoked_at: now })
        .where('key_id', '=', opts.keyId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0)
        throw new NotFoundError('SERVICE_KEY_NOT_FOUND', `no active service key ${opts.keyId}`);
    },
  );
  bumpGeneration(ledger);
}

export async function findServiceKey(ledger: Ledger, keyId: string): Promise<ServiceRecord | undefined> {
  const r = await ledger.store.db
    .selectFrom('service_keys')
    .selectAll()
    .where('key_id', '=', keyId)
    .executeTakeFirst();
  if (!r) return undefined;
  return {
    keyId: r.key_id,
    serviceId: r.service_id,
    publicKey: r.public_key,
    permissions: JSON.parse(r.permissions) as string[],
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
  };
}

/**
 * Keys as the signed-request check reads them, on every request: kept for ACTIVE_KEY_TTL_MS. A
 * registration or revocation in this process empties the cache at once (the authorization
 * generation, as for grants); another process's revocation (the CLI against the same database,
 * another server on the same PostgreSQL) is seen within the same 2 seconds the authorizer allows
 * for grants. Only keys found are kept, at most ACTIVE_KEYS_MAX, so unknown key ids cannot fill it.
 */
const ACTIVE_KEY_TTL_MS = 2_000;
const ACTIVE_KEYS_MAX = 4_096;
interface ActiveKeyCache {
  generation: number;
  keys: Map<string, { record: ServiceRecord; at: number }>;
}
const activeKeys = new WeakMap<Ledger, ActiveKeyCache>();

/**
 * The key registered as `keyId` if it is not revoked: the cached record itself (no promise) while
 * it is fresh, else a promise of the database's answer. Signed requests look a key up on every call.
 */
export function findActiveServiceKey(
  ledger: Ledger,
  keyId: string,
): ServiceRecord | undefined | Promise<ServiceRecord | undefined> {
  const generation = generationOf(ledger);
  let cache = activeKeys.get(ledger);
  if (!cache || cache.generation !== generation) {
    cache = { generation, keys: new Map() };
    activeKeys.set(ledger, cache);
  }
  const hit = cache.keys.get(keyId);
  const now = Date.now();
  if (hit && now - hit.at < ACTIVE_KEY_TTL_MS) return hit.record;
  return readActiveServiceKey(ledger, keyId, cache, now);
}

async function readActiveServiceKey(
  ledger: Ledger,
  keyId: string,
  cache: ActiveKeyCache,
  now: number,
): Promise<ServiceRecord | undefined> {
  const record = await findServiceKey(ledger, keyId);
  if (!record || record.revokedAt) {
    cache.keys.delete(keyId);
    return undefined;
  }
  if (cache.generation === generationOf(ledger)) {
    if (cache.keys.size >= ACTIVE_KEYS_MAX) cache.keys.delete(cache.keys.keys().next().value!);
    cache.keys.set(keyId, { record, at: now });
  }
  return record;
}

export async function listServiceKeys(ledger: Ledger): Promise<ServiceRecord[]> {
  const rows = await ledger.store.db
    .selectFrom('service_keys')
    .select('key_id')
    .orderBy('service_id')
    .execute();
  return (await Promise.all(rows.map((r) => findServiceKey(ledger, r.key_id)))).filter(
    (x): x is ServiceRecord => !!x,
  );
}
