// The worker side of verify-pool.ts: Ed25519 checks with OpenSSL (node:crypto) and signed requests
// read by canonical.ts (loaded through tsx, as the rest of Rampart is), taken one at a time, in
// order, from memory shared with the event loop; the answers go back as messages.
//
// The shared memory's layout is verify-layout.ts.
// - answers: messages { from, results } where `from` is the count of the first item answered and
//   `results` the JSON of one answer per item: 1 or 0 for a signature (1: it verifies), for a
//   request what canonical.ts read and the verdict, or null (not read: the library reads it on the
//   event loop). With them, when there were any, the number of requests whose reading threw
//   (`errors`) and the last such error's text.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

// canonical.ts, the layout and the OpenSSL helpers are TypeScript: loaded before the first item is
// read, in a tsx namespace of this worker's own (the main thread's loader, registered by
// bin/rampart.mjs, does not reach workers). If they cannot load, the worker ends with the error and
// the pool rejects what it held.
const tsx = register({ namespace: 'rampart-verify-worker' });
const { SLOTS, SLOT_BYTES, WRITTEN, WORKER_SLEEPS, SPIN_MICROS, SIGNATURE, ITEM_HEADER, KEY_AND_SIGNATURE } =
  await tsx.import('./verify-layout.ts', import.meta.url);
const { canonicalSignature } = await tsx.import('./canonical.ts', import.meta.url);
const { ed25519KeyObject, opensslVerify } = await tsx.import(
  '../../core/ed25519-openssl.ts',
  import.meta.url,
);

const KEYS_MAX = 1024;
const keys = new Map();

/** The OpenSSL key for raw key bytes, or for their base64 text (how requests name keys). */
function keyObject(text, raw) {
  let key = keys.get(text);
  if (key === undefined) {
    key = ed25519KeyObject(raw ?? Buffer.from(text, 'base64'));
    if (keys.size >= KEYS_MAX) keys.delete(keys.keys().next().value);
    keys.set(text, key);
  }
  return key;
}

const control = new Int32Array(workerData.control);
const items = Buffer.from(workerData.items);

function answerSignature(at, length) {
  // Read in place: the event loop reuses the slot only once it is answered.
  const bytes = items.subarray(at, at + length);
  const key = bytes.subarray(0, 32);
  const signature = bytes.subarray(32, KEY_AND_SIGNATURE);
  return opensslVerify(keyObject(key.toString('base64'), key), bytes.subarray(KEY_AND_SIGNATURE), signature)
    ? 1
    : 0;
}

let errors = 0;
let error;

/** What canonical.ts reads from a request and the verdict; null when it does not read it. */
function answerRequest(at, length, canonicalSignature) {
  try {
    const [method, url, requestTarget, label, headers, key] = JSON.parse(
      items.toString('utf8', at, at + length),
    );
    const request =
      requestTarget === null ? { method, url, headers } : { method, url, headers, requestTarget };
    const c = canonicalSignature(request, label ?? undefined);
    if (!c) return null;
    const { candidate } = c;
    return {
      label: candidate.label,
      algorithm: candidate.algorithm,
      components: candidate.components.map((component) => component.name),
      parameters: candidate.parameters,
      valid: key === null ? undefined : opensslVerify(keyObject(key), c.base, c.signature),
      contentDigest: c.field('content-digest'),
    };
  } catch (e) {
    // canonical.ts declines what it cannot read rather than throwing, so this is a bug: the request
    // is answered "not read" (the library reads, and refuses, it on the event loop), and the pool
    // counts and reports it.
    errors++;
    error = String(e);
    return null;
  }
}

function answerItem(slot, canonicalSignature) {
  const at = slot * SLOT_BYTES;
  const length = items.readUInt32LE(at + 4);
  return items[at] === SIGNATURE
    ? answerSignature(at + ITEM_HEADER, length)
    : answerRequest(at + ITEM_HEADER, length, canonicalSignature);
}

function send(from, results) {
  const message = { from, results: JSON.stringify(results) };
  if (errors > 0) {
    Object.assign(message, { errors, error });
    errors = 0;
  }
  parentPort.postMessage(message);
}

// Answers go back a few at a time (ANSWER_EVERY), and at once when nothing else is waiting, so that
// the event loop finishes the first requests while the worker checks the rest.
const ANSWER_EVERY = 4;

// After an item the worker keeps looking for the next one (control word 2, µs) before it sleeps:
// waking a sleeping thread costs the writer (the event loop) a cross-CPU wake-up, several times what
// writing the item costs. Under load items follow each other within it; idle, the worker sleeps.
let answered = 0;
let from = 0;
let results = [];
let until = 0;
for (;;) {
  if (Atomics.load(control, WRITTEN) !== answered) {
    results.push(answerItem(answered & (SLOTS - 1), canonicalSignature));
    answered = (answered + 1) | 0;
    if (results.length === ANSWER_EVERY || Atomics.load(control, WRITTEN) === answered) {
      send(from, results);
      from = answered;
      results = [];
    }
    until = performance.now() + Atomics.load(control, SPIN_MICROS) / 1000;
  } else if (performance.now() >= until) {
    // Said before sleeping, and the count looked at again after saying it: an item written meanwhile
    // either is seen here or finds this flag set (and the writer wakes this thread).
    Atomics.store(control, WORKER_SLEEPS, 1);
    if (Atomics.load(control, WRITTEN) === answered) Atomics.wait(control, WRITTEN, answered);
    Atomics.store(control, WORKER_SLEEPS, 0);
  }
}
