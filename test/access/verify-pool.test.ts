/**
 * The Ed25519 verification workers (verify-pool.ts): the same answers as the reference (noble,
 * strict RFC 8032), in any number and order, and failing closed — a check that cannot be made is
 * an error, never a "valid".
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { Ed25519VerifyPool } from '../../src/access/http-signatures/verify-pool.ts';

const pool = new Ed25519VerifyPool(2);
after(() => pool.close());

const keys = Array.from({ length: 3 }, (_, i) => {
  const secret = new Uint8Array(32).fill(i + 1);
  return { secret, public: ed25519.getPublicKey(secret) };
});
const message = (i: number) =>
  new TextEncoder().encode(`"@method": POST\n"@signature-params": ("@method");nonce="${i}"`);

test('valid, tampered, other-key and malformed checks each get their own right answer', async () => {
  const [a, b] = keys as [(typeof keys)[0], (typeof keys)[0]];
  const data = message(1);
  const sig = ed25519.sign(data, a.secret);
  assert.equal(await pool.verify(a.public, data, sig), true);
  const tampered = data.slice();
  tampered[0]! ^= 1;
  assert.equal(await pool.verify(a.public, tampered, sig), false, 'other data');
  assert.equal(await pool.verify(b.public, data, sig), false, 'other key');
  const flipped = sig.slice();
  flipped[10]! ^= 0x40;
  assert.equal(await pool.verify(a.public, data, flipped), false, 'altered signature');
  assert.equal(await pool.verify(a.public, data, sig.subarray(0, 63)), false, 'short signature');
  assert.equal(await pool.verify(a.public.subarray(0, 31), data, sig), false, 'short key');
  assert.equal(
    await pool.verify(a.public, new Uint8Array(0), ed25519.sign(new Uint8Array(0), a.secret)),
    true,
  );
});

test('500 concurrent checks across keys and workers all match the reference', async () => {
  const jobs = Array.from({ length: 500 }, (_, i) => {
    const k = keys[i % keys.length]!;
    const data = message(i);
    let sig = ed25519.sign(data, k.secret);
    // Every third one is forged: signed by the next key.
    if (i % 3 === 0) sig = ed25519.sign(data, keys[(i + 1) % keys.length]!.secret);
    return { k, data, sig, expected: ed25519.verify(sig, data, k.public, { zip215: false }) };
  });
  const results = await Promise.all(jobs.map((j) => pool.verify(j.k.public, j.data, j.sig)));
  assert.deepEqual(
    results,
    jobs.map((j) => j.expected),
  );
  assert.ok(results.includes(true) && results.includes(false));
});

test('a worker that dies rejects what it held, and the next check starts a fresh one', async () => {
  const k = keys[0]!;
  const own = new Ed25519VerifyPool(1);
  try {
    const data = message(7);
    const sig = ed25519.sign(data, k.secret);
    assert.equal(await own.verify(k.public, data, sig), true);
    const pending = Array.from({ length: 200 }, () => own.verify(k.public, data, sig));
    // Let the batch reach the worker, then kill it under the checks.
    await new Promise((r) => setImmediate(r));
    const lane = (own as unknown as { lanes: Array<{ worker: { terminate(): Promise<number> } }> }).lanes[0]!;
    await lane.worker.terminate();
    const settled = await Promise.allSettled(pending);
    assert.ok(
      settled.every((s) => (s.status === 'fulfilled' ? s.value === true : s.reason instanceof Error)),
      'each check either verified before the worker died or was rejected; none answered false or invalid',
    );
    assert.ok(
      settled.some((s) => s.status === 'rejected'),
      'the checks in flight were rejected',
    );
    assert.equal(await own.verify(k.public, data, sig), true, 'a fresh worker answers');
  } finally {
    await own.close();
  }
});

test('closing the pool rejects checks in flight', async () => {
  const own = new Ed25519VerifyPool(1);
  const k = keys[1]!;
  const data = message(9);
  const pending = own.verify(k.public, data, ed25519.sign(data, k.secret));
  await new Promise((r) => setImmediate(r));
  const refused = assert.rejects(pending, /closed/);
  await own.close();
  await refused;
});

test('a worker that dies while reading requests rejects them; none is answered as read or valid', async () => {
  const own = new Ed25519VerifyPool(1);
  try {
    const k = keys[0]!;
    const request = {
      method: 'GET',
      url: 'http://127.0.0.1/x',
      headers: {
        'signature-input': 'sig1=("@method");created=1;keyid="k";nonce="n"',
        signature: `sig1=:${Buffer.from(ed25519.sign(new Uint8Array(1), k.secret)).toString('base64')}:`,
      },
      publicKey: k.public,
    };
    const read = await own.checkRequest(request);
    assert.equal(read?.valid, false, 'read, and a signature over other bytes does not verify');
    const pending = Array.from({ length: 50 }, () => own.checkRequest(request));
    await new Promise((r) => setImmediate(r));
    const lane = (own as unknown as { lanes: Array<{ worker: { terminate(): Promise<number> } }> }).lanes[0]!;
    await lane.worker.terminate();
    const settled = await Promise.allSettled(pending);
    assert.ok(
      settled.every((s) => (s.status === 'fulfilled' ? s.value?.valid === false : s.reason instanceof Error)),
    );
    assert.ok(
      settled.some((s) => s.status === 'rejected'),
      'the reads in flight were rejected',
    );
  } finally {
    await own.close();
  }
});

test('a request whose reading throws on the worker is answered "not read", counted and reported once', async () => {
  const own = new Ed25519VerifyPool(1);
  const warnings: Array<Error & { code?: string }> = [];
  const onWarning = (w: Error) => warnings.push(w);
  process.on('warning', onWarning);
  try {
    const k = keys[0]!;
    const data = new Uint8Array(1);
    const request = {
      // Not a string: canonical.ts is only ever given strings here, so reading it throws.
      method: {} as unknown as string,
      url: 'http://127.0.0.1/x',
      headers: {
        'signature-input': 'sig1=("@method");created=1;keyid="k";nonce="n"',
        signature: `sig1=:${Buffer.from(ed25519.sign(data, k.secret)).toString('base64')}:`,
      },
      publicKey: k.public,
    };
    assert.equal(await own.checkRequest(request), undefined, 'not read: the library reads it');
    assert.equal(await own.checkRequest(request), undefined);
    assert.equal(own.readFailures, 2);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(
      warnings.filter((w) => w.code === 'RAMPART_VERIFY_READ_FAILED').length,
      1,
      'reported once, then only counted',
    );
    // A well-formed request on the same worker is still read.
    const read = await own.checkRequest({ ...request, method: 'GET' });
    assert.equal(read?.valid, false);
    assert.equal(own.readFailures, 2);
  } finally {
    process.off('warning', onWarning);
    await own.close();
  }
});

test('the spin time is checked, and a worker told not to spin still answers every check', async () => {
  assert.throws(() => new Ed25519VerifyPool({ size: 1, spinMicros: -1 }), RangeError);
  const own = new Ed25519VerifyPool({ size: 1, spinMicros: 0 });
  try {
    assert.equal(own.spinMicros, 0);
    assert.throws(() => {
      own.spinMicros = 10_001;
    }, /0 to 10,000/);
    const k = keys[2]!;
    for (let i = 0; i < 3; i++) {
      const data = message(100 + i);
      assert.equal(await own.verify(k.public, data, ed25519.sign(data, k.secret)), true);
      // Asleep between checks: each wakes it.
      await new Promise((r) => setTimeout(r, 5));
    }
    own.spinMicros = 2000;
    const data = message(200);
    assert.equal(await own.verify(k.public, data, ed25519.sign(data, keys[0]!.secret)), false);
  } finally {
    await own.close();
  }
});

test('what does not fit a slot is still checked, and a request too large is left to the library', async () => {
  const own = new Ed25519VerifyPool(1);
  try {
    const k = keys[1]!;
    // A signature over 40 KiB of data: more than a slot holds, checked on the event loop.
    const data = new Uint8Array(40 * 1024).fill(0x61);
    const sig = ed25519.sign(data, k.secret);
    assert.equal(await own.verify(k.public, data, sig), true);
    assert.equal(await own.verify(keys[0]!.public, data, sig), false);
    const request = {
      method: 'GET',
      url: 'http://127.0.0.1/x',
      headers: {
        'signature-input': 'sig1=("@method");created=1;keyid="k";nonce="n"',
        signature: `sig1=:${Buffer.from(sig).toString('base64')}:`,
        'x-padding': 'p'.repeat(40 * 1024),
      },
      publicKey: k.public,
    };
    assert.equal(await own.checkRequest(request), undefined, 'not read on the worker');
    const { 'x-padding': _, ...headers } = request.headers;
    assert.equal(
      (await own.checkRequest({ ...request, headers }))?.valid,
      false,
      'the same, smaller, is read',
    );
  } finally {
    await own.close();
  }
});
