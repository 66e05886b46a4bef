/**
 * Following one TAXII 2.1 collection: poll with `added_after` (the last page's
 * X-TAXII-Date-Added-Last, kept in the store so a restart resumes), page with `next`, de-duplicate
 * by (id, version) against what was already received from that source, record each new object with
 * where it came from (`alliance_feed`, one audited transaction with the cursor), then hand the new
 * objects to the handler (screening, incidents). Errors back off exponentially with jitter.
 */
import type { Ledger } from '../../../ledger/index.ts';
import { versionOf } from '../objects.ts';
import { normalizeTimestamp } from '../timestamps.ts';
import { tlpOf } from '../tlp.ts';
import { backoffDelay } from './backoff.ts';
import { type TaxiiAuth, TaxiiClient } from './http-client.ts';

export interface FollowSpec {
  /** This source's name: where received objects are recorded as coming from. */
  name: string;
  /** The API root URL, e.g. https://hub.example/taxii2/alliance/ */
  url: string;
  collection: string;
  auth: TaxiiAuth;
  pollSeconds: number;
  pageSize?: number;
  /** Longest wait between attempts while the server fails. */
  maxBackoffSeconds?: number;
}

export type FeedHandler = (
  spec: FollowSpec,
  fresh: Record<string, unknown>[],
  client: TaxiiClient,
) => Promise<void>;

export function collectionUrl(spec: Pick<FollowSpec, 'url' | 'collection'>): string {
  return `${spec.url.replace(/\/?$/, '/')}collections/${spec.collection}/`;
}

export class Follower {
  readonly client: TaxiiClient;
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private running: Promise<unknown> | undefined;
  failures = 0;

  constructor(
    private readonly ledger: Ledger,
    readonly spec: FollowSpec,
    private readonly handler: FeedHandler,
  ) {
    this.client = new TaxiiClient(spec.auth);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => {});
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.pollOnce()
        .then(() => {
          this.failures = 0;
        })
        .catch(async (e: Error) => {
          this.failures++;
          await this.noteError(e.message).catch(() => {});
        })
        .finally(() => {
          this.schedule(
            backoffDelay(this.failures, {
              baseMs: this.spec.pollSeconds * 1000,
              capMs: (this.spec.maxBackoffSeconds ?? 300) * 1000,
            }),
          );
        });
    }, ms);
    this.timer.unref?.();
  }

  private async noteError(message: string): Promise<void> {
    const db = this.ledger.store.db;
    await this.ensureCursor();
    await db
      .updateTable('alliance_follow_cursors')
      .set({
        last_error: message.slice(0, 500),
        failures: this.failures,
        last_poll_at: this.ledger.clock.now().toISOString(),
      })
      .where('source', '=', this.spec.name)
      .execute();
  }

  private async ensureCursor(): Promise<string | null> {
    const db = this.ledger.store.db;
    const row = await db
      .selectFrom('alliance_follow_cursors')
      .selectAll()
      .where('source', '=', this.spec.name)
      .executeTakeFirst();
    if (row) return row.added_after;
    await db
      .insertInto('alliance_follow_cursors')
      .values({
        source: this.spec.name,
        url: this.spec.url,
        collection_id: this.spec.collection,
        added_after: null,
        last_poll_at: null,
        last_error: null,
        failures: 0,
      })
      .onConflict((oc) => oc.column('source').doNothing())
      .execute();
    return null;
  }

  /** One poll: every page after the cursor. Returns the objects that were new. */
  async pollOnce(): Promise<Record<string, unknown>[]> {
    const addedAfter = await this.ensureCursor();
    const url = collectionUrl(this.spec);
    const received: Record<string, unknown>[] = [];
    let next: string | undefined;
    let last: string | undefined;
    for (let pages = 0; pages < 10_000; pages++) {
      const page = await this.client.getObjects(url, {
        ...(addedAfter ? { addedAfter } : {}),
        limit: this.spec.pageSize ?? 1000,
        ...(next ? { next } : {}),
      });
      received.push(...(page.objects ?? []));
      if (page.dateAddedLast) last = page.dateAddedLast;
      if (!page.more || !page.next) break;
      next = page.next;
    }
    const fresh = await this.record(received, last && normalizeTimestamp(last) ? last : addedAfter);
    // Called on every poll, new objects or not: the handler also retries what is still pending.
    await this.handler(this.spec, fresh, this.client);
    return fresh;
  }

  /** De-duplicate against the feed and store the new objects and the cursor in one audited transaction. */
  private async record(
    objects: Record<string, unknown>[],
    cursor: string | null,
  ): Promise<Record<string, unknown>[]> {
    const db = this.ledger.store.db;
    const now = this.ledger.clock.now().toISOString();
    const keyed = new Map<string, { obj: Record<string, unknown>; id: string; versionKey: string }>();
    for (const obj of objects) {
      if (typeof obj['id'] !== 'string') continue;
      const { versionKey } = versionOf(obj, '');
      keyed.set(`${obj['id']} ${versionKey}`, { obj, id: obj['id'], versionKey });
    }
    const candidates = [...keyed.values()];
    const held = new Set<string>();
    for (let i = 0; i < candidates.length; i += 500) {
      const ids = [...new Set(candidates.slice(i, i + 500).map((c) => c.id))];
      const rows = await db
        .selectFrom('alliance_feed')
        .select(['object_id', 'version_key'])
        .where('source', '=', this.spec.name)
        .where('object_id', 'in', ids)
        .execute();
      for (const r of rows) held.add(`${r.object_id} ${r.version_key}`);
    }
    const fresh = candidates.filter((c) => !held.has(`${c.id} ${c.versionKey}`));
    const cursorUpdate = { added_after: cursor, last_poll_at: now, last_error: null, failures: 0 };
    if (fresh.length === 0) {
      await db
        .updateTable('alliance_follow_cursors')
        .set(cursorUpdate)
        .where('source', '=', this.spec.name)
        .execute();
      return [];
    }
    await this.ledger.transact(async (tx) => {
      for (let i = 0; i < fresh.length; i += 200)
        await tx.db
          .insertInto('alliance_feed')
          .values(
            fresh.slice(i, i + 200).map((c) => ({
              source: this.spec.name,
              object_id: c.id,
              version_key: c.versionKey,
              type: c.id.split('--')[0]!,
              tlp: tlpOf(c.obj),
              date_added: now,
              received_at: now,
              object: JSON.stringify(c.obj),
            })),
          )
          .onConflict((oc) => oc.columns(['source', 'object_id', 'version_key']).doNothing())
          .execute();
      await tx.db
        .updateTable('alliance_follow_cursors')
        .set(cursorUpdate)
        .where('source', '=', this.spec.name)
        .execute();
      tx.audit({
        actor: 'system',
        action: 'alliance.feed.received',
        subject: this.spec.name,
        payload: {
          url: collectionUrl(this.spec),
          objects: fresh.length,
          ...(fresh.length <= 100 ? { ids: fresh.map((c) => c.id) } : {}),
        },
      });
    });
    return fresh.map((c) => c.obj);
  }
}
