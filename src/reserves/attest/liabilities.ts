/**
 * The liabilities the ratio is computed against: the latest root published in the ledger
 * (`reserves.liabilities.published`, whose payload is the RootStatement of
 * docs/proof-of-reserves.md). Read from the ledger itself, the signed public record, rather than
 * from any table a builder might rewrite.
 */
import type { Kysely } from 'kysely';
import { InvalidInputError, NotFoundError } from '../../core/index.ts';
import { latestEntries } from '../../ledger/index.ts';
import type { Database } from '../../store/index.ts';
import type { RootStatement } from '../verify/proof.ts';
import type { Liabilities } from './attestation.ts';

export const LIABILITIES_ACTION = 'reserves.liabilities.published';

const DECIMAL = /^(0|[1-9][0-9]*)$/;

/** Liabilities from a published RootStatement (validated: it came from the store, not from code). */
export function liabilitiesFromStatement(s: RootStatement, ledgerIndex?: number): Liabilities {
  const ok =
    typeof s === 'object' &&
    s !== null &&
    Array.isArray(s.assets) &&
    typeof s.root?.hash === 'string' &&
    Array.isArray(s.root?.totals) &&
    s.root.totals.length === s.assets.length &&
    s.root.totals.every((t) => typeof t === 'string' && DECIMAL.test(t));
  if (!ok)
    throw new InvalidInputError(
      'RESERVES_LIABILITIES_INVALID',
      'the published liabilities statement does not have assets and matching root totals',
    );
  return {
    root: s.root.hash,
    totals: Object.fromEntries(s.assets.map((a, i) => [a, BigInt(s.root.totals[i]!)])),
    snapshotTime: s.snapshotTime,
    ...(ledgerIndex === undefined ? {} : { ledgerIndex }),
  };
}

/** The latest published liabilities, or undefined when none was ever published. */
export async function latestLiabilities(db: Kysely<Database>): Promise<Liabilities | undefined> {
  const [entry] = await latestEntries(db, { action: LIABILITIES_ACTION });
  if (!entry) return undefined;
  return liabilitiesFromStatement(entry.payload as unknown as RootStatement, entry.index);
}

export async function requireLiabilities(db: Kysely<Database>): Promise<Liabilities> {
  const l = await latestLiabilities(db);
  if (!l)
    throw new NotFoundError(
      'RESERVES_NO_LIABILITIES',
      'no liabilities root is published yet: publish one first (rampart reserves build), then attest the reserves against it',
    );
  return l;
}
