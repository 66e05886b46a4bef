/**
 * Ed25519 signature checks on worker threads of our own, in batches (Node only).
 *
 * Why not node:crypto's callback form (libuv's thread pool)? One OpenSSL Ed25519 check costs about
 * 0.11 ms of CPU here, more than a whole unauthenticated request. The thread pool runs four of them
 * at once whatever the machine has, so on a two-core server they take the event loop's core too,
 * and every dispatch and completion is a separate wake-up. Here the checks go to
 * `cores - 1` workers (at least one, at most four), so the event loop keeps a core; and all
 * the checks asked for in one turn of the event loop travel as one message each way.
 *
 * A worker that fails rejects what it holds (the caller answers 5xx: fail closed, never "valid"),
 * and the next batch starts a fresh one.
 */
import type { Worker } from 'node:worker_threads';

// Reached through `process.getBuiltinModule`, like node:crypto in ed25519.ts, so that the modules
// importing this one still load in a browser (where there is no pool and noble verifies).
type WorkerThreads = typeof import('node:worker_threads');
type Os = typeof import('node:os');
const getBuiltin = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
  ?.getBuiltinModule;
const threads = getBuiltin?.('node:worker_threads') as WorkerThreads | undefined;
const os = getBuiltin?.('node:os') as Os | undefined;

/** True where worker threads exist (Node). */
export const verifyPoolAvailable = threads !== undefined && os !== undefined;

const WORKER_URL = new URL('./verify-worker.mjs', import.meta.url);
const ITEM_HEADER = 32 + 64 + 4;
const MAX_BATCH = 64;

interface Item {
  publicKey: Uint8Array;
  signature: Uint8Array;
  data: Uint8Array;
  resolve(ok: boolean): void;
  reject(e: unknown): void;
}

interface Lane {
  worker: Worker;
  inFlight: Map<number, Item[]>;
  items: number;
}

export class Ed25519VerifyPool {
  private readonly lanes: Array<Lane | undefined>;
  private queued: Item[] = [];
  private flushScheduled = false;
  private nextId = 1;

  constructor(readonly size = Math.max(1, Math.min(4, (os?.availableParallelism() ?? 2) - 1))) {
    this.lanes = Array.from({ length: size }, () => undefined);
  }

  /** True when `signature` is a valid Ed25519 signature of `data` by the 32-byte `publicKey`. */
  verify(publicKey: Uint8Array, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
    if (publicKey.length !== 32 || signature.length !== 64) return Promise.resolve(false);
    return new Promise<boolean>((resolve, reject) => {
      this.queued.push({ publicKey, signature, data, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        // After this turn's I/O callbacks: the checks they asked for travel as one message.
        setImmediate(() => this.flush());
      }
    });
  }

  /** Stops the workers; checks still in flight are rejected. */
  async close(): Promise<void> {
    await Promise.all(
      this.lanes.map((lane, i) => {
        if (!lane) return undefined;
        this.lanes[i] = undefined;
        this.fail(lane, new Error('the verification pool was closed'));
        return lane.worker.terminate();
      }),
    );
  }

  /** Sends what was queued in this turn to the least busy worker (MAX_BATCH at a time). */
  private flush(): void {
    this.flushScheduled = false;
    while (this.queued.length > 0) {
      const batch = this.queued.splice(0, MAX_BATCH);
      let length = 0;
      for (const item of batch) length += ITEM_HEADER + item.data.length;
      const buffer = new ArrayBuffer(length);
      const bytes = new Uint8Array(buffer);
      const view = new DataView(buffer);
      let at = 0;
      for (const item of batch) {
        bytes.set(item.publicKey, at);
        bytes.set(item.signature, at + 32);
        view.setUint32(at + 96, item.data.length, true);
        bytes.set(item.data, at + ITEM_HEADER);
        at += ITEM_HEADER + item.data.length;
      }
      const lane = this.leastBusy();
      const id = this.nextId++;
      lane.inFlight.set(id, batch);
      lane.items += batch.length;
      lane.worker.ref();
      lane.worker.postMessage({ id, count: batch.length, buffer }, [buffer]);
    }
  }

  private leastBusy(): Lane {
    let best: Lane | undefined;
    for (let i = 0; i < this.lanes.length; i++) {
      const lane = this.lanes[i] ?? this.start(i);
      if (lane.items === 0) return lane;
      if (!best || lane.items < best.items) best = lane;
    }
    return best!;
  }

  private start(index: number): Lane {
    const worker = new threads!.Worker(WORKER_URL);
    const lane: Lane = { worker, inFlight: new Map(), items: 0 };
    worker.unref();
    worker.on('message', ({ id, from, results }: { id: number; from: number; results: Uint8Array }) => {
      const batch = lane.inFlight.get(id);
      if (!batch) return;
      for (let i = 0; i < results.length; i++) batch[from + i]!.resolve(results[i] === 1);
      lane.items -= results.length;
      if (from + results.length === batch.length) lane.inFlight.delete(id);
      if (lane.items === 0) worker.unref();
    });
    const down = (e: unknown) => {
      if (this.lanes[index] === lane) this.lanes[index] = undefined;
      this.fail(lane, e);
    };
    worker.on('error', down);
    worker.on('exit', (code) => down(new Error(`an Ed25519 verification worker exited (code ${code})`)));
    this.lanes[index] = lane;
    return lane;
  }

  private fail(lane: Lane, e: unknown): void {
    for (const batch of lane.inFlight.values()) for (const item of batch) item.reject(e);
    lane.inFlight.clear();
    lane.items = 0;
  }
}
