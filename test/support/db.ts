/**
 * A fresh store for one test, on the database the suite runs against (RAMPART_TEST_DB):
 * a temporary SQLite file, or a new database on the PostgreSQL that scripts/test.mjs started.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore, type Store, type StoreOptions } from '../../src/store/index.ts';

export type TestDbKind = 'sqlite' | 'postgres';

export function testDbKind(): TestDbKind {
  const k = process.env['RAMPART_TEST_DB'] ?? 'sqlite';
  if (k !== 'sqlite' && k !== 'postgres')
    throw new Error(`RAMPART_TEST_DB must be sqlite or postgres, not ${k}`);
  return k;
}

export interface TestDb {
  kind: TestDbKind;
  dataDir: string;
  /** postgres URL of the new database, or undefined on SQLite. */
  databaseUrl: string | undefined;
  open(opts?: Partial<StoreOptions>): Promise<Store>;
  /** Run SQL directly, bypassing Rampart (to tamper with data the way a DBA could). */
  rawSql(sql: string, params?: unknown[]): Promise<unknown[]>;
  drop(): Promise<void>;
}

export async function createTestDb(): Promise<TestDb> {
  const dataDir = mkdtempSync(join(tmpdir(), 'rampart-test-'));
  const kind = testDbKind();
  let databaseUrl: string | undefined;
  if (kind === 'postgres') {
    const admin = process.env['RAMPART_TEST_PG_URL'];
    if (!admin)
      throw new Error(
        'RAMPART_TEST_PG_URL is not set: run the suite with `npm test` (scripts/test.mjs starts PostgreSQL)',
      );
    const name = `t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    await c.query(`CREATE DATABASE ${name}`);
    await c.end();
    const u = new URL(admin);
    u.pathname = `/${name}`;
    databaseUrl = u.toString();
  }
  const sqliteFile = join(dataDir, 'rampart.sqlite');
  return {
    kind,
    dataDir,
    databaseUrl,
    open: (opts = {}) => openStore({ databaseUrl, dataDir, ...opts }),
    async rawSql(sql, params = []) {
      if (kind === 'postgres') {
        const c = new pg.Client({ connectionString: databaseUrl });
        await c.connect();
        try {
          let i = 0;
          const text = sql.replace(/\?/g, () => `$${++i}`);
          return (await c.query(text, params)).rows;
        } finally {
          await c.end();
        }
      }
      const { default: Database } = await import('better-sqlite3');
      const db = new Database(sqliteFile);
      try {
        const st = db.prepare(sql);
        if (st.reader) return st.all(...params);
        st.run(...params);
        return [];
      } finally {
        db.close();
      }
    },
    async drop() {
      rmSync(dataDir, { recursive: true, force: true });
      if (kind === 'postgres') {
        const c = new pg.Client({ connectionString: process.env['RAMPART_TEST_PG_URL'] });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${new URL(databaseUrl!).pathname.slice(1)} WITH (FORCE)`);
        await c.end();
      }
    },
  };
}
