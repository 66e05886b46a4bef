/** People and their role assignments (read side). */
import { type AccessContext, db } from './context.ts';

export interface PersonView {
  id: string;
  name: string;
  status: string;
  roles: string[];
  createdAt: string;
}

export async function countPeople(ctx: AccessContext): Promise<number> {
  const r = await db(ctx)
    .selectFrom('people')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function listPeople(ctx: AccessContext): Promise<PersonView[]> {
  const people = await db(ctx).selectFrom('people').selectAll().orderBy('created_at').orderBy('id').execute();
  const roles = await db(ctx)
    .selectFrom('person_roles')
    .select(['person_id', 'role'])
    .orderBy('role')
    .execute();
  return people.map((p) => ({
    id: p.id,
    name: p.name,
    status: p.status,
    roles: roles.filter((r) => r.person_id === p.id).map((r) => r.role),
    createdAt: p.created_at,
  }));
}

export async function rolesOf(ctx: AccessContext, personId: string): Promise<string[]> {
  const rows = await db(ctx)
    .selectFrom('person_roles')
    .select('role')
    .where('person_id', '=', personId)
    .orderBy('role')
    .execute();
  return rows.map((r) => r.role);
}
