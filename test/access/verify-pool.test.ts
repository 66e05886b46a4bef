/**
 * The Ed25519 verification workers (verify-pool.ts): the same answers as the reference (noble,
 * strict RFC 8032), in any number and order, and failing closed — a check that cannot be made is
 * an error, never a "valid".
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { setVerifyWorkerSpin } from '../../src/access/http-signatures/ed25519.ts';
import { Ed25519VerifyPool } from '../../src/access/http-signatures/verify-pool.ts';

const pool = new Ed25519VerifyPool({ size: 2 });
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
  const own = new Ed25519VerifyPool({ size: 1 });
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
  const own = new Ed25519VerifyPool({ size: 1 });
  const k = keys[1]!;
  const data = message(9);
  const pending = own.verify(k.public, data, ed25519.sign(data, k.secret));
  await new Promise((r) => setImmediate(r));
  const refused = assert.rejects(pending, /closed/);
  await own.close();
  await refused;
});

test('a worker that dies while reading requests rejects them; none is answered as read or valid', async () => {
  const own = new Ed25519VerifyPool({ size: 1 });
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
  const own = new Ed25519VerifyPool({ size: 1 });
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

test("the process's spin time, set again to another value, is reported rather than changed silently", async () => {
  const warnings: Array<Error & { code?: string }> = [];
  const onWarning = (w: Error & { code?: string }) => warnings.push(w);
  process.on('warning', onWarning);
  const spinChanges = async () => {
    // Warnings are emitted on the next tick.
    await new Promise((r) => setImmediate(r));
    return warnings.filter((w) => w.code === 'RAMPART_VERIFY_SPIN_CHANGED');
  };
  try {
    setVerifyWorkerSpin(1000);
    setVerifyWorkerSpin(1000);
    assert.equal((await spinChanges()).length, 0, 'the same value again is nothing to report');
    assert.throws(() => setVerifyWorkerSpin(-5), RangeError);
    setVerifyWorkerSpin(0);
    const changes = await spinChanges();
    assert.equal(changes.length, 1);
    assert.match(changes[0]!.message, /from 1000 to 0 µs for every server in this process/);
  } finally {
    setVerifyWorkerSpin(1000);
    await new Promise((r) => setImmediate(r));
    process.off('warning', onWarning);
  }
});

test('a check out keeps the process alive until it is answered; an idle pool does not', () => {
  // A process with nothing else to do: if the worker were not held while the checks are out, it
  // would exit before printing; if it were still held once they are answered, it would never exit
  // (the pool is not closed), and the time limit ends it with a signal.
  // A file, not --eval: the worker inherits the process's flags, and --input-type refuses files.
  const pool = new URL('../../src/access/http-signatures/verify-pool.ts', import.meta.url).href;
  const noble = import.meta.resolve('@noble/curves/ed25519.js');
  const dir = mkdtempSync(join(tmpdir(), 'rampart-pool-exit-'));
  const script = join(dir, 'child.mjs');
  writeFileSync(
    script,
    `
    import { ed25519 } from ${JSON.stringify(noble)};
    import { Ed25519VerifyPool } from ${JSON.stringify(pool)};
    const pool = new Ed25519VerifyPool({ size: 1 });
    const secret = ed25519.utils.randomSecretKey();
    const key = ed25519.getPublicKey(secret);
    const data = new TextEncoder().encode('kept alive');
    const signature = ed25519.sign(data, secret);
    pool.verify(key, data, signature).then((first) =>
      pool.verify(key, data, signature).then((second) => process.stdout.write(JSON.stringify([first, second]))),
    );
  `,
  );
  const r = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 30_000 });
  rmSync(dir, { recursive: true, force: true });
  assert.equal(r.signal, null, 'the idle pool kept the process alive');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '[true,true]');
});

test('a pool has at least one worker', () => {
  for (const size of [0, -1, 1.5])
    assert.throws(() => new Ed25519VerifyPool({ size }), /at least one worker/);
});

test('what does not fit a slot is still checked, and a request too large is left to the library', async () => {
  const own = new Ed25519VerifyPool({ size: 1 });
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
