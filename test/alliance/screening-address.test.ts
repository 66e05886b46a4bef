// Address normalisation and the fast table: pure logic, against the published Bybit lists.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  AddressTable,
  canonicalFromKey,
  checkAddress,
  evmKeyInto,
  type ListingMeta,
} from '../../src/alliance/screening/index.ts';
import { storeIndependent } from '../support/passes.ts';

const INTEL = new URL('../../../shared/vectors/intel/bybit-2025/', import.meta.url);
const lines = (f: string) => readFileSync(new URL(f, INTEL), 'utf8').split(/\r?\n/);

describe('screening addresses', storeIndependent, () => {
  it('the MSMT Annex 6 list: 148 valid (104 v0, 23 taproot, 16 P2PKH, 5 P2SH), line 69 truncated', () => {
    const kinds: Record<string, number> = {};
    const bad: [number, string][] = [];
    lines('msmt-annex6-hk-broker-btc-addresses.txt').forEach((l, i) => {
      if (!l.trim()) return;
      const c = checkAddress(l);
      if (c.ok) {
        kinds[c.address.kind] = (kinds[c.address.kind] ?? 0) + 1;
        assert.equal(canonicalFromKey(c.address.key), c.address.canonical);
      } else bad.push([i + 1, c.reason]);
    });
    assert.deepEqual(kinds, { p2wpkh: 104, p2tr: 23, p2pkh: 16, p2sh: 5 });
    assert.deepEqual(
      bad.map(([n]) => n),
      [69],
    );
    assert.match(bad[0]![1], /checksum/);
  });

  it('the 51 FBI addresses pass EIP-55 and normalise to lower case; a flipped case fails', () => {
    const fbi = lines('fbi-ic3-psa250226-eth-addresses.txt').filter((l) => l.trim());
    assert.equal(fbi.length, 51);
    for (const a of fbi) {
      const c = checkAddress(a);
      assert.ok(c.ok, a);
      assert.equal(c.address.canonical, a.toLowerCase());
      assert.equal(c.address.display, a);
      assert.equal(checkAddress(a.toLowerCase()).ok, true);
      assert.equal(checkAddress(`0x${a.slice(2).toUpperCase()}`).ok, true);
    }
    const flipped = fbi[0]!.replace('E9d', 'e9d');
    const c = checkAddress(flipped);
    assert.equal(c.ok, false);
    assert.match((c as { reason: string }).reason, /EIP-55 checksum/);
  });

  it('refuses each malformed kind with a reason', () => {
    const cases: [string, RegExp][] = [
      ['0x1234', /40 hex digits/],
      ['bc1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4', /mix upper and lower/],
      // BIP 350 test vectors: v0 in bech32m, v1 in bech32
      ['bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh', /must use bech32 \(BIP 173\)/],
      ['bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd', /must use bech32m/],
      ['tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx', /mainnet/],
      ['1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3', /checksum/],
      ['2NBFNJTktNa7GZusGbDbGKRZTxdK9VVez3n', /not a supported address|version/],
      ['TXYZopYRdj2D9XRtbG411XZZ3kM5VkAeBf', /not a supported address/],
      ['', /empty/],
    ];
    for (const [a, re] of cases) {
      const c = checkAddress(a);
      assert.equal(c.ok, false, a);
      assert.match((c as { reason: string }).reason, re, a);
    }
    // BIP 173/350 valid vectors
    assert.equal(checkAddress('BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4').ok, true);
    assert.equal(checkAddress('bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0').ok, true);
    assert.equal(checkAddress('1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2').ok, true);
    assert.equal(checkAddress('3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy').ok, true);
  });
});

describe('the address table', storeIndependent, () => {
  const meta = (source: string): ListingMeta => ({
    source,
    reason: `r-${source}`,
    listedBy: 'test',
    confidence: 80,
    tlp: 'amber',
    objectId: null,
  });
  const key = (i: number) => {
    const k = new Uint8Array(21);
    k[0] = 1;
    new DataView(k.buffer).setUint32(1, i);
    k[20] = i & 0xff;
    return k;
  };

  it('adds, finds, lists, removes and grows without false positives', () => {
    const t = new AddressTable({ expected: 16, seed: 7 });
    const n = 20_000;
    for (let i = 0; i < n; i++) assert.equal(t.add(key(i), meta('a'), 1_700_000_000_000 + i * 1000), true);
    assert.equal(t.size, n);
    for (let i = 0; i < n; i++) assert.ok(t.find(key(i)) >= 0, `row ${i}`);
    for (let i = n; i < n + 20_000; i++) assert.equal(t.find(key(i)), -1);
    // A second source on the same address: one row, two listings; same source again updates.
    assert.equal(t.add(key(5), meta('b'), 1_600_000_000_000), true);
    assert.equal(t.add(key(5), { ...meta('b'), confidence: 10 }, 1_800_000_000_000), false);
    const ls = t.listings(t.find(key(5)));
    assert.deepEqual(
      ls.map((l) => [l.source, l.confidence, l.firstSeen]),
      [
        ['b', 10, 1_600_000_000_000],
        ['a', 80, 1_700_000_005_000],
      ],
    );
    assert.equal(t.size, n);
    assert.equal(t.listingCount, n + 1);
    // Remove: the address stays while one listing remains.
    assert.equal(t.remove(key(5), 'a'), true);
    assert.ok(t.find(key(5)) >= 0);
    assert.equal(t.remove(key(5), 'b'), true);
    assert.equal(t.find(key(5)), -1);
    assert.equal(t.remove(key(5), 'b'), false);
    // Probing continues past deleted slots.
    for (let i = 0; i < n; i += 2) t.remove(key(i), 'a');
    for (let i = 1; i < n; i += 2) assert.equal(t.find(key(i)) >= 0, i !== 5, `row ${i}`);
    for (let i = 0; i < n; i += 2) assert.equal(t.find(key(i)), -1);
    for (let i = 0; i < n; i += 2) t.add(key(i), meta('c'), 0);
    for (let i = 0; i < n; i++) assert.equal(t.find(key(i)) >= 0, i !== 5, `row ${i}`);
    assert.equal(t.size, n - 1);
  });

  it('confirms against the key bytes: equal hashes alone never match', () => {
    const t = new AddressTable({ seed: 1 });
    t.add(key(1), meta('a'), 0);
    // Same first 20 bytes, different last byte; different length.
    const k = key(1);
    k[20] = k[20]! ^ 1;
    assert.equal(t.find(k), -1);
    assert.equal(t.find(key(1), 20), -1);
  });

  it('the EVM fast path decodes exactly the canonical key', () => {
    const a = '0x51e9d833ecae4e8d9d8be17300aee6d3398c135d';
    const out = new Uint8Array(41);
    assert.equal(evmKeyInto(a, out), 21);
    const c = checkAddress(a);
    assert.deepEqual(out.subarray(0, 21), (c as { address: { key: Uint8Array } }).address.key);
    assert.equal(evmKeyInto('0x51e9d833ecae4e8d9d8be17300aee6d3398c135g', out), -1);
    assert.equal(evmKeyInto('0x51e9d833ecae4e8d9d8be17300aee6d3398c135', out), -1);
  });
});
