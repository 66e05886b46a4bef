// The worker side of verify-pool.ts: Ed25519 checks with OpenSSL (node:crypto), a batch at a time,
// and signed requests read by canonical.ts (loaded through tsx, as the rest of Rampart is).
//
// A signature batch is one transferred ArrayBuffer holding, per item: the 32-byte public key, the
// 64-byte signature, the data's length (u32, little-endian) and the data. The answers are one byte
// per item (1: the signature verifies), in order, under the batch's id and the index of the first.
// A request batch is the JSON text of an array of requests, each [method, url, requestTarget, label,
// headers, base64 key or null]; the answers, a CheckedRequest or null (not canonical: the library
// reads it on the event loop) per item, go back as JSON text in the same way, with the number of
// requests whose reading threw (`errors`, and the last such error's text) when there were any.
import { createPublicKey, verify } from 'node:crypto';
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

// RFC 8410 §4 SubjectPublicKeyInfo for Ed25519: this prefix, then the raw 32-byte key.
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const KEYS_MAX = 1024;
const keys = new Map();

/** The OpenSSL key for raw key bytes, or for their base64 text (how request batches name keys). */
function keyObject(text, raw) {
  let key = keys.get(text);
  if (key === undefined) {
    key = createPublicKey({
      key: Buffer.concat([SPKI_PREFIX, raw ?? Buffer.from(text, 'base64')]),
      format: 'der',
      type: 'spki',
    });
    if (keys.size >= KEYS_MAX) keys.delete(keys.keys().next().value);
    keys.set(text, key);
  }
  return key;
}

function checks(data, key, signature) {
  try {
    return verify(null, data, key, signature);
  } catch {
    return false;
  }
}

// Answers go back a few at a time, so that the event loop can finish the first requests of a batch
// while the worker checks the rest.
const ANSWER_EVERY = 4;

function answerSignatures(id, count, buffer) {
  const bytes = Buffer.from(buffer);
  let results = new Uint8Array(Math.min(ANSWER_EVERY, count));
  let from = 0;
  let at = 0;
  for (let i = 0; i < count; i++) {
    const key = bytes.subarray(at, at + 32);
    const signature = bytes.subarray(at + 32, at + 96);
    const length = bytes.readUInt32LE(at + 96);
    const data = bytes.subarray(at + 100, at + 100 + length);
    at += 100 + length;
    results[i - from] = checks(data, keyObject(key.toString('base64'), key), signature) ? 1 : 0;
    if (i + 1 - from === results.length) {
      parentPort.postMessage({ id, from, results }, [results.buffer]);
      from = i + 1;
      results = new Uint8Array(Math.min(ANSWER_EVERY, count - from));
    }
  }
}

function answerRequests(id, text, canonicalSignature) {
  const requests = JSON.parse(text);
  let results = [];
  let from = 0;
  let errors = 0;
  let error;
  for (let i = 0; i < requests.length; i++) {
    const [method, url, requestTarget, label, headers, key] = requests[i];
    let answer = null;
    try {
      const request =
        requestTarget === null ? { method, url, headers } : { method, url, headers, requestTarget };
      const c = canonicalSignature(request, label ?? undefined);
      if (c) {
        const { candidate } = c;
        answer = {
          label: candidate.label,
          algorithm: candidate.algorithm,
          components: candidate.components.map((component) => component.name),
          parameters: candidate.parameters,
          valid: key === null ? undefined : checks(c.base, keyObject(key), c.signature),
          contentDigest: c.field('content-digest'),
        };
      }
    } catch (e) {
      // canonical.ts declines what it cannot read rather than throwing, so this is a bug: the
      // request is answered "not read" (the library reads, and refuses, it on the event loop), and
      // the pool counts and reports it.
      answer = null;
      errors++;
      error = String(e);
    }
    results.push(answer);
    if (results.length === ANSWER_EVERY || i + 1 === requests.length) {
      const message = { id, from, results: JSON.stringify(results) };
      if (errors > 0) Object.assign(message, { errors, error });
      parentPort.postMessage(message);
      from = i + 1;
      results = [];
      errors = 0;
    }
  }
}

// canonical.ts is TypeScript: loaded on the first request batch, in a tsx namespace of this worker's
// own (the main thread's loader, registered by bin/rampart.mjs, does not reach workers).
let canonical;
function canonicalReader() {
  canonical ??= register({ namespace: 'rampart-verify-worker' })
    .import('./canonical.ts', import.meta.url)
    .then((m) => m.canonicalSignature);
  return canonical;
}

// Batches are answered as they can be (each answer names its batch); request batches that arrive
// while canonical.ts loads wait for it.
let reader;
function answer(message) {
  if (message.buffer !== undefined) answerSignatures(message.id, message.count, message.buffer);
  else if (reader !== undefined) answerRequests(message.id, message.requests, reader);
  else
    canonicalReader().then(
      (read) => {
        reader = read;
        answerRequests(message.id, message.requests, read);
      },
      (e) => {
        // It cannot read requests: the worker ends with the error and the pool rejects what it held.
        setImmediate(() => {
          throw e;
        });
      },
    );
}

// After a batch the worker stays awake for the next one (`access.verifyWorkerSpinMicros`, 1 ms by
// default), reading its port itself. Waking a sleeping thread costs the sender (the event loop) a
// cross-CPU wake-up: a message to a sleeping worker took 10–12 µs of the event loop's time here, to
// an awake one 4–5, where a whole unauthenticated request costs about 80. Under load batches follow
// each other within it; idle, the worker sleeps again.
let SPIN_MS = (workerData?.spinMicros ?? 1000) / 1000;
parentPort.on('message', (message) => {
  if (message.spinMicros !== undefined) {
    SPIN_MS = message.spinMicros / 1000;
    return;
  }
  answer(message);
  // Not while canonical.ts loads: that needs this thread's event loop.
  if (reader === undefined && message.buffer === undefined) return;
  let until = performance.now() + SPIN_MS;
  while (performance.now() < until && (reader !== undefined || canonical === undefined)) {
    const next = receiveMessageOnPort(parentPort);
    if (next === undefined) continue;
    answer(next.message);
    until = performance.now() + SPIN_MS;
  }
});
