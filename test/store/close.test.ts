/**
 * Closing the store ends its database connections before it returns, and on PostgreSQL a connection
 * the server ends while idle is reported as a warning, not as an exception that stops the process
 * (node-postgres emits it on the pool, which throws without a listener).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { createTestDb, type TestDb } from '../support/db.ts';

describe('store: close and lost connections', () => {
  let db: TestDb;
  before(async () => {
    db = await createTestDb();
  });
  after(async () => {
    await db.drop();
  });

  test('after close() no connection of the store is left', async () => {
    const store = await db.open();
    // Several connections at once, so the pool holds more than one.
    await Promise.all(Array.from({ length: 4 }, () => sql`select 1`.execute(store.db)));
    await store.close();
    // Nothing is served after close(), on either store.
    await assert.rejects(async () => sql`select 1`.execute(store.db));
    if (db.kind !== 'postgres') return;
    const rows = (await db.rawSql(
      'select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
    )) as Array<{ n: number }>;
    assert.equal(rows[0]!.n, 0, 'connections of the test database left open after close()');
  });

  test('an idle connection ended by the server: a warning, and the next query reconnects', async (t) => {
    if (db.kind !== 'postgres') return t.skip('PostgreSQL only');
    const store = await db.open();
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      await sql`select 1`.execute(store.db);
      await db.rawSql(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
      );
      // The pool learns of it when the socket closes; give it a moment.
      for (let i = 0; i < 50 && warnings.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      assert.ok(
        warnings.some((w) => (w as Error & { code?: string }).code === 'RAMPART_STORE_CONNECTION_LOST'),
        'a warning names the lost connection',
      );
      const r = await sql<{ one: number }>`select 1 as one`.execute(store.db);
      assert.equal(Number(r.rows[0]!.one), 1);
    } finally {
      process.off('warning', onWarning);
      await store.close();
    }
  });
});
