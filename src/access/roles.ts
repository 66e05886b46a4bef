/**
 * The catalog of built-in roles and the permissions they hold. Roles are data (the `access_roles`
 * table, migration 0008): the built-in rows are seeded and kept in step from this catalog, which
 * stays their only definition; custom roles are made from the known permissions below. Every
 * permission is named exactly as routes declare it (`config.permission`); there are no wildcards.
 * Separation of duties starts here: the administrator manages people and roles only and can
 * neither initiate nor approve a transfer; the auditor only reads.
 */

/** What every signed-in person may do to their own account: sign out, manage their passkeys. */
export const SELF = 'access:self';

/** The people-and-roles permissions (`access:*`). */
export const ACCESS_PERMISSIONS = [SELF, 'access:people:read', 'access:people:write', 'access:roles:write'];

export const ROLES = {
  administrator: [...ACCESS_PERMISSIONS, 'access:review', 'ledger:read'],
  operator: [SELF, 'custody:read', 'custody:analyze', 'custody:request:submit', 'ledger:read'],
  approver: [SELF, 'custody:read', 'custody:analyze', 'custody:approve', 'ledger:read'],
  auditor: [
    SELF,
    'access:people:read',
    'access:review',
    'custody:read',
    'ledger:read',
    'alliance:read',
    'reserves:read',
    'signing:read',
  ],
  /** A signer node (a service): reads what it needs to re-verify; it never approves. */
  'signer-node': ['signing:node', 'custody:read', 'ledger:read'],
  /** Speaks for the exchange in the security alliance: indicators, incidents, members. */
  'alliance-liaison': [
    SELF,
    'alliance:read',
    'alliance:screen',
    'alliance:import',
    'alliance:incident:write',
    'alliance:members:write',
    'taxii:read',
    'taxii:write',
    'ledger:read',
  ],
  /** Another alliance member's service key: reads and writes the TAXII collections it is allowed. */
  'alliance-member': ['taxii:read', 'taxii:write'],
  /** Builds and publishes proofs of liabilities and reserve attestations. */
  'reserves-publisher': [SELF, 'reserves:read', 'reserves:publish', 'ledger:read'],
  /** Coordinates threshold-signing ceremonies (DKG, sign, refresh, repair) among signer nodes. */
  'signing-coordinator': [SELF, 'signing:read', 'signing:ceremony', 'custody:read', 'ledger:read'],
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

/** Permissions routes declare that no built-in role holds (a custom role may hold them). */
export const EXTRA_PERMISSIONS = ['custody:wallets:write', 'ledger:checkpoint'] as const;

/** Every permission a custom role may be made from: the catalog's and the extra ones. */
export const KNOWN_PERMISSIONS: ReadonlySet<string> = new Set([
  ...Object.values(ROLES).flat(),
  ...EXTRA_PERMISSIONS,
]);

/**
 * A role holding any of these is privileged: granting it takes a second administrator's approval
 * (four eyes). They change who may do what, move or sign for funds, or speak for the exchange.
 */
export const PRIVILEGED_PERMISSIONS: ReadonlySet<string> = new Set([
  'access:roles:write',
  'custody:approve',
  'signing:ceremony',
  'signing:node',
  'reserves:publish',
  'alliance:members:write',
]);

/** Permissions that initiate, approve or configure transfers: never together with `access:roles:write`. */
export const CUSTODY_ACTING_PERMISSIONS: ReadonlySet<string> = new Set([
  'custody:request:submit',
  'custody:approve',
  'custody:wallets:write',
]);

export function isPrivileged(permissions: Iterable<string>): boolean {
  for (const p of permissions) if (PRIVILEGED_PERMISSIONS.has(p)) return true;
  return false;
}

/**
 * The separation-of-duties conflict in a set of permissions, if any: whoever manages roles must not
 * also initiate, approve or configure transfers (they could grant themselves the rest).
 */
export function dutyConflict(permissions: Iterable<string>): string[] | undefined {
  const set = new Set(permissions);
  if (!set.has('access:roles:write')) return undefined;
  const custody = [...set].filter((p) => CUSTODY_ACTING_PERMISSIONS.has(p)).sort();
  return custody.length > 0 ? ['access:roles:write', ...custody] : undefined;
}
