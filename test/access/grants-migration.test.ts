/**
 * Existing data carries over: role assignments stored before roles were data (`person_roles`,
 * migration 0003) become active grants when migration 0008-access-grants runs, and the people who
 * held them keep exactly their permissions.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { authzDb } from '../../src/access/authz/index.ts';
import { activeRolesOf } from '../../src/access/grants/index.ts';
import { createTestDb } from '../support/db.ts';
import { testLedger } from '../support/ledger.ts';

test('person_roles become active grants (privileged ones marked), and the old table goes', async () => {
  const tdb = await createTestDb();
  try {
    // A store as it was before 0008: the access tables of 0003 with role rows, no grants yet.
    let store = await tdb.open();
    await sql`delete from rampart_migrations where name = '0008-access-grants'`.execute(store.db);
    for (const t of ['access_grants', 'access_roles', 'access_conditions', 'access_break_glass'])
      await sql`drop table ${sql.table(t)}`.execute(store.db);
    await sql`create table person_roles (person_id text not null references people(id), role text not null,
      granted_at text not null, granted_by text not null, primary key (person_id, role))`.execute(store.db);
    const now = '2026-01-02T03:04:05.000Z';
    for (const [id, name] of [
      ['p_ada', 'Ada'],
      ['p_bob', 'Bob'],
    ])
      await sql`insert into people (id, name, user_handle, status, created_at)
        values (${id}, ${name}, ${`h_${id}`}, 'active', ${now})`.execute(store.db);
    for (const [person, role, by] of [
      ['p_ada', 'administrator', 'enrollment:enr_1'],
      ['p_bob', 'operator', 'enrollment:enr_2'],
      ['p_bob', 'approver', 'enrollment:enr_2'],
    ])
      await sql`insert into person_roles (person_id, role, granted_at, granted_by)
        values (${person}, ${role}, ${now}, ${by})`.execute(store.db);
    await store.close();

    // Opening the store runs 0008.
    store = await tdb.open();
    const grants = await authzDb(store.db)
      .selectFrom('access_grants')
      .selectAll()
      .orderBy('principal')
      .orderBy('role')
      .execute();
    assert.deepEqual(
      grants.map((g) => [
        g.principal,
        g.role,
        g.status,
        Number(g.privileged),
        g.requested_by,
        g.requested_at,
      ]),
      [
        ['user:p_ada', 'administrator', 'active', 1, 'enrollment:enr_1', now],
        ['user:p_bob', 'approver', 'active', 1, 'enrollment:enr_2', now],
        ['user:p_bob', 'operator', 'active', 0, 'enrollment:enr_2', now],
      ],
    );
    assert.ok(grants.every((g) => g.approved_by === 'migration:0008-access-grants'));
    const { ledger } = testLedger(store);
    assert.deepEqual(await activeRolesOf(ledger, 'user:p_bob'), ['approver', 'operator']);
    await assert.rejects(sql`select * from person_roles`.execute(store.db));
    await ledger.stop();
    await store.close();
  } finally {
    await tdb.drop();
  }
});
