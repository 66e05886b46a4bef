import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MemoryNonceStore } from '../../src/access/http-signatures/index.ts';
import type { Clock } from '../../src/core/index.ts';

function manualClock(start: number): Clock & { set(ms: number): void } {
  let t = start;
  return {
    now: () => new Date(t),
    set: (ms) => {
      t = ms;
    },
  };
}

describe('MemoryNonceStore', () => {
  test('a nonce is accepted once per key until it expires', async () => {
    const clock = manualClock(1_000_000);
    const store = new MemoryNonceStore({ clock });
    const until = new Date(1_300_000);
    assert.equal(await store.checkAndRemember('k1', 'n', until), true);
    assert.equal(await store.checkAndRemember('k1', 'n', until), false);
    assert.equal(await store.checkAndRemember('k2', 'n', until), true, 'another key, another nonce');
    clock.set(1_300_000);
    assert.equal(await store.checkAndRemember('k1', 'n', until), false, 'still remembered at expiresAt');
    clock.set(1_300_001);
    assert.equal(await store.checkAndRemember('k1', 'n', new Date(1_600_000)), true, 'forgotten after');
  });

  test('key and nonce cannot be confused by concatenation', async () => {
    const store = new MemoryNonceStore({ clock: manualClock(0) });
    assert.equal(await store.checkAndRemember('ab', 'c', new Date(10)), true);
    assert.equal(await store.checkAndRemember('a', 'bc', new Date(10)), true);
  });

  test('bounded: expired entries are swept when full; full of live entries, it fails closed', async () => {
    const clock = manualClock(0);
    const store = new MemoryNonceStore({ maxEntries: 2, clock });
    await store.checkAndRemember('k', 'a', new Date(10));
    await store.checkAndRemember('k', 'b', new Date(100));
    await assert.rejects(async () => store.checkAndRemember('k', 'c', new Date(100)), {
      code: 'NONCE_STORE_FULL',
      status: 503,
    });
    assert.equal(
      await store.checkAndRemember('k', 'b', new Date(100)),
      false,
      'a full store still detects replays',
    );
    clock.set(11);
    assert.equal(await store.checkAndRemember('k', 'c', new Date(100)), true);
    assert.equal(store.size, 2);
  });
});
