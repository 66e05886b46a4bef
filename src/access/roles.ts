/**
 * Roles and the permissions they hold: a fixed map for now (roles as data replaces it). Every
 * permission is named exactly as routes declare it (`config.permission`); there are no wildcards.
 * Separation of duties starts here: the administrator manages people and roles only and can
 * neither initiate nor approve a transfer; the auditor only reads.
 */

/** What every signed-in person may do to their own account: sign out, manage their passkeys. */
export const SELF = 'access:self';

/** The people-and-roles permissions (`access:*`). */
export const ACCESS_PERMISSIONS = [SELF, 'access:people:read', 'access:people:write', 'access:roles:write'];

export const ROLES = {
  administrator: [...ACCESS_PERMISSIONS, 'ledger:read'],
  operator: [SELF, 'custody:read', 'custody:analyze', 'custody:request:submit', 'ledger:read'],
  approver: [SELF, 'custody:read', 'custody:analyze', 'custody:approve', 'ledger:read'],
  auditor: [SELF, 'access:people:read', 'custody:read', 'ledger:read'],
} as const satisfies Record<string, readonly string[]>;

export type RoleName = keyof typeof ROLES;

export function isRole(name: string): name is RoleName {
  return Object.hasOwn(ROLES, name);
}

/** The union of the roles' permissions; unknown role names grant nothing. */
export function permissionsFor(roles: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const r of roles) if (isRole(r)) for (const p of ROLES[r]) out.add(p);
  return out;
}
