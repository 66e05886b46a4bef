// The worker side of verify-pool.ts: Ed25519 checks with OpenSSL (node:crypto), a batch at a time.
// Plain JavaScript on purpose: it starts in milliseconds, with no TypeScript loader, and does only this.
//
// A batch is one transferred ArrayBuffer holding, per item: the 32-byte public key, the 64-byte
// signature, the data's length (u32, little-endian) and the data. The answers are one byte per item
// (1: the signature verifies), in order, under the batch's id and the index of the first.
import { createPublicKey, verify } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

// RFC 8410 §4 SubjectPublicKeyInfo for Ed25519: this prefix, then the raw 32-byte key.
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const KEYS_MAX = 1024;
const keys = new Map();

function keyObject(raw) {
  const id = raw.toString('hex');
  let key = keys.get(id);
  if (key === undefined) {
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
    if (keys.size >= KEYS_MAX) keys.delete(keys.keys().next().value);
    keys.set(id, key);
  }
  return key;
}

// Answers go back a few at a time, so that the event loop can finish the first requests of a batch
// while the worker checks the rest.
const ANSWER_EVERY = 4;

parentPort.on('message', ({ id, count, buffer }) => {
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
    try {
      results[i - from] = verify(null, data, keyObject(key), signature) ? 1 : 0;
    } catch {
      results[i - from] = 0;
    }
    if (i + 1 - from === results.length) {
      parentPort.postMessage({ id, from, results }, [results.buffer]);
      from = i + 1;
      results = new Uint8Array(Math.min(ANSWER_EVERY, count - from));
    }
  }
});
