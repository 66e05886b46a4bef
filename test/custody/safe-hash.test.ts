import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { hashTypedData, keccak256, toHex } from 'viem';
import {
  parseSafeTxList,
  parseSafeVersion,
  SAFE_TX_TYPE,
  SAFE_VERSIONS,
  type SafeVersion,
  safeDomainTypes,
  safeHashes,
  safeTxTypes,
  safeTypedData,
} from '../../src/custody/index.ts';
import { readBybitExpected, readBybitList } from './bybit-fixture.ts';

describe('Safe EIP-712 hashes: the Bybit nonce-71 record', () => {
  const list = parseSafeTxList(readBybitList());
  const expected = readBybitExpected();

  it('parses both records', () => {
    assert.equal(list.length, 2);
    for (const r of list) assert.equal(r.error, undefined);
  });

  for (const [i, exp] of expected.records.entries()) {
    it(`reproduces the stored safeTxHash of the ${exp.role} (1.1.1, no chainId)`, () => {
      const rec = list[i]!.record!;
      assert.equal(rec.tx.to.toLowerCase(), exp.to.toLowerCase());
      const h = safeHashes(
        { version: '1.1.1', chainId: expected.chainId, verifyingContract: rec.safe! },
        rec.tx,
      );
      assert.equal(h.safeTxHash, rec.claimedSafeTxHash);
      assert.equal(h.safeTxHash, exp.safeTxHash_without_chainId);
    });

    it(`gives the chainId form for 1.3.0 and 1.4.1 (${exp.role})`, () => {
      const rec = list[i]!.record!;
      for (const version of ['1.3.0', '1.4.1'] as const) {
        const h = safeHashes({ version, chainId: 1, verifyingContract: rec.safe! }, rec.tx);
        assert.equal(h.safeTxHash, exp.safeTxHash_with_chainId_1);
        assert.notEqual(h.safeTxHash, rec.claimedSafeTxHash);
      }
    });
  }

  it('the same domain for 1.1.1 and 1.2.0, and a different one from 1.3.0', () => {
    const rec = list[0]!.record!;
    const d = (version: (typeof SAFE_VERSIONS)[number]) =>
      safeHashes({ version, chainId: 1, verifyingContract: rec.safe! }, rec.tx).domainHash;
    assert.equal(d('1.1.1'), d('1.2.0'));
    assert.equal(d('1.0.0'), d('1.1.1'));
    assert.notEqual(d('1.1.1'), d('1.3.0'));
    assert.equal(d('1.3.0'), d('1.4.1'));
  });

  it('safeTxHash equals viem hashTypedData of the typed-data document, for every version', () => {
    const rec = list[0]!.record!;
    for (const version of SAFE_VERSIONS) {
      const domain = { version, chainId: 1, verifyingContract: rec.safe! };
      const td = safeTypedData(domain, rec.tx);
      assert.equal(
        hashTypedData(td as Parameters<typeof hashTypedData>[0]),
        safeHashes(domain, rec.tx).safeTxHash,
        version,
      );
    }
  });
});

describe('Safe EIP-712 types against the contract sources of every version', () => {
  const require = createRequire(import.meta.url);
  const source = (v: SafeVersion) =>
    readFileSync(
      require.resolve(`safe-contracts-${v}/contracts/${v === '1.4.1' ? 'Safe' : 'GnosisSafe'}.sol`),
      'utf8',
    );
  const constant = (src: string, name: string) => new RegExp(`${name} = (0x[0-9a-f]{64})`).exec(src)?.[1];
  const typeString = (name: string, fields: Array<{ name: string; type: string }>) =>
    `${name}(${fields.map((f) => `${f.type} ${f.name}`).join(',')})`;

  for (const v of SAFE_VERSIONS) {
    it(`${v}: SAFE_TX_TYPEHASH and DOMAIN_SEPARATOR_TYPEHASH as declared in the source`, () => {
      const src = source(v);
      assert.equal(keccak256(toHex(typeString('SafeTx', safeTxTypes(v)))), constant(src, 'SAFE_TX_TYPEHASH'));
      assert.equal(keccak256(toHex(SAFE_TX_TYPE)), constant(src, 'SAFE_TX_TYPEHASH'));
      assert.equal(
        keccak256(toHex(typeString('EIP712Domain', safeDomainTypes(v)))),
        constant(src, 'DOMAIN_SEPARATOR_TYPEHASH'),
      );
    });
  }

  it('1.0.0 already hashes `baseGas` (the `dataGas` form belongs to pre-1.0 Safes)', () => {
    assert.equal(
      constant(source('1.0.0'), 'SAFE_TX_TYPEHASH'),
      '0xbb8310d486368db6bd6f849402fdd73ad53d316b5a4b2644ad6efe0f941286d8',
    );
    assert.match(source('1.0.0'), /uint256 baseGas/);
    assert.doesNotMatch(source('1.0.0'), /dataGas/);
  });
});

describe('bad input', () => {
  it('rejects an unknown Safe version with SAFE_VERSION_UNSUPPORTED', () => {
    assert.throws(() => parseSafeVersion('1.5.0'), { code: 'SAFE_VERSION_UNSUPPORTED' });
    assert.equal(parseSafeVersion('v1.3.0'), '1.3.0');
  });

  it('one bad record in a list is an error entry; the others still parse', () => {
    const raw = readBybitList();
    const bad = { ...raw.results[0], to: '0x1234', data: '0xabc' };
    const out = parseSafeTxList({ results: [bad, raw.results[1], { ...raw.results[1], data: '0xzz' }] });
    assert.equal(out.length, 3);
    assert.equal((out[0]!.error as { code: string }).code, 'ADDRESS_INVALID');
    assert.ok(out[1]!.record);
    assert.equal((out[2]!.error as { code: string }).code, 'HEX_INVALID');
  });

  it('rejects wrong lengths, bad operations, negative and oversized integers', () => {
    const raw = readBybitList().results[1]!;
    const one = (patch: Record<string, unknown>) =>
      parseSafeTxList({ ...raw, ...patch })[0]!.error as { code: string };
    assert.equal(one({ safeTxHash: '0x1234' }).code, 'HEX_LENGTH_INVALID');
    assert.equal(one({ operation: 2 }).code, 'OPERATION_INVALID');
    assert.equal(one({ value: '-1' }).code, 'UINT_INVALID');
    assert.equal(one({ nonce: `1${'0'.repeat(80)}` }).code, 'UINT_INVALID');
    assert.equal(one({ nonce: undefined }).code, 'SAFE_TX_INVALID');
    assert.equal(one({ to: '0x88a1493366d48225fc3cEFbdae9eBb23E323Ade3' }).code, 'ADDRESS_INVALID'); // bad checksum
  });
});
