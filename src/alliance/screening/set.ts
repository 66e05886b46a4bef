/**
 * The screening set: the store's `alliance_screening_entries` (the truth, shared by every process)
 * mirrored into an in-memory AddressTable (the fast path). Loaded at start; every change is one
 * audited transaction (fail closed) that bumps `alliance_screening_head.seq`, and `refresh()`
 * applies rows with a newer `seq`, so additions and removals made by this process, by the CLI or by
 * another server on the same store reach the table incrementally, without a rebuild.
 */
import { bytesToHex, InvalidInputError, sha256, utf8 } from '../../core/index.ts';
import type { Ledger } from '../../ledger/index.ts';
import type { TlpLevel } from '../stix/tlp.ts';
import { checkAddress, evmKeyInto, MAX_KEY_BYTES, type ScreenAddress } from './address.ts';
import { isListedIn, type ScreenResult, screenOne } from './screen.ts';
import { AddressTable } from './table.ts';

export interface NewListing {
  address: ScreenAddress;
  reason: string;
  confidence?: number | null;
  tlp?: TlpLevel | null;
  objectId?: string | null;
  /** ISO time first seen by the source (default: now). */
  firstSeen?: string;
}

export interface ListOptions {
  /** The list, feed or member the entries come from (part of the key: one listing per source). */
  source: string;
  /** Who did it (principal id, `cli:<user>`, a member identity). */
  actor: string;
  /** Ledger action, e.g. `alliance.screening.imported`. */
  action: string;
  /** Extra ledger payload (format, file, rejected lines…). */
  details?: Record<string, unknown>;
  /** Called after each stored chunk (for progress bars). */
  onProgress?: (done: number, total: number) => void;
}

export interface ListResult {
  source: string;
  added: number;
  alreadyListed: number;
  ledgerIndex: number;
}

const SOURCE_RE = /^[\w.:@/+-]{1,200}$/;
const PAGE = 20_000;

export function checkSource(source: string): void {
  if (!SOURCE_RE.test(source))
    throw new InvalidInputError(
      'SCREENING_SOURCE_INVALID',
      `source "${source.slice(0, 60)}" must be 1–200 letters, digits or . : @ / + - _`,
    );
}

/** Small lists verbatim in the ledger entry; large ones by digest (an entry is at most 64 KiB). */
function addressesForLedger(canonical: string[]): Record<string, unknown> {
  return canonical.length <= 200
    ? { addresses: canonical }
    : { addressesSha256: bytesToHex(sha256(utf8([...canonical].sort().join('\n')))) };
}

export class ScreeningSet {
  readonly table: AddressTable;
  private lastSeq = 0;
  private readonly scratch = new Uint8Array(MAX_KEY_BYTES);
  private refreshing: Promise<number> | undefined;

  private constructor(
    private readonly ledger: Ledger,
    expected: number,
  ) {
    this.table = new AddressTable({ expected });
  }

  /** Load the whole set from the store. */
  static async open(ledger: Ledger): Promise<ScreeningSet> {
    const n = await ledger.store.db
      .selectFrom('alliance_screening_entries')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('removed_at', 'is', null)
      .executeTakeFirst();
    const set = new ScreeningSet(ledger, Math.max(1024, Number(n?.n ?? 0)));
    await set.refresh();
    return set;
  }

  /** The last change applied. */
  get seq(): number {
    return this.lastSeq;
  }

  /** Apply every change committed since the last refresh; returns how many rows were applied. */
  refresh(): Promise<number> {
    // One refresh at a time; concurrent callers share it.
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async doRefresh(): Promise<number> {
    const db = this.ledger.store.db;
    const head = await db
      .selectFrom('alliance_screening_head')
      .select('seq')
      .where('id', '=', 1)
      .executeTakeFirst();
    const target = Number(head?.seq ?? 0);
    if (target <= this.lastSeq) return 0;
    let applied = 0;
    let after: { seq: number; address: string; source: string } | undefined;
    for (;;) {
      let q = db
        .selectFrom('alliance_screening_entries')
        .selectAll()
        .where('seq', '<=', target)
        .orderBy('seq')
        .orderBy('address')
        .orderBy('source')
        .limit(PAGE);
      const a = after;
      q = a
        ? q.where((eb) =>
            eb.or([
              eb('seq', '>', a.seq),
              eb.and([
                eb('seq', '=', a.seq),
                eb.or([
                  eb('address', '>', a.address),
                  eb.and([eb('address', '=', a.address), eb('source', '>', a.source)]),
                ]),
              ]),
            ]),
          )
        : q.where('seq', '>', this.lastSeq);
      const rows = await q.execute();
      for (const r of rows) {
        const len = this.keyOf(r.chain, r.address);
        if (len < 0) continue; // cannot happen: rows are validated on the way in
        if (r.removed_at !== null) this.table.remove(this.scratch, r.source, len);
        else
          this.table.add(
            this.scratch,
            {
              source: r.source,
              reason: r.reason,
              listedBy: r.listed_by,
              confidence: r.confidence === null ? null : Number(r.confidence),
              tlp: r.tlp,
              objectId: r.object_id,
            },
            Date.parse(r.first_seen),
            len,
          );
        applied++;
      }
      if (rows.length < PAGE) break;
      const last = rows[rows.length - 1]!;
      after = { seq: Number(last.seq), address: last.address, source: last.source };
    }
    this.lastSeq = target;
    return applied;
  }

  private keyOf(chain: string, canonical: string): number {
    if (chain === 'ethereum') return evmKeyInto(canonical, this.scratch);
    const c = checkAddress(canonical);
    if (!c.ok) return -1;
    this.scratch.set(c.address.key);
    return c.address.key.length;
  }

  /** Screen one address against the in-memory table (call `refresh()` first for the latest). */
  screen(input: string): ScreenResult {
    return screenOne(this.table, input);
  }

  isListed(address: string): boolean {
    return isListedIn(this.table, address);
  }

  /** Add (or update) listings under one source, audited; then the table catches up. */
  async list(entries: readonly NewListing[], o: ListOptions): Promise<ListResult> {
    checkSource(o.source);
    const now = this.ledger.clock.now().toISOString();
    // One listing per (address, source): the last occurrence in the batch wins.
    const byAddress = new Map<string, NewListing>();
    for (const e of entries) byAddress.set(e.address.canonical, e);
    const unique = [...byAddress.values()];
    let alreadyListed = 0;
    const { appended } = await this.ledger.transact(async (tx) => {
      await tx.db
        .updateTable('alliance_screening_head')
        .set((eb) => ({ seq: eb('seq', '+', 1) }))
        .where('id', '=', 1)
        .execute();
      const head = await tx.db
        .selectFrom('alliance_screening_head')
        .select('seq')
        .where('id', '=', 1)
        .executeTakeFirstOrThrow();
      const seq = Number(head.seq);
      for (let i = 0; i < unique.length; i += 500) {
        const chunk = unique.slice(i, i + 500);
        const existing = await tx.db
          .selectFrom('alliance_screening_entries')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('source', '=', o.source)
          .where('removed_at', 'is', null)
          .where(
            'address',
            'in',
            chunk.map((e) => e.address.canonical),
          )
          .executeTakeFirst();
        alreadyListed += Number(existing?.n ?? 0);
        await tx.db
          .insertInto('alliance_screening_entries')
          .values(
            chunk.map((e) => ({
              address: e.address.canonical,
              source: o.source,
              chain: e.address.chain,
              kind: e.address.kind,
              reason: e.reason,
              listed_by: o.actor,
              confidence: e.confidence ?? null,
              tlp: e.tlp ?? null,
              object_id: e.objectId ?? null,
              first_seen: e.firstSeen ?? now,
              updated_at: now,
              removed_at: null,
              seq,
            })),
          )
          .onConflict((oc) =>
            oc.columns(['address', 'source']).doUpdateSet((eb) => ({
              chain: eb.ref('excluded.chain'),
              kind: eb.ref('excluded.kind'),
              reason: eb.ref('excluded.reason'),
              listed_by: eb.ref('excluded.listed_by'),
              confidence: eb.ref('excluded.confidence'),
              tlp: eb.ref('excluded.tlp'),
              object_id: eb.ref('excluded.object_id'),
              updated_at: eb.ref('excluded.updated_at'),
              removed_at: null,
              seq: eb.ref('excluded.seq'),
            })),
          )
          .execute();
        o.onProgress?.(Math.min(i + 500, unique.length), unique.length);
      }
      tx.audit({
        actor: o.actor,
        action: o.action,
        subject: `screening:${o.source}`,
        payload: {
          source: o.source,
          seq,
          added: unique.length - alreadyListed,
          alreadyListed,
          ...(o.details ?? {}),
          ...addressesForLedger(unique.map((e) => e.address.canonical)),
        },
      });
    });
    await this.refresh();
    return {
      source: o.source,
      added: unique.length - alreadyListed,
      alreadyListed,
      ledgerIndex: appended[0]?.index ?? -1,
    };
  }

  /** Remove listings of `source` (the given addresses, or all of them), audited. */
  async unlist(
    source: string,
    addresses: readonly ScreenAddress[] | 'all',
    o: Omit<ListOptions, 'source'>,
  ): Promise<{ source: string; removed: number; ledgerIndex: number }> {
    checkSource(source);
    const now = this.ledger.clock.now().toISOString();
    let removed = 0;
    const { appended } = await this.ledger.transact(async (tx) => {
      await tx.db
        .updateTable('alliance_screening_head')
        .set((eb) => ({ seq: eb('seq', '+', 1) }))
        .where('id', '=', 1)
        .execute();
      const { seq } = await tx.db
        .selectFrom('alliance_screening_head')
        .select('seq')
        .where('id', '=', 1)
        .executeTakeFirstOrThrow();
      const chunks =
        addresses === 'all' ? [null] : Array.from({ length: Math.ceil(addresses.length / 500) }, (_, i) => i);
      for (const c of chunks) {
        let q = tx.db
          .updateTable('alliance_screening_entries')
          .set({ removed_at: now, updated_at: now, seq: Number(seq) })
          .where('source', '=', source)
          .where('removed_at', 'is', null);
        if (c !== null && addresses !== 'all')
          q = q.where(
            'address',
            'in',
            addresses.slice(c * 500, c * 500 + 500).map((a) => a.canonical),
          );
        const r = await q.executeTakeFirst();
        removed += Number(r.numUpdatedRows);
      }
      tx.audit({
        actor: o.actor,
        action: o.action,
        subject: `screening:${source}`,
        payload: {
          source,
          seq: Number(seq),
          removed,
          ...(o.details ?? {}),
          ...(addresses === 'all' ? { all: true } : addressesForLedger(addresses.map((a) => a.canonical))),
        },
      });
    });
    await this.refresh();
    return { source, removed, ledgerIndex: appended[0]?.index ?? -1 };
  }

  /** Every listed address, canonical, distinct (from the store; for small sets and tests). */
  async addresses(): Promise<string[]> {
    const rows = await this.ledger.store.db
      .selectFrom('alliance_screening_entries')
      .select('address')
      .distinct()
      .where('removed_at', 'is', null)
      .orderBy('address')
      .execute();
    return rows.map((r) => r.address);
  }

  /** Sources with their live entry counts (from the store). */
  async sources(): Promise<{ source: string; entries: number; lastUpdated: string }[]> {
    const rows = await this.ledger.store.db
      .selectFrom('alliance_screening_entries')
      .select((eb) => ['source', eb.fn.countAll<number>().as('n'), eb.fn.max('updated_at').as('last')])
      .where('removed_at', 'is', null)
      .groupBy('source')
      .orderBy('source')
      .execute();
    return rows.map((r) => ({ source: r.source, entries: Number(r.n), lastUpdated: String(r.last) }));
  }
}
