/**
 * Opening the store: SQLite (better-sqlite3, WAL) by default, PostgreSQL when a postgres:// URL is
 * given. Migrations run on open, so a store is always at the current schema or not opened at all.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, type Migration, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { RampartError } from '../core/index.ts';
import type { Dialect } from './dialect.ts';
import { allMigrations } from './migrations/index.ts';
import type { Database } from './schema.ts';

// int8 (BIGINT) and numeric counts arrive as strings by default; every BIGINT we store is an
// index or a size, far below 2^53, so parse to number.
pg.types.setTypeParser(20, (v) => Number(v));

export type SqliteSynchronous = 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA';

export interface StoreOptions {
  /** postgres:// URL; absent: SQLite file `<dataDir>/rampart.sqlite`. */
  databaseUrl?: string | undefined;
  dataDir?: string;
  /** An explicit SQLite file (':memory:' allowed), instead of the one under dataDir. */
  sqliteFile?: string;
  /**
   * SQLite durability. FULL (default) fsyncs the WAL on every commit, so an acknowledged audit
   * entry survives power loss; NORMAL survives a process crash only.
   */
  sqliteSynchronous?: SqliteSynchronous;
  /** PostgreSQL pool size. */
  poolSize?: number;
  /** Extra migrations (tests, benchmarks). */
  extraMigrations?: Record<string, Migration>;
}

export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  /** Where the data is, without secrets (for logs). */
  readonly location: string;
  close(): Promise<void>;
}

export async function openStore(opts: StoreOptions): Promise<Store> {
  let db: Kysely<Database>;
  let dialect: Dialect;
  let location: string;
  let closeConnections = async () => {};
  if (opts.databaseUrl) {
    dialect = 'postgres';
    const url = new URL(opts.databaseUrl);
    location = `postgres://${url.hostname}:${url.port || 5432}${url.pathname}`;
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10 });
    // An idle connection that PostgreSQL ends (a restart, a fail-over, an administrator) is reported
    // on the pool, which drops it and connects anew for the next query; without a listener that
    // report would end the whole process (node-postgres: "always attach an error listener").
    pool.on('error', (e) =>
      process.emitWarning(
        `an idle PostgreSQL connection was lost (${e.message}); the next query reconnects`,
        {
          code: 'RAMPART_STORE_CONNECTION_LOST',
        },
      ),
    );
    // pool.end() resolves as soon as it has asked its connections to close, before they have: the
    // store's close waits for them, so that nothing is still talking to the database afterwards.
    const connections = new Set<pg.Client>();
    pool.on('connect', (client) => {
      connections.add(client);
      client.once('end', () => connections.delete(client));
    });
    closeConnections = async () => {
      const ended = Promise.all(
        [...connections].map((c) => new Promise<void>((done) => c.once('end', () => done()))),
      );
      // A connection that never reports its end (a dead network) does not hold the close forever.
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((done) => {
        timer = setTimeout(done, 5000);
        timer.unref();
      });
      await Promise.race([ended, late]);
      clearTimeout(timer);
    };
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  } else {
    dialect = 'sqlite';
    let file = opts.sqliteFile;
    if (!file) {
      if (!opts.dataDir)
        throw new RampartError('STORE_CONFIG', 'a data directory or a database URL is needed');
      mkdirSync(opts.dataDir, { recursive: true });
      file = join(opts.dataDir, 'rampart.sqlite');
    }
    location = file;
    const sqlite = new BetterSqlite3(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma(`synchronous = ${opts.sqliteSynchronous ?? 'FULL'}`);
    sqlite.pragma('busy_timeout = 10000');
    sqlite.pragma('foreign_keys = ON');
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  }
  try {
    await migrate(db, dialect, opts.extraMigrations);
  } catch (e) {
    await db.destroy();
    throw new RampartError(
      'STORE_UNAVAILABLE',
      `cannot open the store at ${location}: ${(e as Error).message}`,
      {
        cause: e,
        status: 503,
      },
    );
  }
  return {
    db,
    dialect,
    location,
    async close() {
      await db.destroy();
      await closeConnections();
    },
  };
}

async function migrate(
  db: Kysely<Database>,
  dialect: Dialect,
  extra?: Record<string, Migration>,
): Promise<void> {
  const migrations = { ...allMigrations(dialect), ...extra };
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'rampart_migrations',
    migrationLockTableName: 'rampart_migrations_lock',
    // Modules own their migrations and number them independently; one that lands with a lower
    // number than an already applied one still runs (they never depend on each other's order).
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`migration ${failed?.migrationName ?? '?'} failed: ${(error as Error).message ?? error}`);
  }
}

/**
 * Kysely's SQLite driver prepares every statement anew; Rampart runs the same few statements
 * over and over, so keep the prepared ones (bounded, least recently added evicted).
 */
function withStatementCache(db: BetterSqlite3.Database, max = 500): BetterSqlite3.Database {
  const cache = new Map<string, BetterSqlite3.Statement>();
  const prepare = db.prepare.bind(db);
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop !== 'prepare') {
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      }
      return (source: string) => {
        let st = cache.get(source);
        if (!st) {
          st = prepare(source);
          if (cache.size >= max) cache.delete(cache.keys().next().value!);
          cache.set(source, st);
        }
        return st;
      };
    },
  });
}
