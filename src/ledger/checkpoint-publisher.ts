/**
 * Checkpoints: a C2SP tlog-checkpoint body signed as a C2SP signed note with the log's Ed25519 key,
 * made every N entries or T seconds (whichever comes first) and on demand. With witnesses
 * configured, each is asked to cosign (C2SP tlog-witness add-checkpoint); the checkpoint is
 * published only when `witnessQuorum` valid cosignatures came back. Unpublished checkpoints are
 * kept (they are signed facts) and a later checkpoint retries the witnesses.
 */
import type { Clock } from '../core/index.ts';
import { RampartError } from '../core/index.ts';
import type { Store } from '../store/index.ts';
import { type Ed25519NoteSigner, formatCheckpoint, signNote } from './note/index.ts';
import { requestCosignature, type WitnessEndpoint } from './witness-client.ts';

export interface StoredCheckpoint {
  size: number;
  root: Uint8Array;
  note: string;
  time: string;
  published: boolean;
}

export interface PublisherOptions {
  store: Store;
  origin: string;
  signer: Ed25519NoteSigner;
  clock: Clock;
  checkpointEveryEntries?: number;
  checkpointEverySeconds?: number;
  witnesses?: WitnessEndpoint[];
  witnessQuorum?: number;
  readSize: () => Promise<number>;
  readRoot: (size: number) => Promise<Uint8Array>;
  consistency: (from: number, to: number) => Promise<Uint8Array[]>;
  /** Where background failures go (a checkpoint that could not be made is retried, not lost). */
  log?: (msg: string, data?: Record<string, unknown>) => void;
}

export class CheckpointPublisher {
  private readonly o: PublisherOptions;
  private chain: Promise<unknown> = Promise.resolve();
  private lastSize = -1;
  private scheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(o: PublisherOptions) {
    this.o = o;
  }

  get origin(): string {
    return this.o.origin;
  }

  get signer(): Ed25519NoteSigner {
    return this.o.signer;
  }

  start(): void {
    this.stopped = false;
    const every = (this.o.checkpointEverySeconds ?? 5) * 1000;
    this.timer = setInterval(() => this.tick(), every);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.chain.catch(() => {});
  }

  /** After a commit: checkpoint once N entries have accumulated since the last one. */
  notify(size: number): void {
    const every = this.o.checkpointEveryEntries ?? 256;
    if (this.lastSize < 0) {
      // Unknown yet: learn it in the background.
      this.schedule();
      return;
    }
    if (size - this.lastSize >= every) this.schedule();
  }

  private tick(): void {
    void this.o
      .readSize()
      .then((size) => {
        if (size > this.lastSize) this.schedule(true);
      })
      .catch((e) => this.o.log?.('checkpoint timer failed', { error: (e as Error).message }));
  }

  private schedule(force = false): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    this.chain = this.chain.then(async () => {
      this.scheduled = false;
      try {
        const size = await this.o.readSize();
        const latest = await this.latest(true);
        this.lastSize = latest?.size ?? 0;
        const every = this.o.checkpointEveryEntries ?? 256;
        if (size > this.lastSize && (force || size - this.lastSize >= every)) await this.make();
      } catch (e) {
        this.o.log?.('checkpoint failed; will retry', { error: (e as Error).message });
      }
    });
  }

  /** Make a checkpoint of the current tree now (serialised with the background ones). */
  checkpointNow(): Promise<StoredCheckpoint> {
    const p = this.chain.then(() => this.make());
    this.chain = p.catch(() => {});
    return p;
  }

  private async make(): Promise<StoredCheckpoint> {
    const size = await this.o.readSize();
    const existing = await this.at(size);
    if (existing?.published) {
      this.lastSize = size;
      return existing;
    }
    const root = await this.o.readRoot(size);
    const body = formatCheckpoint({ origin: this.o.origin, size, root });
    let note = signNote(body, [this.o.signer]);
    const witnesses = this.o.witnesses ?? [];
    const quorum = this.o.witnessQuorum ?? 0;
    let cosigned = 0;
    if (witnesses.length > 0) {
      const results = await Promise.all(
        witnesses.map((w) =>
          this.cosign(w, note, size).catch((e) => {
            this.o.log?.('witness did not cosign', { witness: w.name, size, error: (e as Error).message });
            return undefined;
          }),
        ),
      );
      const lines = results.filter((l): l is string => l !== undefined);
      cosigned = lines.length;
      note += lines.join('');
    }
    const published = cosigned >= quorum;
    const cp: StoredCheckpoint = { size, root, note, time: this.o.clock.now().toISOString(), published };
    const db = this.o.store.db;
    const row = {
      size,
      root: Buffer.from(root),
      note,
      time: cp.time,
      published: published ? 1 : 0,
    };
    await db
      .insertInto('ledger_checkpoints')
      .values(row)
      .onConflict((oc) =>
        oc.column('size').doUpdateSet({ note: row.note, time: row.time, published: row.published }),
      )
      .execute();
    this.lastSize = size;
    if (!published)
      this.o.log?.('checkpoint signed but not published: witness quorum not met', { size, cosigned, quorum });
    return cp;
  }

  /** Ask one witness; on 409 (it has a different old size for us), retry once from its size. */
  private async cosign(w: WitnessEndpoint, note: string, size: number): Promise<string> {
    const db = this.o.store.db;
    const prog = await db
      .selectFrom('ledger_witness_progress')
      .select('size')
      .where('witness', '=', w.name)
      .executeTakeFirst();
    let old = Math.min(Number(prog?.size ?? 0), size);
    for (let attempt = 0; attempt < 2; attempt++) {
      const proof = await this.o.consistency(old, size);
      const r = await requestCosignature(w, { oldSize: old, proof, note, origin: this.o.origin });
      if (r.ok) {
        await db
          .insertInto('ledger_witness_progress')
          .values({ witness: w.name, size })
          .onConflict((oc) => oc.column('witness').doUpdateSet({ size }))
          .execute();
        return r.line;
      }
      if (r.conflictSize !== undefined && r.conflictSize <= size && attempt === 0) {
        old = r.conflictSize;
        continue;
      }
      throw new RampartError(
        'WITNESS_REFUSED',
        `witness ${w.name} refused checkpoint ${size}: ${r.message}`,
        {
          details: { witness: w.name, status: r.status },
        },
      );
    }
    throw new RampartError('WITNESS_REFUSED', `witness ${w.name} refused checkpoint ${size}`);
  }

  async at(size: number): Promise<StoredCheckpoint | undefined> {
    const r = await this.o.store.db
      .selectFrom('ledger_checkpoints')
      .selectAll()
      .where('size', '=', size)
      .executeTakeFirst();
    return r ? toCheckpoint(r) : undefined;
  }

  async latest(includeUnpublished = false): Promise<StoredCheckpoint | undefined> {
    let q = this.o.store.db.selectFrom('ledger_checkpoints').selectAll().orderBy('size', 'desc').limit(1);
    if (!includeUnpublished) q = q.where('published', '=', 1);
    const r = await q.executeTakeFirst();
    return r ? toCheckpoint(r) : undefined;
  }
}

function toCheckpoint(r: {
  size: number;
  root: Uint8Array;
  note: string;
  time: string;
  published: number;
}): StoredCheckpoint {
  return {
    size: Number(r.size),
    root: new Uint8Array(r.root),
    note: r.note,
    time: r.time,
    published: r.published === 1,
  };
}
