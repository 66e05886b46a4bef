/**
 * The audit ledger: an append-only RFC 6962 Merkle log of typed entries in the main store,
 * with signed C2SP checkpoints.
 *
 * Fail closed (DESIGN principle 2): a domain change and its audit entries commit in ONE database
 * transaction through `transact` / `record`; if the append fails, the change rolls back.
 */
import type { Kysely, Transaction } from 'kysely';
import { type Clock, InvalidInputError, NotFoundError, RampartError, systemClock } from '../core/index.ts';
import type { Database, Store } from '../store/index.ts';
import { type Appended, appendEntries, type Frontier } from './append.ts';
import { CheckpointPublisher, type PublisherOptions, type StoredCheckpoint } from './checkpoint-publisher.ts';
import type { EntryInput } from './entry.ts';
import { type LatestQuery, latestEntries } from './latest.ts';
import { consistencyProof, EMPTY_ROOT, inclusionProof, type NodeId, treeRoot } from './merkle/index.ts';
import { readNodes } from './node-reader.ts';
import { type StoredEntry, toStored } from './stored-entry.ts';

export type { StoredEntry } from './stored-entry.ts';

export interface AuditedTx {
  /** The domain change's transaction: write domain rows through this. */
  readonly db: Transaction<Database>;
  /** Queue an audit entry; it is appended in this same transaction. */
  audit(entry: EntryInput): void;
}

export interface LedgerOptions
  extends Omit<PublisherOptions, 'readRoot' | 'readSize' | 'consistency' | 'clock' | 'store'> {
  store: Store;
  clock?: Clock;
}

export class Ledger {
  readonly store: Store;
  readonly clock: Clock;
  readonly publisher: CheckpointPublisher;
  private readonly listeners = new Set<(size: number) => void>();
  /** Frontier of the last committed append (only ever replaced after a commit). */
  private frontier: Frontier | undefined;

  constructor(opts: LedgerOptions) {
    this.store = opts.store;
    this.clock = opts.clock ?? systemClock;
    this.publisher = new CheckpointPublisher({
      ...opts,
      clock: this.clock,
      readSize: () => this.size(),
      readRoot: (size) => this.root(size),
      consistency: (m, n) => this.consistencyProof(m, n),
    });
  }

  private get db(): Kysely<Database> {
    return this.store.db;
  }

  /** Start the checkpoint timer (every `checkpointEverySeconds` while there are new entries). */
  start(): void {
    this.publisher.start();
  }

  /** Stop the timer and wait for a checkpoint in progress. */
  async stop(): Promise<void> {
    await this.publisher.stop();
  }

  /** Called with the new size after every committed append. */
  onAppend(fn: (size: number) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /**
   * Run a domain change and its audit entries in one transaction. At least one entry is required:
   * a change that is not audited is a bug, and fails closed.
   */
  async transact<T>(fn: (tx: AuditedTx) => Promise<T>): Promise<{ result: T; appended: Appended[] }> {
    const out = await this.db.transaction().execute(async (trx) => {
      const queued: EntryInput[] = [];
      const result = await fn({ db: trx, audit: (e) => void queued.push(e) });
      if (queued.length === 0)
        throw new RampartError(
          'LEDGER_NOTHING_AUDITED',
          'a change was attempted without an audit entry; rolled back',
          {
            status: 500,
          },
        );
      const { appended, frontier } = await appendEntries(trx, queued, this.clock, this.frontier);
      return { result, appended, frontier };
    });
    this.frontier = out.frontier;
    const size = out.appended.at(-1)!.index + 1;
    for (const l of this.listeners) l(size);
    this.publisher.notify(size);
    return { result: out.result, appended: out.appended };
  }

  /** Append one entry, optionally with the domain change it records. */
  async record<T = void>(
    entry: EntryInput,
    change?: (db: Transaction<Database>) => Promise<T>,
  ): Promise<Appended & { result: T }> {
    const { result, appended } = await this.transact(async (tx) => {
      const r = change ? await change(tx.db) : (undefined as T);
      tx.audit(entry);
      return r;
    });
    return { ...appended[0]!, result };
  }

  async size(): Promise<number> {
    const row = await this.db
      .selectFrom('ledger_head')
      .select('size')
      .where('id', '=', 1)
      .executeTakeFirstOrThrow();
    return Number(row.size);
  }

  private readNodes = (ids: NodeId[]) => readNodes(this.db, ids);

  async root(size?: number): Promise<Uint8Array> {
    const n = size ?? (await this.size());
    await this.checkSize(n, 'size');
    if (n === 0) return EMPTY_ROOT;
    return treeRoot(n, this.readNodes);
  }

  private async checkSize(n: number, name: string, current?: number): Promise<number> {
    if (!Number.isSafeInteger(n) || n < 0)
      throw new InvalidInputError('LEDGER_SIZE_INVALID', `${name} must be a non-negative integer (got ${n})`);
    const size = current ?? (await this.size());
    if (n > size)
      throw new InvalidInputError(
        'LEDGER_SIZE_BEYOND_TREE',
        `${name} ${n} is beyond the tree, which has ${size} entries`,
        {
          [name]: n,
          treeSize: size,
        },
      );
    return size;
  }

  async inclusionProof(index: number, size: number): Promise<{ leafHash: Uint8Array; proof: Uint8Array[] }> {
    if (!Number.isSafeInteger(index) || index < 0)
      throw new InvalidInputError(
        'LEDGER_INDEX_INVALID',
        `index must be a non-negative integer (got ${index})`,
      );
    await this.checkSize(size, 'size');
    if (index >= size)
      throw new InvalidInputError(
        'LEDGER_INDEX_BEYOND_SIZE',
        `index ${index} is not in a tree of size ${size}`,
        { index, size },
      );
    const [leaf] = await this.readNodes([{ level: 0, index }]);
    const proof = await inclusionProof(index, size, this.readNodes);
    return { leafHash: leaf!, proof };
  }

  async consistencyProof(from: number, to: number): Promise<Uint8Array[]> {
    if (!Number.isSafeInteger(from) || from < 0)
      throw new InvalidInputError('LEDGER_SIZE_INVALID', `from must be a non-negative integer (got ${from})`);
    await this.checkSize(to, 'to');
    if (from > to)
      throw new InvalidInputError('LEDGER_RANGE_INVALID', `from (${from}) is greater than to (${to})`, {
        from,
        to,
      });
    if (from === 0 || from === to) return [];
    return consistencyProof(from, to, this.readNodes);
  }

  async entries(from: number, limit: number): Promise<StoredEntry[]> {
    if (!Number.isSafeInteger(from) || from < 0)
      throw new InvalidInputError(
        'LEDGER_INDEX_INVALID',
        `from must be a non-negative integer (got ${from})`,
      );
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000)
      throw new InvalidInputError(
        'LEDGER_LIMIT_INVALID',
        `limit must be an integer from 1 to 1000 (got ${limit})`,
      );
    const rows = await this.db
      .selectFrom('ledger_entries')
      .select(['idx', 'entry', 'hashes'])
      .where('idx', '>=', from)
      .orderBy('idx')
      .limit(limit)
      .execute();
    return rows.map(toStored);
  }

  async entry(index: number): Promise<StoredEntry> {
    if (!Number.isSafeInteger(index) || index < 0)
      throw new InvalidInputError(
        'LEDGER_INDEX_INVALID',
        `index must be a non-negative integer (got ${index})`,
      );
    const row = await this.db
      .selectFrom('ledger_entries')
      .select(['idx', 'entry', 'hashes'])
      .where('idx', '=', index)
      .executeTakeFirst();
    if (!row) throw new NotFoundError('LEDGER_ENTRY_NOT_FOUND', `no entry at index ${index}`, { index });
    return toStored(row);
  }

  /** The newest entries with an action (and subject), newest first: see latest.ts. */
  latest(query: LatestQuery): Promise<StoredEntry[]> {
    return latestEntries(this.db, query);
  }

  /** Raw leaf data for entries [from, from+count), for tlog-tiles entry bundles. */
  async entryTexts(from: number, count: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('ledger_entries')
      .select(['idx', 'entry'])
      .where('idx', '>=', from)
      .where('idx', '<', from + count)
      .orderBy('idx')
      .execute();
    return rows.map((r) => r.entry);
  }

  /** Hashes of nodes at `level`, indexes [from, from+count): a tlog tile row. */
  async nodeRange(level: number, from: number, count: number): Promise<Uint8Array[]> {
    const ids: NodeId[] = [];
    for (let i = 0; i < count; i++) ids.push({ level, index: from + i });
    return this.readNodes(ids);
  }

  /** The latest checkpoint (published only, unless `includeUnpublished`). */
  async latestCheckpoint(includeUnpublished = false): Promise<StoredCheckpoint | undefined> {
    return this.publisher.latest(includeUnpublished);
  }

  /** Sign (and have witnessed, if configured) a checkpoint of the current tree now. */
  async checkpointNow(): Promise<StoredCheckpoint> {
    return this.publisher.checkpointNow();
  }
}
