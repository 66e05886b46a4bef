/** A real Rampart (store, ledger, HTTP) on a free loopback port, on the suite's database. */
import { type ConfigInput, configSchema } from '../../src/core/node.ts';
import { createRampart, type RampartApp } from '../../src/server/app.ts';
import { seedDemo } from '../../src/server/demo.ts';
import type { PrincipalResolver } from '../../src/server/permissions.ts';
import { createTestDb, type TestDb } from './db.ts';

export interface TestServer {
  url: string;
  app: RampartApp;
  db: TestDb;
  rawSql(sql: string, params?: unknown[]): Promise<unknown[]>;
  close(): Promise<void>;
}

export async function startTestServer(
  opts: {
    demo?: boolean;
    config?: Partial<ConfigInput>;
    db?: TestDb;
    keepDb?: boolean;
    port?: number;
    resolvePrincipal?: PrincipalResolver;
  } = {},
): Promise<TestServer> {
  const db = opts.db ?? (await createTestDb());
  const config = configSchema.parse({
    ...opts.config,
    dataDir: db.dataDir,
    database: { url: db.databaseUrl },
    server: { host: '127.0.0.1', port: 0 },
    ledger: { checkpointEverySeconds: 3600, ...opts.config?.ledger },
  });
  const app = await createRampart(
    config,
    opts.resolvePrincipal ? { resolvePrincipal: opts.resolvePrincipal } : {},
  );
  if (opts.demo) await seedDemo(app.ledger);
  const address = await app.http.listen({ host: '127.0.0.1', port: opts.port ?? 0 });
  let closed = false;
  return {
    url: address,
    app,
    db,
    rawSql: (sql, params) => db.rawSql(sql, params),
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      if (!opts.keepDb) await db.drop();
    },
  };
}
