/**
 * BIP-322 simple signatures against the published vectors.
 * Source: BIP-322 (bitcoin/bips, bip-0322.mediawiki), section "Test vectors": "Message hashing",
 * "Message signing" (private key L3VFeEujGtevx9w18HD1fhRbCH67Az2dpCymeRE1SoPK6XQtaN2k, address
 * bc1q9vza2e8x573nczrlzms0wvx3gsqjx7vavgkx0l) and "Transaction Hashes". The single-key P2TR vector
 * is Bitcoin Core's (src/test/util_tests.cpp, BIP-322 message_verify cases) for the same key.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { base64 } from '@scure/base';
import { p2wpkh, RawWitness, TEST_NETWORK, WIF } from '@scure/btc-signer';
import { bytesToHex } from '../../src/core/index.ts';
import {
  bip322MessageHash,
  scriptPubKeyOf,
  signBip322Simple,
  toSignTxid,
  toSpendTxid,
  verifyBip322Simple,
} from '../../src/reserves/attest/bip322.ts';
import { storeIndependent } from '../support/passes.ts';

const WIF_KEY = 'L3VFeEujGtevx9w18HD1fhRbCH67Az2dpCymeRE1SoPK6XQtaN2k';
const P2WPKH = 'bc1q9vza2e8x573nczrlzms0wvx3gsqjx7vavgkx0l';
const P2TR = 'bc1ppv609nr0vr25u07u95waq5lucwfm6tde4nydujnu8npg4q75mr5sxq8lt3';

// BIP-322 §Test vectors, "Message signing": two valid signatures per message (different nonces).
const SIG_EMPTY = [
  'AkcwRAIgM2gBAQqvZX15ZiysmKmQpDrG83avLIT492QBzLnQIxYCIBaTpOaD20qRlEylyxFSeEA2ba9YOixpX8z46TSDtS40ASECx/EgAxlkQpQ9hYjgGu6EBCPMVPwVIVJqO4XCsMvViHI=',
  'AkgwRQIhAPkJ1Q4oYS0htvyuSFHLxRQpFAY56b70UvE7Dxazen0ZAiAtZfFz1S6T6I23MWI2lK/pcNTWncuyL8UL+oMdydVgzAEhAsfxIAMZZEKUPYWI4BruhAQjzFT8FSFSajuFwrDL1Yhy',
];
const SIG_HELLO = [
  'AkcwRAIgZRfIY3p7/DoVTty6YZbWS71bc5Vct9p9Fia83eRmw2QCICK/ENGfwLtptFluMGs2KsqoNSk89pO7F29zJLUx9a/sASECx/EgAxlkQpQ9hYjgGu6EBCPMVPwVIVJqO4XCsMvViHI=',
  'AkgwRQIhAOzyynlqt93lOKJr+wmmxIens//zPzl9tqIOua93wO6MAiBi5n5EyAcPScOjf1lAqIUIQtr3zKNeavYabHyR8eGhowEhAsfxIAMZZEKUPYWI4BruhAQjzFT8FSFSajuFwrDL1Yhy',
];
// Bitcoin Core util_tests.cpp: P2TR key-path, SIGHASH_ALL (65-byte signature).
const SIG_P2TR_HELLO =
  'AUHd69PrJQEv+oKTfZ8l+WROBHuy9HKrbFCJu7U1iK2iiEy1vMU5EfMtjc+VSHM7aU0SDbak5IUZRVno2P5mjSafAQ==';

function wpkhAddress(priv: Uint8Array, network: 'mainnet' | 'testnet' = 'mainnet'): string {
  return p2wpkh(secp256k1.getPublicKey(priv, true), network === 'testnet' ? TEST_NETWORK : undefined)
    .address!;
}

describe('BIP-322 simple signatures', storeIndependent, () => {
  test('message hashes (BIP-322 §Test vectors, Message hashing)', () => {
    assert.equal(
      bytesToHex(bip322MessageHash('')),
      'c90c269c4f8fcbe6880f72a721ddfbf1914268a794cbb21cfafee13770ae19f1',
    );
    assert.equal(
      bytesToHex(bip322MessageHash('Hello World')),
      'f0eb03b1a75ac6d9847f55c624a99169b5dccba2a31f5b23bea77ba270de0a7a',
    );
  });

  test('to_spend and to_sign txids (BIP-322 §Test vectors, Transaction Hashes)', () => {
    const spk = scriptPubKeyOf(P2WPKH, 'mainnet');
    assert.equal(toSpendTxid('', spk), 'c5680aa69bb8d860bf82d4e9cd3504b55dde018de765a91bb566283c545a99a7');
    assert.equal(
      toSpendTxid('Hello World', spk),
      'b79d196740ad5217771c1098fc4a4b51e0535c32236c71f1ea4d61a2d603352b',
    );
    assert.equal(toSignTxid('', spk), '1e9654e951a5ba44c8604c4de6c67fd78a27e81dcadcfe1edf638ba3aaebaed6');
    assert.equal(
      toSignTxid('Hello World', spk),
      '88737ae86f2077145f93cc4b153ae9a1cb8d56afa511988c149c5c8c9d93bddf',
    );
  });

  test('the P2WPKH signatures of the BIP verify', () => {
    for (const s of SIG_EMPTY)
      assert.deepEqual(verifyBip322Simple(P2WPKH, '', s), { state: 'valid', type: 'p2wpkh' });
    for (const s of SIG_HELLO)
      assert.deepEqual(verifyBip322Simple(P2WPKH, 'Hello World', s), { state: 'valid', type: 'p2wpkh' });
  });

  test('the P2TR key-path signature verifies', () => {
    assert.deepEqual(verifyBip322Simple(P2TR, 'Hello World', SIG_P2TR_HELLO), {
      state: 'valid',
      type: 'p2tr',
    });
  });

  test('a signature over another message is invalid', () => {
    for (const s of SIG_HELLO) {
      const r = verifyBip322Simple(P2WPKH, '', s);
      assert.equal(r.state, 'invalid');
      assert.match((r as { reason: string }).reason, /ECDSA signature does not verify/);
    }
    const r = verifyBip322Simple(P2TR, 'Hello World!', SIG_P2TR_HELLO);
    assert.equal(r.state, 'invalid');
    assert.match((r as { reason: string }).reason, /Schnorr signature does not verify/);
  });

  test('a signature by another key is invalid', () => {
    // a valid signature of the same message by another key, for that key's address
    const other = new Uint8Array(32).fill(7);
    const otherAddress = wpkhAddress(other);
    const sig = signBip322Simple(other, otherAddress, 'Hello World');
    assert.deepEqual(verifyBip322Simple(otherAddress, 'Hello World', sig), {
      state: 'valid',
      type: 'p2wpkh',
    });
    const r = verifyBip322Simple(P2WPKH, 'Hello World', sig);
    assert.equal(r.state, 'invalid');
    assert.match((r as { reason: string }).reason, /does not hash to the address/);
  });

  test('a tampered signature, a non-ALL sighash and a malformed witness are invalid', () => {
    const w = RawWitness.decode(base64.decode(SIG_HELLO[0]!));
    const flipped = w.map((x) => x.slice());
    flipped[0]![10]! ^= 1;
    assert.equal(
      verifyBip322Simple(P2WPKH, 'Hello World', base64.encode(RawWitness.encode(flipped))).state,
      'invalid',
    );
    const none = w.map((x) => x.slice());
    none[0]![none[0]!.length - 1] = 0x02; // SIGHASH_NONE
    const r = verifyBip322Simple(P2WPKH, 'Hello World', base64.encode(RawWitness.encode(none)));
    assert.match((r as { reason: string }).reason, /SIGHASH_ALL/);
    assert.match(
      (verifyBip322Simple(P2WPKH, 'Hello World', 'not base64!') as { reason: string }).reason,
      /not a base64 consensus-encoded witness/,
    );
    assert.match(
      (verifyBip322Simple('bc1qnotanaddress', 'Hello World', SIG_HELLO[0]!) as { reason: string }).reason,
      /not a mainnet Bitcoin address/,
    );
  });

  test('P2PKH is inconclusive, not valid (no script interpreter here)', () => {
    const r = verifyBip322Simple('1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', 'Hello World', SIG_HELLO[0]!);
    assert.equal(r.state, 'inconclusive');
  });

  test('signing round trip on P2WPKH and P2TR, mainnet and testnet, with the BIP key', () => {
    const key = WIF().decode(WIF_KEY);
    const msg = 'Rampart proof of reserves\nExchange: Example\nDate: 2026-11-25';
    for (const address of [P2WPKH, P2TR]) {
      const sig = signBip322Simple(key, address, msg);
      assert.equal(verifyBip322Simple(address, msg, sig).state, 'valid');
      assert.equal(verifyBip322Simple(address, `${msg}.`, sig).state, 'invalid');
    }
    const testnetAddress = wpkhAddress(key, 'testnet');
    const sig = signBip322Simple(key, testnetAddress, msg, 'testnet');
    assert.equal(verifyBip322Simple(testnetAddress, msg, sig, 'testnet').state, 'valid');
    // the same key's signature does not stand for a mainnet address on testnet
    assert.equal(verifyBip322Simple(P2WPKH, msg, sig, 'testnet').state, 'invalid');
  });
});
