/**
 * Publishing and reading reserve attestations (the I/O side). Publishing verifies everything first
 * (attestation.ts), then writes the statement, its per-asset lines and the ledger entry
 * `reserves.attestation.published` in ONE transaction (DESIGN principle 2): the ledger's signed
 * checkpoint then covers the statement's digest.
 */
import { canonicalJson, NotFoundError } from '../../core/index.ts';
import type { Ledger } from '../../ledger/index.ts';
import {
  type AssetLine,
  type AttestationStatement,
  buildStatement,
  checkReserves,
  statementDigest,
} from './attestation.ts';
import type { AttestationFile } from './file-schema.ts';
import { parseAttestationFile } from './file-schema.ts';
import { requireLiabilities } from './liabilities.ts';

export const ATTESTATION_ACTION = 'reserves.attestation.published';

export interface AttestationSummary {
  seq: number;
  exchange: string;
  date: string;
  digest: string;
  liabilitiesRoot: string;
  ledgerIndex: number;
  publishedAt: string;
  publishedBy: string;
  assets: AssetLine[];
}

export interface PublishedAttestation extends AttestationSummary {
  statement: AttestationStatement;
  /**
   * The signed ledger checkpoint made right after publishing, which covers the entry (only when
   * just published; null if it could not be made now: the ledger's publisher retries on its timer).
   */
  checkpoint?: { size: number; published: boolean } | null;
}

/** Verify and publish an attestation file (its text, or an already parsed file). */
export async function publishAttestation(
  ledger: Ledger,
  input: string | AttestationFile,
  actor: string,
  source = 'attestation file',
): Promise<PublishedAttestation> {
  const file = typeof input === 'string' ? parseAttestationFile(input, source) : input;
  const checked = await checkReserves(file);
  const liabilities = await requireLiabilities(ledger.store.db);
  const statement = buildStatement(checked, liabilities);
  const digest = statementDigest(statement);
  const publishedAt = ledger.clock.now().toISOString();
  const { result, appended } = await ledger.transact(async (tx) => {
    // The audit entry is appended at the end of this transaction, so its index is the ledger size
    // now. Lock the head row first, as the append will (PostgreSQL; SQLite has one writer): two
    // publications then run one after the other, and each reads the sequence number after the last.
    const size = await tx.db
      .selectFrom('ledger_head')
      .select('size')
      .where('id', '=', 1)
      .$if(ledger.store.dialect === 'postgres', (q) => q.forUpdate())
      .executeTakeFirstOrThrow();
    const ledgerIndex = Number(size.size);
    const last = await tx.db
      .selectFrom('reserves_attestations')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .executeTakeFirst();
    const seq = Number(last?.seq ?? 0) + 1;
    await tx.db
      .insertInto('reserves_attestations')
      .values({
        seq,
        exchange: statement.exchange,
        date: statement.date,
        digest,
        statement: canonicalJson(statement),
        liabilities_root: statement.liabilities.root,
        ledger_index: ledgerIndex,
        published_at: publishedAt,
        published_by: actor,
      })
      .execute();
    await tx.db
      .insertInto('reserves_attestation_assets')
      .values(statement.assets.map((a) => ({ seq, ...a })))
      .execute();
    tx.audit({
      actor,
      action: ATTESTATION_ACTION,
      subject: `attestation:${seq}`,
      payload: {
        seq,
        statementSha256: digest,
        exchange: statement.exchange,
        date: statement.date,
        liabilities: statement.liabilities,
        assets: statement.assets,
        chains: statement.chains,
        // The address list can run to thousands (past a ledger entry's 65,535 bytes): the entry counts
        // them and the statement digest commits to every one; the statement itself is served by the API.
        addresses: statement.addresses.length,
      },
    });
    return { seq, ledgerIndex };
  });
  if (appended[0]!.index !== result.ledgerIndex)
    // Cannot happen while appends are serialised by the ledger head row; fail loudly if it ever does.
    throw new Error(`ledger index moved: expected ${result.ledgerIndex}, appended at ${appended[0]!.index}`);
  // Sign the ledger now, so the statement is covered by a checkpoint as soon as it is published.
  let checkpoint: { size: number; published: boolean } | null = null;
  try {
    const cp = await ledger.checkpointNow();
    checkpoint = { size: cp.size, published: cp.published };
  } catch {
    checkpoint = null;
  }
  return {
    checkpoint,
    seq: result.seq,
    exchange: statement.exchange,
    date: statement.date,
    digest,
    liabilitiesRoot: statement.liabilities.root,
    ledgerIndex: result.ledgerIndex,
    publishedAt,
    publishedBy: actor,
    assets: statement.assets,
    statement,
  };
}

type Row = {
  seq: number;
  exchange: string;
  date: string;
  digest: string;
  liabilities_root: string;
  ledger_index: number;
  published_at: string;
  published_by: string;
};

function summary(r: Row, assets: AssetLine[]): AttestationSummary {
  return {
    seq: Number(r.seq),
    exchange: r.exchange,
    date: r.date,
    digest: r.digest,
    liabilitiesRoot: r.liabilities_root,
    ledgerIndex: Number(r.ledger_index),
    publishedAt: r.published_at,
    publishedBy: r.published_by,
    assets,
  };
}

const COLUMNS = [
  'seq',
  'exchange',
  'date',
  'digest',
  'liabilities_root',
  'ledger_index',
  'published_at',
  'published_by',
] as const;

/** The history of attestations, oldest first (at most `limit`, the newest ones). */
export async function listAttestations(ledger: Ledger, limit = 365): Promise<AttestationSummary[]> {
  const db = ledger.store.db;
  const rows = (await db
    .selectFrom('reserves_attestations')
    .select(COLUMNS)
    .orderBy('seq', 'desc')
    .limit(limit)
    .execute()) as Row[];
  if (rows.length === 0) return [];
  const lines = await db
    .selectFrom('reserves_attestation_assets')
    .selectAll()
    .where(
      'seq',
      'in',
      rows.map((r) => r.seq),
    )
    .orderBy('seq')
    .orderBy('asset')
    .execute();
  const bySeq = new Map<number, AssetLine[]>();
  for (const l of lines) {
    const list = bySeq.get(Number(l.seq)) ?? [];
    list.push({ asset: l.asset, reserves: l.reserves, liabilities: l.liabilities, ratio: l.ratio });
    bySeq.set(Number(l.seq), list);
  }
  return rows.reverse().map((r) => summary(r, bySeq.get(Number(r.seq)) ?? []));
}

/** One attestation with its full statement; the newest when `seq` is omitted. */
export async function getAttestation(ledger: Ledger, seq?: number): Promise<PublishedAttestation> {
  let q = ledger.store.db.selectFrom('reserves_attestations').select([...COLUMNS, 'statement']);
  q = seq === undefined ? q.orderBy('seq', 'desc').limit(1) : q.where('seq', '=', seq);
  const row = await q.executeTakeFirst();
  if (!row)
    throw new NotFoundError(
      'RESERVES_ATTESTATION_NOT_FOUND',
      seq === undefined ? 'no reserves attestation is published yet' : `no reserves attestation #${seq}`,
    );
  const statement = JSON.parse(row.statement) as AttestationStatement;
  return { ...summary(row as Row, statement.assets), statement };
}
