/**
 * The signer node's own store: an embedded SQLite file in its data directory with its own small
 * migration set (never the coordinator's database). synchronous=FULL: a commit is on disk (WAL
 * fsynced) before it returns, which the one-time nonce rule depends on (nonces.ts).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, type Migration, Migrator, SqliteDialect } from 'kysely';
import { RampartError } from '../../core/index.ts';

export interface IdentityTable {
  id: number;
  /** Ed25519 request/response signing key, sealed in the key store. */
  sealed_signing_key: Uint8Array;
  /** X25519 key that peers encrypt private ceremony messages to, sealed. */
  sealed_box_key: Uint8Array;
  signing_public: string;
  box_public: string;
  created_at: string;
}

export interface ShareTable {
  key_id: string;
  suite: string;
  identifier: string;
  /** The group's public package (FROST `FrostPublic`, bytes as hex), JSON. */
  public_package: string;
  /** The signing share, sealed in the key store (aad binds key id, generation and identifier). */
  sealed_share: Uint8Array;
  /** Bumped by every refresh or repair; a share of an older generation no longer exists here. */
  generation: number;
  updated_at: string;
}

/**
 * A refreshed share waiting for the coordinator's decision (two-phase refresh, refresh.ts): sealed
 * for its new generation, never used to sign; it replaces the `shares` row only on commit.
 */
export interface PendingShareTable {
  key_id: string;
  ceremony_id: string;
  suite: string;
  identifier: string;
  public_package: string;
  sealed_share: Uint8Array;
  generation: number;
  created_at: string;
}

export interface SessionTable {
  session_id: string;
  key_id: string;
  generation: number;
  /** This node's published commitment (hex JSON). */
  commitment: string;
  /** The hiding and binding nonces, sealed; NULL once used or destroyed. */
  sealed_nonces: Uint8Array | null;
  /** committed → used (share released) | expired. */
  status: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface NodeRequestNonceTable {
  key_id: string;
  nonce: string;
  expires_at: number;
}

/** The approvers this node trusts (authorize/approvers.ts), one row per principal. */
export interface ApproverTable {
  principal: string;
  /** JSON: { roles, keys } */
  enrollment: string;
}

/** The node's own audit log of enrollment and policy changes (written with the change). */
export interface NodeAuditTable {
  seq: number | undefined;
  time: string;
  actor: string;
  action: string;
  subject: string;
  payload: string;
}

export interface NodePolicyTable {
  id: number;
  /** JSON of authorize's NodePolicy (the custody policy as parsed, and the quorum for other payloads). */
  policy: string;
  version: string;
  set_at: string;
  set_by: string;
}

/** Requests this node has authorized (authorize/replay.ts), kept durably. */
export interface ReplayTable {
  replay_key: string;
  message_sha256: string;
  first_authorized_at: string;
}

export interface NodeDatabase {
  identity: IdentityTable;
  shares: ShareTable;
  pending_shares: PendingShareTable;
  sessions: SessionTable;
  request_nonces: NodeRequestNonceTable;
  approvers: ApproverTable;
  node_audit: NodeAuditTable;
  node_policy: NodePolicyTable;
  replay: ReplayTable;
}

const migrations: Record<string, Migration> = {
  '0001-signer-node': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('identity')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('sealed_signing_key', 'blob', (c) => c.notNull())
        .addColumn('sealed_box_key', 'blob', (c) => c.notNull())
        .addColumn('signing_public', 'text', (c) => c.notNull())
        .addColumn('box_public', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('shares')
        .addColumn('key_id', 'text', (c) => c.primaryKey())
        .addColumn('suite', 'text', (c) => c.notNull())
        .addColumn('identifier', 'text', (c) => c.notNull())
        .addColumn('public_package', 'text', (c) => c.notNull())
        .addColumn('sealed_share', 'blob', (c) => c.notNull())
        .addColumn('generation', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('sessions')
        .addColumn('session_id', 'text', (c) => c.primaryKey())
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('generation', 'integer', (c) => c.notNull())
        .addColumn('commitment', 'text', (c) => c.notNull())
        .addColumn('sealed_nonces', 'blob')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('used_at', 'text')
        .execute();
      await db.schema
        .createTable('request_nonces')
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('nonce', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('request_nonces_pk', ['key_id', 'nonce'])
        .execute();
    },
  },
  '0002-signer-authorize': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('approvers')
        .addColumn('principal', 'text', (c) => c.primaryKey())
        .addColumn('enrollment', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('node_audit')
        .addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('time', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('node_policy')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('policy', 'text', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('set_at', 'text', (c) => c.notNull())
        .addColumn('set_by', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('replay')
        .addColumn('replay_key', 'text', (c) => c.primaryKey())
        .addColumn('message_sha256', 'text', (c) => c.notNull())
        .addColumn('first_authorized_at', 'text', (c) => c.notNull())
        .execute();
    },
  },
  '0002-pending-shares': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('pending_shares')
        .addColumn('key_id', 'text', (c) => c.primaryKey())
        .addColumn('ceremony_id', 'text', (c) => c.notNull())
        .addColumn('suite', 'text', (c) => c.notNull())
        .addColumn('identifier', 'text', (c) => c.notNull())
        .addColumn('public_package', 'text', (c) => c.notNull())
        .addColumn('sealed_share', 'blob', (c) => c.notNull())
        .addColumn('generation', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
  },
};

export interface NodeDb {
  readonly db: Kysely<NodeDatabase>;
  readonly file: string;
  close(): Promise<void>;
}

export async function openNodeDb(dataDir: string): Promise<NodeDb> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, 'signer.sqlite');
  const sqlite = new BetterSqlite3(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('busy_timeout = 10000');
  // Freed pages are overwritten, so a deleted sealed nonce does not linger in the file.
  sqlite.pragma('secure_delete = ON');
  const db = new Kysely<NodeDatabase>({ dialect: new SqliteDialect({ database: sqlite }) });
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'signer_migrations',
    migrationLockTableName: 'signer_migrations_lock',
  });
  const { error } = await migrator.migrateToLatest();
  if (error) {
    await db.destroy();
    throw new RampartError('SIGNER_STORE_UNAVAILABLE', `cannot open the signer store at ${file}`, {
      cause: error,
      status: 503,
    });
  }
  return { db, file, close: () => db.destroy() };
}
