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
