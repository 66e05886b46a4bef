/**
 * Row types of the authorization tables (migration 0008-access-grants), kept beside the code that
 * uses them, and a typed view of the store's connection that includes them.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../store/index.ts';
import type { AccessDatabase } from '../people/tables.ts';

export interface RoleTable {
  name: string;
  description: string;
  permissions: string;
  builtin: number;
  privileged: number;
  created_at: string;
  created_by: string;
  updated_at: string;
}

export type GrantStatus = 'pending' | 'active' | 'revoked' | 'expired' | 'rejected';

export interface GrantTable {
  id: string;
  principal: string;
  role: string;
  status: string;
  privileged: number;
  reason: string | null;
  requested_by: string;
  requested_at: string;
  approved_by: string | null;
  approved_at: string | null;
  expires_at: string | null;
  revoked_by: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface ConditionSetTable {
  seq: number;
  conditions: string;
  cedar: string;
  digest: string;
  set_by: string;
  set_at: string;
}

export interface BreakGlassTable {
  id: string;
  secret_hash: string;
  roles: string;
  created_at: string;
  created_by: string;
  valid_until: string;
  ttl_seconds: number;
  activated_at: string | null;
  expires_at: string | null;
  revoked_at: string | null;
  revoked_by: string | null;
  uses: number;
  last_used_at: string | null;
}

export interface AuthzDatabase extends AccessDatabase {
  access_roles: RoleTable;
  access_grants: GrantTable;
  access_conditions: ConditionSetTable;
  access_break_glass: BreakGlassTable;
}

/** The same connection, typed with the authorization tables. */
export function authzDb(db: Kysely<Database>): Kysely<AuthzDatabase>;
export function authzDb(db: Transaction<Database>): Transaction<AuthzDatabase>;
export function authzDb(db: Kysely<Database> | Transaction<Database>) {
  return db as unknown as Kysely<AuthzDatabase>;
}
