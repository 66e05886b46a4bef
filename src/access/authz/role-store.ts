/**
 * Roles as data. Built-in roles are rows written from the catalog (src/access/roles.ts) and kept in
 * step with it; custom roles are made from known permissions, and a role that would let one
 * principal both manage roles and act on transfers is refused (separation of duties).
 */
import type { Kysely } from 'kysely';
import { InvalidInputError, NotFoundError, RampartError } from '../../core/index.ts';
import type { Ledger } from '../../ledger/index.ts';
import type { Database } from '../../store/index.ts';
import { dutyConflict, isPrivileged, isRole, KNOWN_PERMISSIONS, ROLES } from '../roles.ts';
import { authzDb } from './tables.ts';

export interface RoleView {
  name: string;
  description: string;
  permissions: string[];
  builtin: boolean;
  /** Granting it needs a second administrator's approval. */
  privileged: boolean;
  createdAt: string;
  createdBy: string;
}

export const ROLE_NAME = /^[a-z][a-z0-9-]{1,39}$/;

const synced = new WeakSet<object>();

/** Writes the catalog's built-in roles (once per process and store; cheap upserts). */
export async function ensureBuiltinRoles(db: Kysely<Database>, now: string): Promise<void> {
  if (synced.has(db)) return;
  const t = authzDb(db);
  for (const [name, perms] of Object.entries(ROLES)) {
    const permissions = JSON.stringify([...perms].sort());
    const privileged = isPrivileged(perms) ? 1 : 0;
    await t
      .insertInto('access_roles')
      .values({
        name,
        description: 'built-in',
        permissions,
        builtin: 1,
        privileged,
        created_at: now,
        created_by: 'catalog',
        updated_at: now,
      })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet({ permissions, privileged, builtin: 1, description: 'built-in', updated_at: now }),
      )
      .execute();
  }
  synced.add(db);
}

function view(r: {
  name: string;
  description: string;
  permissions: string;
  builtin: number;
  privileged: number;
  created_at: string;
  created_by: string;
}): RoleView {
  return {
    name: r.name,
    description: r.description,
    permissions: JSON.parse(r.permissions) as string[],
    builtin: r.builtin === 1,
    privileged: r.privileged === 1,
    createdAt: r.created_at,
    createdBy: r.created_by,
  };
}

export async function listRoles(ledger: Ledger): Promise<RoleView[]> {
  await ensureBuiltinRoles(ledger.store.db, ledger.clock.now().toISOString());
  const rows = await authzDb(ledger.store.db)
    .selectFrom('access_roles')
    .selectAll()
    .orderBy('builtin', 'desc')
    .orderBy('name')
    .execute();
  return rows.map(view);
}

export async function getRole(ledger: Ledger, name: string): Promise<RoleView> {
  await ensureBuiltinRoles(ledger.store.db, ledger.clock.now().toISOString());
  const r = await authzDb(ledger.store.db)
    .selectFrom('access_roles')
    .selectAll()
    .where('name', '=', name)
    .executeTakeFirst();
  if (!r) throw new NotFoundError('ROLE_UNKNOWN', `no role "${name}"`, { role: name });
  return view(r);
}

/** Checks a custom role's definition (pure): name, known permissions, no duty conflict. */
export function checkCustomRole(input: { name: string; permissions: string[] }): string[] {
  if (!ROLE_NAME.test(input.name))
    throw new InvalidInputError(
      'ROLE_NAME_INVALID',
      'a role name is 2–40 lower-case letters, digits or "-", starting with a letter',
      { role: input.name },
    );
  if (isRole(input.name))
    throw new RampartError('ROLE_EXISTS', `"${input.name}" is a built-in role`, {
      status: 409,
      details: { role: input.name },
    });
  const permissions = [...new Set(input.permissions)].sort();
  if (permissions.length === 0)
    throw new InvalidInputError('ROLE_PERMISSIONS_EMPTY', 'a role holds at least one permission');
  for (const p of permissions)
    if (!KNOWN_PERMISSIONS.has(p))
      throw new InvalidInputError('ROLE_PERMISSION_UNKNOWN', `unknown permission "${p}"`, { permission: p });
  const conflict = dutyConflict(permissions);
  if (conflict)
    throw new RampartError(
      'SEPARATION_OF_DUTIES',
      `a role cannot hold ${conflict.join(' and ')}: whoever manages roles must not initiate, approve or configure transfers`,
      { status: 403, details: { permissions: conflict } },
    );
  return permissions;
}

export async function createRole(
  ledger: Ledger,
  input: { name: string; description?: string; permissions: string[]; actor: string },
  onChange?: () => void,
): Promise<RoleView> {
  const permissions = checkCustomRole(input);
  const description = (input.description ?? '').trim().slice(0, 200);
  const now = ledger.clock.now().toISOString();
  await ensureBuiltinRoles(ledger.store.db, now);
  const privileged = isPrivileged(permissions);
  await ledger.transact(async (tx) => {
    const t = authzDb(tx.db);
    const exists = await t
      .selectFrom('access_roles')
      .select('name')
      .where('name', '=', input.name)
      .executeTakeFirst();
    if (exists)
      throw new RampartError('ROLE_EXISTS', `a role "${input.name}" exists already`, {
        status: 409,
        details: { role: input.name },
      });
    await t
      .insertInto('access_roles')
      .values({
        name: input.name,
        description,
        permissions: JSON.stringify(permissions),
        builtin: 0,
        privileged: privileged ? 1 : 0,
        created_at: now,
        created_by: input.actor,
        updated_at: now,
      })
      .execute();
    tx.audit({
      actor: input.actor,
      action: 'access.role.created',
      subject: `role:${input.name}`,
      payload: { permissions, privileged, description },
    });
  });
  onChange?.();
  return getRole(ledger, input.name);
}

/** Every role's permissions (built-in from the catalog, custom from the table). */
export async function rolePermissionMap(ledger: Ledger): Promise<Map<string, readonly string[]>> {
  const map = new Map<string, readonly string[]>();
  for (const r of await listRoles(ledger)) map.set(r.name, isRole(r.name) ? ROLES[r.name] : r.permissions);
  return map;
}
