/** Row type of `access_stepups` (migration 0009-access-stepup) and a connection typed with it. */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../store/index.ts';
import type { AccessDatabase } from '../people/tables.ts';

export interface StepUpTable {
  id: string;
  person_id: string;
  session_id: string;
  action_name: string;
  action: string;
  challenge: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  outcome: string | null;
  credential_id: string | null;
  assertion: string | null;
  assertion_key: string | null;
}

export interface StepUpDatabase extends AccessDatabase {
  access_stepups: StepUpTable;
}

export function stepUpDb(db: Kysely<Database>): Kysely<StepUpDatabase>;
export function stepUpDb(db: Transaction<Database>): Transaction<StepUpDatabase>;
export function stepUpDb(db: Kysely<Database> | Transaction<Database>) {
  return db as unknown as Kysely<StepUpDatabase>;
}
