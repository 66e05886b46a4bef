/**
 * Building and publishing a proof of liabilities (docs/proof-of-reserves.md §7): the tree is built to
 * files, then its row and the ledger entry `reserves.liabilities.published` commit in one database
 * transaction (fail closed: if the entry cannot be written, nothing is published and the files are
 * removed), then a signed checkpoint of the ledger is made so the entry is covered by a signature.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { InvalidInputError, NotFoundError } from '../../core/index.ts';
import type { Ledger } from '../../ledger/index.ts';
import type { Database, ReservesBuildTable } from '../../store/index.ts';
import { type BuildOptions, buildTree } from '../tree/build.ts';
import type { InclusionProof, RootStatement } from '../verify/proof.ts';
import { StoredTree } from './stored-tree.ts';

export const LIABILITIES_PUBLISHED = 'reserves.liabilities.published';

export interface PublishOptions {
  snapshot: string;
  assets: string[];
  format?: BuildOptions['format'];
  minHeight?: number;
  /** ISO 8601 time the balances were taken (default: now). */
  snapshotTime?: string;
  actor: string;
  workers?: number;
  onProgress?: BuildOptions['onProgress'];
}

export interface PublishedBuild {
  statement: RootStatement;
  users: number;
  ledgerIndex: number;
  checkpoint: { size: number; published: boolean };
  dir: string;
}

export function reservesDir(dataDir: string): string {
  return join(dataDir, 'reserves');
}

function newBuildId(now: Date): string {
  const t = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  return `por-${t}-${randomBytes(3).toString('hex')}`;
}

export function normaliseSnapshotTime(s: string | undefined, now: Date): string {
  if (s === undefined) return now.toISOString();
  const d = new Date(s);
  if (
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(s) ||
    Number.isNaN(d.getTime())
  )
    throw new InvalidInputError(
      'RESERVES_SNAPSHOT_TIME_INVALID',
      `the snapshot time must be an ISO 8601 time with a zone, like 2026-11-25T00:00:00Z (got "${s}")`,
    );
  return d.toISOString();
}

export function statementOf(meta: {
  buildId: string;
  snapshotTime: string;
  assets: string[];
  height: number;
  root: { hash: string; totals: string[] };
}): RootStatement {
  return {
    version: 1,
    buildId: meta.buildId,
    snapshotTime: meta.snapshotTime,
    assets: [...meta.assets],
    height: meta.height,
    userCountBound: (1n << BigInt(meta.height)).toString(),
    root: { hash: meta.root.hash, totals: [...meta.root.totals] },
  };
}

export async function publishLiabilities(
  ledger: Ledger,
  dataDir: string,
  o: PublishOptions,
): Promise<PublishedBuild> {
  const now = ledger.clock.now();
  const snapshotTime = normaliseSnapshotTime(o.snapshotTime, now);
  const dir = reservesDir(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const built = await buildTree({
    snapshot: o.snapshot,
    assets: o.assets,
    dir,
    buildId: newBuildId(now),
    snapshotTime,
    ...(o.format ? { format: o.format } : {}),
    ...(o.minHeight !== undefined ? { minHeight: o.minHeight } : {}),
    ...(o.workers !== undefined ? { workers: o.workers } : {}),
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
  });
  const statement = statementOf(built.meta);
  let ledgerIndex: number;
  try {
    const appended = await ledger.record(
      {
        actor: o.actor,
        action: LIABILITIES_PUBLISHED,
        subject: statement.buildId,
        payload: { ...statement },
      },
      async (db) => {
        await db
          .insertInto('reserves_builds')
          .values({
            build_id: statement.buildId,
            snapshot_time: statement.snapshotTime,
            assets: JSON.stringify(statement.assets),
            height: statement.height,
            users: built.meta.users,
            root_hash: statement.root.hash,
            totals: JSON.stringify(statement.root.totals),
            statement: JSON.stringify(statement),
            ledger_index: -1,
            published_at: now.toISOString(),
            published_by: o.actor,
          })
          .execute();
      },
    );
    ledgerIndex = appended.index;
    await ledger.store.db
      .updateTable('reserves_builds')
      .set({ ledger_index: ledgerIndex })
      .where('build_id', '=', statement.buildId)
      .execute();
  } catch (e) {
    rmSync(built.dir, { recursive: true, force: true });
    throw e;
  }
  const cp = await ledger.checkpointNow();
  return {
    statement,
    users: built.meta.users,
    ledgerIndex,
    checkpoint: { size: cp.size, published: cp.published },
    dir: built.dir,
  };
}

export interface BuildSummary {
  statement: RootStatement;
  users: number;
  ledgerIndex: number;
  publishedAt: string;
  publishedBy: string;
}

function summary(r: ReservesBuildTable): BuildSummary {
  return {
    statement: JSON.parse(r.statement) as RootStatement,
    users: Number(r.users),
    ledgerIndex: Number(r.ledger_index),
    publishedAt: r.published_at,
    publishedBy: r.published_by,
  };
}

export async function listBuilds(db: Kysely<Database>, limit = 50): Promise<BuildSummary[]> {
  const rows = await db
    .selectFrom('reserves_builds')
    .selectAll()
    .orderBy('published_at', 'desc')
    .orderBy('build_id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(summary);
}

export async function getBuild(db: Kysely<Database>, buildId?: string): Promise<BuildSummary> {
  let q = db.selectFrom('reserves_builds').selectAll();
  q = buildId
    ? q.where('build_id', '=', buildId)
    : q.orderBy('published_at', 'desc').orderBy('build_id', 'desc');
  const row = await q.limit(1).executeTakeFirst();
  if (!row)
    throw new NotFoundError(
      'RESERVES_BUILD_NOT_FOUND',
      buildId
        ? `no published build ${buildId}`
        : 'no liabilities root is published yet (rampart reserves build)',
    );
  return summary(row);
}

/** The proof for `user` from a published build's files; NotFound when the user is not in it. */
export async function proofForUser(
  db: Kysely<Database>,
  dataDir: string,
  user: string,
  buildId?: string,
): Promise<InclusionProof> {
  const b = await getBuild(db, buildId);
  const tree = StoredTree.open(join(reservesDir(dataDir), b.statement.buildId));
  try {
    const p = tree.proof(user);
    if (!p)
      throw new NotFoundError(
        'RESERVES_USER_NOT_FOUND',
        `no user ${JSON.stringify(user)} in build ${b.statement.buildId}`,
      );
    return p;
  } finally {
    tree.close();
  }
}
