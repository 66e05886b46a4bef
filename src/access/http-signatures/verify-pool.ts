/**
 * Ed25519 signature checks on worker threads of our own, handed over through shared memory
 * (Node only).
 *
 * Why not node:crypto's callback form (libuv's thread pool)? One OpenSSL Ed25519 check costs about
 * 0.08–0.11 ms of CPU here, more than a whole unauthenticated request. The thread pool runs four of
 * them at once whatever the machine has, so on a two-core server they take the event loop's core
 * too, and every dispatch and completion is a separate wake-up. Here the checks go to `cores - 1`
 * workers (at least one, at most four), so the event loop keeps a core.
 *
 * Why shared memory out, and messages back? Under load a check arrives alone (a client sends its
 * next request when the last is answered), so batches were of one or two and every check cost the
 * event loop a `postMessage` (4–5 µs to an awake worker). Written to a slot of a SharedArrayBuffer
 * and published with an atomic count the worker watches, a check costs a copy and a store, and a
 * wake-up (Atomics.notify) only when the worker sleeps. Answers come back as messages, a few checks
 * at a time: the event loop has no cheaper way to be woken (Atomics.waitAsync was tried and costs it
 * as much as a message), and a message carries several answers. Measured in one process against
 * messages both ways: about 5 µs less event-loop CPU per signed request, `signedVsOpen` 0.51–0.85
 * (mean 0.69) against 0.53–0.76 (mean 0.66) over eight runs each (README, access benchmark).
 *
 * The workers also read whole signed requests (checkRequest): the common, canonical case of
 * canonical.ts parsed and its signature base built there rather than on the event loop, and checked
 * with the key the caller names. Reading the two fields and building the base cost the event loop
 * about as much as the rest of the request together (17 µs of ~100 measured in place here); handing
 * the request over costs a few.
 *
 * A worker that fails rejects what it holds (the caller answers 5xx: fail closed, never "valid"),
 * and the next check starts a fresh one.
 */
import type { Worker } from 'node:worker_threads';
import { ed25519KeyObject, opensslVerify } from '../../core/ed25519-openssl.ts';
import {
  CONTROL_WORDS,
  ITEM_HEADER,
  KEY_AND_SIGNATURE,
  REQUEST,
  SIGNATURE,
  SLOT_BYTES,
  SLOTS,
  SPIN_MICROS,
  WORKER_SLEEPS,
  WRITTEN,
} from './verify-layout.ts';

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

/**
 * How long a worker keeps looking for the next item before it sleeps, µs. Waking a sleeping worker
 * cost the event loop 10–12 µs here against 4–5 for an awake one (a ping-pong measured on this
 * project's machine), where a whole unauthenticated request costs about 80.
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

interface Signature {
  publicKey: Uint8Array;
  signature: Uint8Array;
  data: Uint8Array;
}

/** A check waiting for a slot, or written to one and waiting for its answer. */
class Pending {
  constructor(
    readonly kind: typeof SIGNATURE | typeof REQUEST,
    /** What goes into the slot: the signature, or the request's JSON; dropped once written. */
    public payload: Signature | string | undefined,
    readonly resolve: (value: never) => void,
    readonly reject: (e: unknown) => void,
  ) {}
}

interface Lane {
  worker: Worker;
  control: Int32Array;
  items: Buffer;
  /** The checks written to slots and not yet answered, by slot. */
  pending: Array<Pending | undefined>;
  /** Items written and answered so far (the control words hold them modulo 2^32). */
  written: number;
  answered: number;
  /** Whether the worker is ref'd (keeps the process alive): while checks are out. */
  referenced: boolean;
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

/** A check too large for a slot, made here (rare: a signature base over 32 KiB). */
function verifyHere({ publicKey, data, signature }: Signature): boolean {
  return opensslVerify(ed25519KeyObject(publicKey), data, signature);
}

export interface VerifyPoolOptions {
  /** Workers; `cores - 1` by default (at least one, at most four). */
  size?: number;
  /** How long a worker looks for the next check before sleeping, µs (DEFAULT_SPIN_MICROS). */
  spinMicros?: number;
}

export class Ed25519VerifyPool {
  readonly size: number;
  #spinMicros: number;
  private readonly lanes: Array<Lane | undefined>;
  /** Checks waiting for a free slot, in order. */
  private queue: Pending[] = [];

  constructor(options: VerifyPoolOptions = {}) {
    this.size = options.size ?? Math.max(1, Math.min(4, (os?.availableParallelism() ?? 2) - 1));
    if (!Number.isInteger(this.size) || this.size < 1)
      throw new RangeError(`a verification pool has at least one worker, not ${this.size}`);
    this.#spinMicros = checkSpinMicros(options.spinMicros ?? DEFAULT_SPIN_MICROS);
    this.lanes = Array.from({ length: this.size }, () => undefined);
  }

  /** True when `signature` is a valid Ed25519 signature of `data` by the 32-byte `publicKey`. */
  verify(publicKey: Uint8Array, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
    if (publicKey.length !== 32 || signature.length !== 64) return Promise.resolve(false);
    const payload: Signature = { publicKey, signature, data };
    if (ITEM_HEADER + KEY_AND_SIGNATURE + data.length > SLOT_BYTES)
      return Promise.resolve(verifyHere(payload));
    return new Promise<boolean>((resolve, reject) => {
      this.submit(new Pending(SIGNATURE, payload, resolve as Pending['resolve'], reject));
    });
  }

  /**
   * Reads a signed request on a worker: undefined when it is not in the canonical form canonical.ts
   * reads (the caller hands it to the library), else what it says and, given a key, whether its
   * signature verifies. Policy (which components, how old, which key) stays with the caller.
   */
  checkRequest(request: RequestToCheck): Promise<CheckedRequest | undefined> {
    // One string crosses far more cheaply than an object graph (structured cloning the header
    // objects cost the event loop about 10 µs per request here), and JSON gives every string back
    // exactly. A request too large for a slot is read by the library on the event loop.
    const json = JSON.stringify(requestTuple(request));
    if (json.length * 3 > SLOT_BYTES - ITEM_HEADER && Buffer.byteLength(json) > SLOT_BYTES - ITEM_HEADER)
      return Promise.resolve(undefined);
    return new Promise<CheckedRequest | undefined>((resolve, reject) => {
      this.submit(new Pending(REQUEST, json, resolve as Pending['resolve'], reject));
    });
  }

  /** How long a worker looks for the next check before it sleeps, µs; applies to running workers too. */
  get spinMicros(): number {
    return this.#spinMicros;
  }
  set spinMicros(micros: number) {
    this.#spinMicros = checkSpinMicros(micros);
    for (const lane of this.lanes) if (lane) Atomics.store(lane.control, SPIN_MICROS, micros);
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
    for (const item of this.queue.splice(0)) item.reject(closed);
    await Promise.all(
      this.lanes.map((lane, i) => {
        if (!lane) return undefined;
        this.lanes[i] = undefined;
        this.fail(lane, closed);
        return lane.worker.terminate();
      }),
    );
  }

  /** Writes a check to a worker with room at once, or queues it behind the others. */
  private submit(item: Pending): void {
    if (this.queue.length === 0) {
      const lane = this.laneWithRoom();
      if (lane) {
        this.put(lane, item);
        this.publish(lane);
        return;
      }
    }
    this.queue.push(item);
  }

  /** The started (or, for an empty place, new) worker with the fewest checks, if it has a free slot. */
  private laneWithRoom(): Lane | undefined {
    let best: Lane | undefined;
    for (let i = 0; i < this.lanes.length; i++) {
      const lane = this.lanes[i] ?? this.start(i);
      if (best === undefined || lane.written - lane.answered < best.written - best.answered) best = lane;
    }
    return best !== undefined && best.written - best.answered < SLOTS ? best : undefined;
  }

  private put(lane: Lane, item: Pending): void {
    const slot = lane.written & (SLOTS - 1);
    const at = slot * SLOT_BYTES;
    const { items } = lane;
    let length: number;
    if (item.kind === SIGNATURE) {
      const { publicKey, signature, data } = item.payload as Signature;
      items.set(publicKey, at + ITEM_HEADER);
      items.set(signature, at + ITEM_HEADER + 32);
      items.set(data, at + ITEM_HEADER + KEY_AND_SIGNATURE);
      length = KEY_AND_SIGNATURE + data.length;
    } else {
      length = items.write(item.payload as string, at + ITEM_HEADER, SLOT_BYTES - ITEM_HEADER, 'utf8');
    }
    items[at] = item.kind;
    items.writeUInt32LE(length, at + 4);
    item.payload = undefined;
    lane.pending[slot] = item;
    lane.written++;
  }

  /** Makes what was written visible to the worker, and wakes it if it sleeps. */
  private publish(lane: Lane): void {
    // The atomic store orders the slot's bytes before the count the worker reads (ECMA-262 §29).
    Atomics.store(lane.control, WRITTEN, lane.written | 0);
    // Only a sleeping worker needs waking (it says so before it sleeps, and looks again after).
    if (Atomics.load(lane.control, WORKER_SLEEPS) === 1) Atomics.notify(lane.control, WRITTEN);
    // While a check is out the worker keeps the process alive (its answer is awaited); idle, it does
    // not. Only the change is made (each call crosses into C++).
    if (!lane.referenced) {
      lane.worker.ref();
      lane.referenced = true;
    }
  }

  /**
   * The worker's answers to the items from `from` on (their count modulo 2^32), in order: for a
   * signature 1 or 0, for a request what was read or null.
   */
  private answered(lane: Lane, from: number, results: Array<number | CheckedRequest | null>): void {
    if (this.lanes.indexOf(lane) < 0 || (lane.answered | 0) !== from) return;
    for (const result of results) {
      const slot = lane.answered & (SLOTS - 1);
      const item = lane.pending[slot]!;
      lane.pending[slot] = undefined;
      lane.answered++;
      if (item.kind === SIGNATURE) item.resolve((result === 1) as never);
      else item.resolve((result ?? undefined) as never);
    }
    if (lane.answered === lane.written) {
      lane.worker.unref();
      lane.referenced = false;
    }
    if (this.queue.length > 0) this.refill();
  }

  /** Writes what waited for room, now that answers freed slots. */
  private refill(): void {
    const touched = new Set<Lane>();
    while (this.queue.length > 0) {
      const lane = this.laneWithRoom();
      if (!lane) break;
      this.put(lane, this.queue.shift()!);
      touched.add(lane);
    }
    for (const lane of touched) this.publish(lane);
  }

  private start(index: number): Lane {
    const control = new SharedArrayBuffer(CONTROL_WORDS * Int32Array.BYTES_PER_ELEMENT);
    const items = new SharedArrayBuffer(SLOTS * SLOT_BYTES);
    const worker = new threads!.Worker(WORKER_URL, { workerData: { control, items } });
    const lane: Lane = {
      worker,
      control: new Int32Array(control),
      items: Buffer.from(items),
      pending: Array.from({ length: SLOTS }, () => undefined),
      written: 0,
      answered: 0,
      referenced: false,
    };
    Atomics.store(lane.control, SPIN_MICROS, this.#spinMicros);
    worker.on(
      'message',
      ({
        from,
        results,
        errors,
        error,
      }: {
        from: number;
        results: string;
        errors?: number;
        error?: string;
      }) => {
        if (errors !== undefined) this.readFailed(errors, error);
        this.answered(lane, from, JSON.parse(results));
      },
    );
    worker.unref();
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
    for (let n = lane.answered; n < lane.written; n++) {
      const slot = n & (SLOTS - 1);
      lane.pending[slot]?.reject(e);
      lane.pending[slot] = undefined;
    }
    lane.answered = lane.written;
    // What was waiting goes to another worker (or a fresh one), on the next turn: by then every
    // lane that failed with this one has been let go, so none is written to again. A refill with
    // nothing to do does nothing, so one per failure is harmless.
    if (this.queue.length > 0) setImmediate(() => this.refill());
  }
}
