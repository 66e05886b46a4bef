/**
 * The in-process nonce store: one use per nonce, and no replay across a crash — the window mark on
 * disk is raised before a nonce is acknowledged, and a restarted store refuses every window at or
 * below it (SIGNATURE_EXPIRED, for that reason), while fresh signatures pass.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  type HttpRequest,
  SignatureRefusal,
  signRequest,
  verifyRequest,
} from '../../src/access/http-signatures/index.ts';
import { fileWindowMark, ProcessNonceStore, type WindowMark } from '../../src/access/services/index.ts';
import { type Clock, fixedClock } from '../../src/core/index.ts';
import { storeIndependent } from '../support/passes.ts';
import { B14_KEY_ID, B14_PRIVATE_KEY, B14_PUBLIC_KEY } from './http-signatures-fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'rampart-nonce-mark-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function clockAt(ms: number): Clock & { set(ms: number): void } {
  let t = ms;
  return { now: () => new Date(t), set: (v) => (t = v) };
}

function signed(created: Date, nonce: string): HttpRequest {
  const req: HttpRequest = {
    method: 'GET',
    url: 'https://rampart.example/api/v1/ledger/checkpoint',
    headers: {},
  };
  return {
    ...req,
    headers: { ...signRequest(req, { keyId: B14_KEY_ID, privateKey: B14_PRIVATE_KEY, created, nonce }) },
  };
}

const verifyWith = (store: ProcessNonceStore, now: Date, req: HttpRequest) =>
  verifyRequest(req, {
    now,
    nonceStore: store,
    maxAgeSeconds: 300,
    lookupKey: (id) => (id === B14_KEY_ID ? { publicKey: B14_PUBLIC_KEY, serviceId: 'svc' } : undefined),
  });

describe('ProcessNonceStore', storeIndependent, () => {
  test('a nonce is accepted once per key while its window lasts, then forgotten', async () => {
    const clock = clockAt(1_000_000);
    const store = new ProcessNonceStore({ clock });
    assert.equal(await store.checkAndRemember('k', 'n', new Date(1_300_000)), true);
    assert.equal(await store.checkAndRemember('k', 'n', new Date(1_300_000)), false);
    assert.equal(await store.checkAndRemember('k2', 'n', new Date(1_300_000)), true);
    assert.equal(await store.checkAndRemember('k\u0000n', '', new Date(1_300_000)), true, 'no confusion');
    clock.set(1_300_001);
    assert.equal(await store.checkAndRemember('k', 'n', new Date(1_600_000)), true);
    assert.equal(store.minimumWindowEnd, undefined, 'no mark, nothing refused');
  });

  test('full of live nonces it fails closed (503), never forgetting one early', async () => {
    const store = new ProcessNonceStore({ clock: clockAt(0), maxEntries: 2 });
    await store.checkAndRemember('k', 'a', new Date(100));
    await store.checkAndRemember('k', 'b', new Date(100));
    await assert.rejects(async () => store.checkAndRemember('k', 'c', new Date(100)), {
      code: 'NONCE_STORE_FULL',
      status: 503,
    });
    assert.equal(await store.checkAndRemember('k', 'a', new Date(100)), false);
  });

  test('the mark is durable before the nonce is acknowledged, and written rarely', async () => {
    const writes: number[] = [];
    const mark: WindowMark = { read: () => undefined, write: (ms) => void writes.push(ms) };
    const store = new ProcessNonceStore({ clock: clockAt(0), mark, markSlackSeconds: 2 });
    await store.checkAndRemember('k', 'a', new Date(300_000));
    assert.deepEqual(writes, [302_000], 'raised past the window end before returning');
    await store.checkAndRemember('k', 'b', new Date(301_000));
    await store.checkAndRemember('k', 'c', new Date(302_000));
    assert.equal(writes.length, 1, 'windows under the mark need no write');
    await store.checkAndRemember('k', 'd', new Date(302_001));
    assert.deepEqual(writes, [302_000, 304_001]);
    const failing: WindowMark = {
      read: () => undefined,
      write: () => {
        throw new Error('disk full');
      },
    };
    const s2 = new ProcessNonceStore({ clock: clockAt(0), mark: failing });
    await assert.rejects(
      async () => s2.checkAndRemember('k', 'a', new Date(1000)),
      /disk full/,
      'not acknowledged',
    );
    assert.equal(s2.size, 0);
  });

  test('after a crash, a replay of an accepted request is refused; a fresh one passes', async () => {
    const path = join(dir, 'nonce-window');
    const t0 = new Date('2026-05-01T12:00:00Z');
    const first = new ProcessNonceStore({ clock: fixedClock(t0), mark: fileWindowMark(path) });
    const accepted = signed(t0, 'once');
    await verifyWith(first, t0, accepted);
    assert.ok(existsSync(path), 'the mark was written');
    // The process dies: its memory is gone. The next one starts 3 s later with the mark.
    const later = new Date(t0.getTime() + 3000);
    const second = new ProcessNonceStore({ clock: fixedClock(later), mark: fileWindowMark(path) });
    await assert.rejects(verifyWith(second, later, accepted), (e: unknown) => {
      assert.ok(e instanceof SignatureRefusal);
      assert.equal(e.code, 'SIGNATURE_EXPIRED');
      assert.match(e.reason, /may have forgotten/);
      return true;
    });
    const fresh = await verifyWith(second, later, signed(later, 'fresh'));
    assert.equal(fresh.nonce, 'fresh');
    await assert.rejects(verifyWith(second, later, signed(later, 'fresh')), { code: 'SIGNATURE_REPLAYED' });
  });

  test('a damaged mark file stops the store from starting, with a code', () => {
    const path = join(dir, 'damaged');
    writeFileSync(path, 'not a time\n');
    assert.throws(() => new ProcessNonceStore({ mark: fileWindowMark(path) }), {
      code: 'NONCE_MARK_INVALID',
    });
    assert.equal(readFileSync(path, 'utf8'), 'not a time\n', 'left for a person to look at');
  });
});
