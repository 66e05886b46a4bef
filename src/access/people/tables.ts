/**
 * Row types of the access tables (migration 0003-access), kept beside the code that uses them, and
 * a typed view of the store's connection that includes them.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../store/index.ts';

export interface PersonTable {
  id: string;
  name: string;
  user_handle: string;
  status: string;
  created_at: string;
}

export interface PasskeyTable {
  id: string;
  person_id: string;
  public_key: Uint8Array;
  counter: number;
  transports: string;
  label: string;
  aaguid: string;
  backed_up: number;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface EnrollmentTable {
  id: string;
  token_hash: string;
  purpose: string;
  roles: string;
  created_at: string;
  created_by: string;
  expires_at: string;
  used_at: string | null;
  revoked_at: string | null;
  person_id: string | null;
}

export interface ChallengeTable {
  id: string;
  purpose: string;
  challenge: string;
  person_id: string | null;
  enrollment_id: string | null;
  user_handle: string | null;
  name: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface SessionTable {
  id: string;
  token_hash: string;
  person_id: string;
  passkey_id: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  revoked_at: string | null;
  revoked_reason: string | null;
}

export interface AccessDatabase extends Database {
  people: PersonTable;
  passkeys: PasskeyTable;
  access_enrollments: EnrollmentTable;
  access_challenges: ChallengeTable;
  access_sessions: SessionTable;
}

/** The same connection, typed with the access tables. */
export function accessDb(db: Kysely<Database>): Kysely<AccessDatabase>;
export function accessDb(db: Transaction<Database>): Transaction<AccessDatabase>;
export function accessDb(db: Kysely<Database> | Transaction<Database>) {
  return db as unknown as Kysely<AccessDatabase>;
}
