import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { type Address, concat, getAddress, type Hex, numberToHex, pad, toHex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import {
  checkSafeSignatures,
  ethSignHash,
  packConfirmations,
  parseSafeTxList,
  safeHashes,
} from '../../src/custody/index.ts';
import { readBybitExpected, readBybitList } from './bybit-fixture.ts';

const expected = readBybitExpected();
const records = parseSafeTxList(readBybitList()).map((r) => r.record!);
const owners = expected.records[0]!.recovered_signers! as Address[];
const hashOf = (i: number) =>
  safeHashes({ version: '1.1.1', chainId: 1, verifyingContract: records[i]!.safe! }, records[i]!.tx)
    .safeTxHash;

describe('Bybit nonce 71: the three signatures', () => {
  it('recover to the three owners over the executed transaction, via eth_sign (v 31/32)', () => {
    const res = checkSafeSignatures({
      hash: hashOf(0),
      signatures: records[0]!.signatures!,
      owners,
      threshold: 3,
    });
    assert.deepEqual(res.problems, []);
    assert.equal(res.signatures.length, 3);
    for (const s of res.signatures) {
      assert.equal(s.kind, 'eth_sign');
      assert.ok(s.v === 31 || s.v === 32);
      assert.equal(s.status, 'valid');
      assert.equal(s.isOwner, true);
      assert.equal(s.recovered, true);
    }
    assert.deepEqual(
      res.signatures.map((s) => s.signer),
      owners,
    );
    assert.deepEqual(res.validOwners, owners);
    assert.equal(res.thresholdMet, true);
  });

  it('recover to three non-owners over the displayed 30,000 ETH transfer, which carries the same bytes', () => {
    assert.equal(records[1]!.signatures, records[0]!.signatures);
    const res = checkSafeSignatures({
      hash: hashOf(1),
      signatures: records[1]!.signatures!,
      owners,
      threshold: 3,
    });
    const exp = expected.records[1]!.recovered_signers_over_this_hash!;
    // the expected file lists them in confirmation order; the packed bytes are sorted by owner
    assert.deepEqual(
      res.signatures.map((s) => s.signer?.toLowerCase()).sort(),
      exp.map((a) => a.toLowerCase()).sort(),
    );
    for (const s of res.signatures) {
      assert.equal(s.status, 'not_owner');
      assert.equal(s.isOwner, false);
    }
    assert.equal(res.thresholdMet, false);
    assert.deepEqual(res.validOwners, []);
  });

  it('packs the per-owner confirmations of the displayed record into the executed bytes (sorted by owner)', () => {
    const packed = packConfirmations(records[1]!.confirmations!);
    assert.equal(packed.signatures, records[0]!.signatures);
    assert.deepEqual(packed.skipped, []);
  });
});

describe('signature kinds, with keys made in the test', () => {
  const keys = [1n, 2n, 3n].map((k) => pad(numberToHex(k * 0x1234567n), { size: 32 }));
  const accts = keys
    .map((k) => privateKeyToAccount(k))
    .sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1));
  const hash = pad('0xabcdef', { size: 32 });
  const sign = (i: number, h: Hex, vOffset = 0): Hex => {
    const pk = keys[keys.findIndex((k) => privateKeyToAccount(k).address === accts[i]!.address)]!;
    const sig = secp256k1.sign(
      Uint8Array.from(Buffer.from(h.slice(2), 'hex')),
      Uint8Array.from(Buffer.from(pk.slice(2), 'hex')),
      {
        prehash: false,
        format: 'recovered',
      },
    );
    // noble's recovered format is recovery ‖ r ‖ s
    return concat([toHex(sig.subarray(1, 65)), numberToHex(27 + sig[0]! + vOffset, { size: 1 })]);
  };
  const ownerList = accts.map((a) => a.address);

  it('plain ECDSA (v 27/28) over the EIP-712 hash', () => {
    const res = checkSafeSignatures({
      hash,
      signatures: concat([sign(0, hash), sign(1, hash)]),
      owners: ownerList,
      threshold: 2,
    });
    assert.deepEqual(res.validOwners, ownerList.slice(0, 2));
    assert.equal(res.signatures[0]!.kind, 'ecdsa');
    assert.equal(res.thresholdMet, true);
  });

  it('eth_sign (v + 4 over the prefixed hash)', () => {
    const res = checkSafeSignatures({
      hash,
      signatures: sign(2, ethSignHash(hash), 4),
      owners: ownerList,
      threshold: 1,
    });
    assert.equal(res.signatures[0]!.kind, 'eth_sign');
    assert.equal(res.signatures[0]!.signer, ownerList[2]);
    assert.equal(res.signatures[0]!.status, 'valid');
  });

  it('unsorted or duplicate signers are out_of_order (the contract would revert)', () => {
    const dup = checkSafeSignatures({
      hash,
      signatures: concat([sign(1, hash), sign(1, hash)]),
      owners: ownerList,
      threshold: 2,
    });
    assert.equal(dup.signatures[1]!.status, 'out_of_order');
    assert.equal(dup.thresholdMet, false);
    const rev = checkSafeSignatures({
      hash,
      signatures: concat([sign(2, hash), sign(0, hash)]),
      owners: ownerList,
      threshold: 2,
    });
    assert.equal(rev.signatures[1]!.status, 'out_of_order');
  });

  it('approved hash (v = 1) is unverified offline, valid when the approval is known', () => {
    const unit = concat([pad(ownerList[0]!, { size: 32 }), pad('0x', { size: 32 }), '0x01']);
    const a = checkSafeSignatures({ hash, signatures: unit, owners: ownerList, threshold: 1 });
    assert.equal(a.signatures[0]!.kind, 'approved_hash');
    assert.equal(a.signatures[0]!.status, 'unverified');
    assert.deepEqual(a.unverifiedOwners, [ownerList[0]]);
    const b = checkSafeSignatures({
      hash,
      signatures: unit,
      owners: ownerList,
      threshold: 1,
      approvedBy: [ownerList[0]!],
    });
    assert.equal(b.signatures[0]!.status, 'valid');
    assert.equal(b.thresholdMet, true);
  });

  it('contract signature (v = 0) with its dynamic part is reported, unverified', () => {
    const contract = getAddress('0xffffffffffffffffffffffffffffffffffffffc0');
    const dyn = '0xdeadbeef';
    const sigs = concat([
      sign(0, hash),
      pad(contract, { size: 32 }),
      pad(numberToHex(130), { size: 32 }),
      '0x00',
      pad(numberToHex(4), { size: 32 }),
      dyn,
    ]);
    const res = checkSafeSignatures({
      hash,
      signatures: sigs,
      owners: [...ownerList, contract],
      threshold: 2,
    });
    assert.deepEqual(res.problems, []);
    assert.equal(res.signatures.length, 2);
    assert.equal(res.signatures[1]!.kind, 'contract');
    assert.equal(res.signatures[1]!.status, 'unverified');
    assert.equal(res.signatures[1]!.contractSignature, dyn);
    assert.equal(res.thresholdMet, false);
  });

  it('malformed bytes: bad v, short data, a contract pointer into the static part — reported, never thrown', () => {
    const badV = concat([sign(0, hash).slice(0, 130) as Hex, '0x1d']);
    assert.equal(
      checkSafeSignatures({ hash, signatures: badV, owners: ownerList, threshold: 1 }).signatures[0]!.status,
      'invalid',
    );
    const short = checkSafeSignatures({ hash, signatures: '0x1234', owners: ownerList, threshold: 1 });
    assert.equal(short.signatures.length, 0);
    assert.equal(short.problems.length, 2);
    const inside = concat([pad('0xc0', { size: 32 }), pad('0x00', { size: 32 }), '0x00']);
    assert.equal(
      checkSafeSignatures({ hash, signatures: inside, owners: ownerList, threshold: 1 }).signatures[0]!
        .status,
      'invalid',
    );
    const zeroRS = concat([pad('0x', { size: 32 }), pad('0x', { size: 32 }), '0x1b']);
    assert.equal(
      checkSafeSignatures({ hash, signatures: zeroRS, owners: ownerList, threshold: 1 }).signatures[0]!
        .signer,
      null,
    );
  });

  it('non-hex input is a typed error', () => {
    assert.throws(
      () => checkSafeSignatures({ hash, signatures: '0xzz' as Hex, owners: ownerList, threshold: 1 }),
      {
        code: 'HEX_INVALID',
      },
    );
    assert.throws(
      () => checkSafeSignatures({ hash: '0x12', signatures: '0x', owners: ownerList, threshold: 1 }),
      {
        code: 'HEX_LENGTH_INVALID',
      },
    );
  });
});
