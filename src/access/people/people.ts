/** People and their roles (read side): a person's roles are their grants in force (src/access/grants). */
import { activeRolesOf, effectiveGrants } from '../grants/grants.ts';
import { type AccessContext, db, nowIso } from './context.ts';

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
  const now = nowIso(ctx);
  return Promise.all(
    people.map(async (p) => ({
      id: p.id,
      name: p.name,
      status: p.status,
      roles: (await effectiveGrants(ctx.ledger, `user:${p.id}`, now)).map((g) => g.role),
      createdAt: p.created_at,
    })),
  );
}

export async function rolesOf(ctx: AccessContext, personId: string): Promise<string[]> {
  return activeRolesOf(ctx.ledger, `user:${personId}`);
}
