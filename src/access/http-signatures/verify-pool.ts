/**
 * Ed25519 signature checks on worker threads of our own, in batches (Node only).
 *
 * Why not node:crypto's callback form (libuv's thread pool)? One OpenSSL Ed25519 check costs about
 * 0.11 ms of CPU here, more than a whole unauthenticated request. The thread pool runs four of them
 * at once whatever the machine has, so on a two-core server they take the event loop's core too,
 * and every dispatch and completion is a separate wake-up. Here the checks go to
 * `cores - 1` workers (at least one, at most four), so the event loop keeps a core; and the
 * checks travel in batches: each worker holds at most two, and what is asked for meanwhile goes
 * as the next (see flush).
 *
 * The workers also read whole signed requests (checkRequest): the common, canonical case of
 * canonical.ts parsed and its signature base built there rather than on the event loop, and checked
 * with the key the caller names. Reading the two fields and building the base cost the event loop
 * about as much as the rest of the request together (17 µs of ~100 measured in place here); handing
 * the request over costs a few.
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
const BATCHES_IN_FLIGHT = 2;

/**
 * How long a worker keeps reading its port for the next batch before it sleeps, µs (the default of
 * `access.verifyWorkerSpinMicros`). A message to a sleeping worker cost the event loop 10–12 µs
 * here, to an awake one 4–5 (a ping-pong measured on this project's machine), where a whole
 * unauthenticated request costs about 80.
 */
export const DEFAULT_SPIN_MICROS = 1000;

/** `micros` when it is a spin time a worker takes (an integer from 0 to 10,000), else a RangeError. */
export function checkSpinMicros(micros: number): number {
  if (!Number.isInteger(micros) || micros < 0 || micros > 10_000)
    throw new RangeError(
      `a verification worker's spin time is an integer from 0 to 10,000 µs, not ${micros}`,
    );
  return micros;
}

export interface VerifyPoolOptions {
  /** Workers; `cores - 1` by default (at least one, at most four). */
  size?: number;
  /** DEFAULT_SPIN_MICROS unless given. */
  spinMicros?: number;
}

/** A signed request to read on a worker (canonical.ts) and, given a key, to check. */
export interface RequestToCheck {
  method: string;
  url: string;
  requestTarget?: string;
  /** A plain object with lower-case names, as Node and Fastify give them. */
  headers: Record<string, string | readonly string[] | undefined>;
  /** The signature to check, when a request carries several. */
  label?: string;
  /** The raw 32-byte Ed25519 key to check the signature with; without it, the request is only read. */
  publicKey?: Uint8Array;
  /** `publicKey` in base64, when the caller has it already (prepareServiceKey). */
  publicKeyBase64?: string;
}

/** What a worker read from a canonical request (canonical.ts), and its verdict. */
export interface CheckedRequest {
  label: string;
  algorithm: string | undefined;
  /** The covered component identifiers, in signature order (plain names, no parameters). */
  components: string[];
  parameters: Record<string, string | number>;
  /** Whether the signature verifies with the key given; undefined when none was given. */
  valid: boolean | undefined;
  /**
   * The Content-Digest field (§2.1 combined value) exactly as the worker read it, when there is one:
   * the digest is checked against the text the signature covered, not a second reading.
   */
  contentDigest: string | undefined;
}

interface Item<T> {
  payload: T;
  resolve(value: unknown): void;
  reject(e: unknown): void;
}

interface Signature {
  publicKey: Uint8Array;
  signature: Uint8Array;
  data: Uint8Array;
}

interface Lane {
  worker: Worker;
  inFlight: Map<number, Item<unknown>[]>;
  items: number;
}

/** A request as the worker reads it: [method, url, requestTarget, label, headers, base64 key]. */
type RequestTuple = [string, string, string | null, string | null, RequestToCheck['headers'], string | null];

function requestTuple(r: RequestToCheck): RequestTuple {
  return [
    r.method,
    r.url,
    r.requestTarget ?? null,
    r.label ?? null,
    r.headers,
    r.publicKey === undefined
      ? null
      : (r.publicKeyBase64 ??
        Buffer.from(r.publicKey.buffer, r.publicKey.byteOffset, r.publicKey.byteLength).toString('base64')),
  ];
}

export class Ed25519VerifyPool {
  private readonly lanes: Array<Lane | undefined>;
  private signatures: Item<Signature>[] = [];
  private requests: Item<RequestTuple>[] = [];
  private flushScheduled = false;
  private nextId = 1;

  readonly size: number;
  #spinMicros: number;

  constructor(options: VerifyPoolOptions | number = {}) {
    const o = typeof options === 'number' ? { size: options } : options;
    this.size = o.size ?? Math.max(1, Math.min(4, (os?.availableParallelism() ?? 2) - 1));
    this.#spinMicros = checkSpinMicros(o.spinMicros ?? DEFAULT_SPIN_MICROS);
    this.lanes = Array.from({ length: this.size }, () => undefined);
  }

  /** How long a worker looks for the next batch before it sleeps, µs; applies to running workers too. */
  get spinMicros(): number {
    return this.#spinMicros;
  }
  set spinMicros(micros: number) {
    this.#spinMicros = checkSpinMicros(micros);
    for (const lane of this.lanes) lane?.worker.postMessage({ spinMicros: micros });
  }

  /** True when `signature` is a valid Ed25519 signature of `data` by the 32-byte `publicKey`. */
  verify(publicKey: Uint8Array, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
    if (publicKey.length !== 32 || signature.length !== 64) return Promise.resolve(false);
    return new Promise<boolean>((resolve, reject) => {
      this.signatures.push({
        payload: { publicKey, signature, data },
        resolve: resolve as Item<Signature>['resolve'],
        reject,
      });
      this.schedule();
    });
  }

  /**
   * Reads a signed request on a worker: undefined when it is not in the canonical form canonical.ts
   * reads (the caller hands it to the library), else what it says and, given a key, whether its
   * signature verifies. Policy (which components, how old, which key) stays with the caller.
   */
  checkRequest(request: RequestToCheck): Promise<CheckedRequest | undefined> {
    const payload = requestTuple(request);
    return new Promise<CheckedRequest | undefined>((resolve, reject) => {
      this.requests.push({ payload, resolve: resolve as Item<RequestTuple>['resolve'], reject });
      this.schedule();
    });
  }

  /**
   * Requests whose reading threw on a worker. canonical.ts declines what it cannot read, so each is
   * a bug; the request went to the library instead (never answered "valid"). The first is reported
   * as a process warning (RAMPART_VERIFY_READ_FAILED).
   */
  get readFailures(): number {
    return this.#readFailures;
  }
  #readFailures = 0;

  private readFailed(count: number, error: string | undefined): void {
    if (this.#readFailures === 0)
      process.emitWarning(`a verification worker could not read a signed request: ${error}`, {
        code: 'RAMPART_VERIFY_READ_FAILED',
        detail:
          'the request was read by the library on the event loop instead; further failures are only counted',
      });
    this.#readFailures += count;
  }

  /** Stops the workers; checks still waiting or in flight are rejected. */
  async close(): Promise<void> {
    const closed = new Error('the verification pool was closed');
    for (const item of [...this.signatures.splice(0), ...this.requests.splice(0)]) item.reject(closed);
    await Promise.all(
      this.lanes.map((lane, i) => {
        if (!lane) return undefined;
        this.lanes[i] = undefined;
        this.fail(lane, closed);
        return lane.worker.terminate();
      }),
    );
  }

  private schedule(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // After this turn's I/O callbacks: the checks they asked for travel as one message.
    setImmediate(() => this.flush());
  }

  /**
   * Sends what is queued to the workers with room, MAX_BATCH at a time. A worker holds at most
   * BATCHES_IN_FLIGHT batches: what arrives meanwhile waits here and goes as the next, larger batch
   * when one is answered (it would have waited in the worker's queue anyway). Two, so that a busy
   * worker finds its next batch waiting when it finishes one and never falls asleep under load:
   * each message costs the event loop more than a request's own reading, and one that has to wake
   * a sleeping worker costs it twice as much again (10–12 µs against 4–5 measured here).
   */
  private flush(): void {
    this.flushScheduled = false;
    while (this.signatures.length > 0 || this.requests.length > 0) {
      const lane = this.idleLane();
      if (!lane) return;
      if (this.signatures.length > 0) this.sendSignatures(lane, this.signatures.splice(0, MAX_BATCH));
      else this.sendRequests(lane, this.requests.splice(0, MAX_BATCH));
    }
  }

  private sendSignatures(lane: Lane, batch: Item<Signature>[]): void {
    let length = 0;
    for (const { payload } of batch) length += ITEM_HEADER + payload.data.length;
    const buffer = new ArrayBuffer(length);
    const bytes = new Uint8Array(buffer);
    const view = new DataView(buffer);
    let at = 0;
    for (const { payload } of batch) {
      bytes.set(payload.publicKey, at);
      bytes.set(payload.signature, at + 32);
      view.setUint32(at + 96, payload.data.length, true);
      bytes.set(payload.data, at + ITEM_HEADER);
      at += ITEM_HEADER + payload.data.length;
    }
    const id = this.hand(lane, batch);
    lane.worker.postMessage({ id, count: batch.length, buffer }, [buffer]);
  }

  private sendRequests(lane: Lane, batch: Item<RequestTuple>[]): void {
    // One string crosses to the worker far more cheaply than an object graph: structured cloning
    // the header objects cost the event loop about 10 µs per request here, and JSON gives every
    // string back exactly.
    const requests = JSON.stringify(batch.map((item) => item.payload));
    const id = this.hand(lane, batch);
    lane.worker.postMessage({ id, requests });
  }

  private hand(lane: Lane, batch: Item<unknown>[]): number {
    const id = this.nextId++;
    lane.inFlight.set(id, batch);
    lane.worker.ref();
    lane.items += batch.length;
    return id;
  }

  /** A worker with room for a batch (started if its slot is empty), or undefined when all are full. */
  private idleLane(): Lane | undefined {
    for (let i = 0; i < this.lanes.length; i++) {
      const lane = this.lanes[i] ?? this.start(i);
      if (lane.inFlight.size < BATCHES_IN_FLIGHT) return lane;
    }
    return undefined;
  }

  private start(index: number): Lane {
    const worker = new threads!.Worker(WORKER_URL, { workerData: { spinMicros: this.#spinMicros } });
    const lane: Lane = { worker, inFlight: new Map(), items: 0 };
    worker.unref();
    worker.on(
      'message',
      ({
        id,
        from,
        results,
        errors,
        error,
      }: {
        id: number;
        from: number;
        results: Uint8Array | string;
        errors?: number;
        error?: string;
      }) => {
        if (errors !== undefined) this.readFailed(errors, error);
        const batch = lane.inFlight.get(id);
        if (!batch) return;
        // Signature checks answer one byte each (1: valid); request checks a JSON array of
        // CheckedRequest or null.
        let count: number;
        if (typeof results === 'string') {
          const checks = JSON.parse(results) as Array<CheckedRequest | null>;
          count = checks.length;
          for (let i = 0; i < count; i++) batch[from + i]!.resolve(checks[i] ?? undefined);
        } else {
          count = results.length;
          for (let i = 0; i < count; i++) batch[from + i]!.resolve(results[i] === 1);
        }
        lane.items -= count;
        if (lane.items === 0) worker.unref();
        if (from + count === batch.length) {
          lane.inFlight.delete(id);
          // What waited while this worker was busy goes now, as one batch.
          if (this.signatures.length > 0 || this.requests.length > 0) this.flush();
        }
      },
    );
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
    // What was waiting for this worker goes to another (or a fresh one).
    if (this.signatures.length > 0 || this.requests.length > 0) this.schedule();
  }
}
