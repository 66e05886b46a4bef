import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashTypedData, keccak256, toHex } from 'viem';
import {
  parseSafeTxList,
  parseSafeVersion,
  SAFE_VERSIONS,
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

describe('Safe SafeTx type per version', () => {
  it('1.0.0 hashes `dataGas`, later versions `baseGas` (the type hashes in the contracts)', () => {
    const typeHash = (v: (typeof SAFE_VERSIONS)[number]) =>
      keccak256(
        toHex(
          `SafeTx(${safeTxTypes(v)
            .map((f) => `${f.type} ${f.name}`)
            .join(',')})`,
        ),
      );
    // SAFE_TX_TYPEHASH constants as written in GnosisSafe.sol 1.0.0 and 1.1.1+ (checked against the
    // installed contract sources in safe-contracts-source.test.ts).
    assert.equal(typeHash('1.0.0'), '0x14d461bc7412367e924637b363c7bf29b8f47e2f84869f4426e5633d8af47b20');
    for (const v of ['1.1.1', '1.2.0', '1.3.0', '1.4.1'] as const) {
      assert.equal(typeHash(v), '0xbb8310d486368db6bd6f849402fdd73ad53d316b5a4b2644ad6efe0f941286d8');
    }
  });

  it('different message hash for 1.0.0 than for 1.1.1 on the same transaction', () => {
    const rec = parseSafeTxList(readBybitList())[0]!.record!;
    const a = safeHashes({ version: '1.0.0', chainId: 1, verifyingContract: rec.safe! }, rec.tx);
    const b = safeHashes({ version: '1.1.1', chainId: 1, verifyingContract: rec.safe! }, rec.tx);
    assert.notEqual(a.messageHash, b.messageHash);
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
