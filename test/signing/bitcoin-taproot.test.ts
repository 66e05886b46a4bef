// Taproot key-path spends signed through FROST (secp256k1-tr): how noble's schnorr_FROST handles the
// BIP341 tweak (DKG keys come tweaked, dealer keys do not), a spend built with @scure/btc-signer from
// a fixed regtest UTXO, signed by 3 of 5 shares, finalized and verified from its raw bytes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FrostPublic, FrostSecret } from '@noble/curves/abstract/frost.js';
import { schnorr, schnorr_FROST, secp256k1 } from '@noble/curves/secp256k1.js';
import { p2tr, Transaction } from '@scure/btc-signer';
import { bytesToHex, concatBytes, hexToBytes, sha256 } from '../../src/core/index.ts';
import {
  buildKeyPathSpend,
  describeSpend,
  extractSigned,
  finalizeKeyPath,
  keyPathSighash,
  outputKeyScript,
  parsePsbt,
  prevouts,
  psbtToBase64,
  spendDigest,
  taprootKeyPath,
  tweakDealerKeys,
  verifyKeyPathSpend,
} from '../../src/signing/bitcoin/index.ts';
import { hasCode } from '../support/errors.ts';
import { storeIndependent } from '../support/passes.ts';

const frost = schnorr_FROST;
const NETWORK = 'regtest';
// A fixed, made-up funding outpoint: nothing here touches a network.
const FUNDING_TXID = '4d3c2b1a00112233445566778899aabbccddeeff00112233445566778899aabb';
const DEST = 'bcrt1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqc8gma6'; // P2TR paying x(G), regtest

/** FROST signing of `msg` by the given packages, in process (RFC 9591 §5: commit, signShare, aggregate). */
function frostSign(pub: FrostPublic, secrets: readonly FrostSecret[], msg: Uint8Array): Uint8Array {
  const gens = secrets.map((s) => frost.commit(s));
  const commitments = gens.map((g) => g.commitments);
  const shares: Record<string, Uint8Array> = {};
  secrets.forEach((s, i) => {
    const share = frost.signShare(s, pub, gens[i]!.nonces, commitments, msg);
    assert.ok(frost.verifyShare(pub, commitments, msg, s.identifier, share));
    shares[s.identifier] = share;
  });
  return frost.aggregate(pub, commitments, msg, shares);
}

function dkg(min: number, max: number) {
  const ids = Array.from({ length: max }, (_, i) => frost.Identifier.fromNumber(i + 1));
  const r1 = ids.map((id) => frost.DKG.round1(id, { min, max }));
  const r2 = r1.map((p, i) =>
    frost.DKG.round2(
      p.secret,
      r1.filter((_, j) => j !== i).map((q) => q.public),
    ),
  );
  const keys = r1.map((p, i) =>
    frost.DKG.round3(
      p.secret,
      r1.filter((_, j) => j !== i).map((q) => q.public),
      r2.filter((_, j) => j !== i).map((out) => out[ids[i]!]!),
    ),
  );
  // The untweaked group key: the sum of every participant's constant-term commitment (RFC 9591 App. C / Pedersen DKG).
  const untweaked = r1
    .map((p) => secp256k1.Point.fromBytes(p.public.commitment[0]!))
    .reduce((a, b) => a.add(b));
  return { keys, untweaked: untweaked.toBytes(true) };
}

/**
 * BIP341 SigMsg for a key-path spend with SIGHASH_DEFAULT, written out from the BIP (§"Common
 * signature message" + ext_flag 0, no annex) as a second, independent computation of what
 * @scure/btc-signer's preimageWitnessV1 gives.
 */
function bip341KeyPathSighash(
  tx: Transaction,
  index: number,
  prev: Array<{ script: Uint8Array; amount: bigint }>,
) {
  const le = (n: bigint | number, bytes: number) => {
    const out = new Uint8Array(bytes);
    let v = BigInt(n);
    for (let i = 0; i < bytes; i++) {
      out[i] = Number(v & 0xffn);
      v >>= 8n;
    }
    return out;
  };
  const varBytes = (b: Uint8Array) => concatBytes(Uint8Array.of(b.length), b); // scripts here are < 253 bytes
  const cat = (parts: Uint8Array[]) => concatBytes(...parts);
  const ins = Array.from({ length: tx.inputsLength }, (_, i) => tx.getInput(i));
  const outs = Array.from({ length: tx.outputsLength }, (_, i) => tx.getOutput(i));
  const shaPrevouts = sha256(
    cat(ins.map((i) => concatBytes(Uint8Array.from(i.txid!).reverse(), le(i.index!, 4)))),
  );
  const shaAmounts = sha256(cat(prev.map((p) => le(p.amount, 8))));
  const shaScripts = sha256(cat(prev.map((p) => varBytes(p.script))));
  const shaSequences = sha256(cat(ins.map((i) => le(i.sequence!, 4))));
  const shaOutputs = sha256(cat(outs.map((o) => concatBytes(le(o.amount!, 8), varBytes(o.script!)))));
  const sigMsg = cat([
    Uint8Array.of(0x00), // hash_type SIGHASH_DEFAULT
    le(tx.version, 4),
    le(tx.lockTime, 4),
    shaPrevouts,
    shaAmounts,
    shaScripts,
    shaSequences,
    shaOutputs,
    Uint8Array.of(0x00), // spend_type: key path, no annex
    le(index, 4),
  ]);
  return schnorr.utils.taggedHash('TapSighash', Uint8Array.of(0x00), sigMsg); // epoch 0
}

describe('Taproot key-path spends signed with FROST (secp256k1-tr)', storeIndependent, () => {
  it('noble tweaks DKG keys with the empty merkle root: the group key is the BIP86 output key of the untweaked sum', () => {
    const { keys, untweaked } = dkg(3, 5);
    const groupKey = keys[0]!.public.commitments[0]!;
    const bip86 = p2tr(untweaked.slice(1), undefined).tweakedPubkey; // @scure/btc-signer's BIP86 tweak
    assert.equal(bytesToHex(groupKey.slice(1)), bytesToHex(bip86));
    // and a signature by three of the five verifies under that output key
    const msg = new Uint8Array(32).fill(7);
    const sig = frostSign(
      keys[0]!.public,
      keys.slice(1, 4).map((k) => k.secret),
      msg,
    );
    assert.ok(schnorr.verify(sig, msg, groupKey.slice(1)));
  });

  it('dealer keys are not tweaked by noble; tweakDealerKeys gives the key btc-signer p2tr computes, and FROST signs under it', () => {
    for (let round = 0; round < 4; round++) {
      // several deals so both parities of the internal key are exercised
      const deal = frost.trustedDealer({ min: 3, max: 5 });
      const secrets = Object.values(deal.secretShares);
      const t = tweakDealerKeys(deal.public, secrets);
      const expected = taprootKeyPath(deal.public.commitments[0]!, NETWORK);
      assert.equal(bytesToHex(t.internalKey), bytesToHex(deal.public.commitments[0]!.slice(1)));
      assert.equal(bytesToHex(t.public.commitments[0]!.slice(1)), bytesToHex(expected.outputKey));
      const msg = new Uint8Array(32).fill(round);
      // untweaked shares sign under the internal key only: not spendable by key path
      const raw = frostSign(deal.public, secrets.slice(0, 3), msg);
      assert.equal(schnorr.verify(raw, msg, expected.outputKey), false);
      const sig = frostSign(t.public, t.secrets.slice(2, 5), msg);
      assert.ok(schnorr.verify(sig, msg, expected.outputKey));
    }
  });

  it('builds, signs through FROST, finalizes and verifies a regtest key-path spend', () => {
    const { keys } = dkg(3, 5);
    const groupKey = keys[0]!.public.commitments[0]!;
    const funded = outputKeyScript(groupKey, NETWORK);
    assert.match(funded.address, /^bcrt1p/);
    const tx = buildKeyPathSpend({
      network: NETWORK,
      utxos: [{ txid: FUNDING_TXID, vout: 1, amount: 100_000n, outputKey: groupKey }],
      outputs: [
        { address: DEST, amount: 60_000n },
        { address: funded.address, amount: 39_000n },
      ],
    });
    // the PSBT round-trips, and the node's view (parsePsbt) gives the same sighash and digest
    const psbt = psbtToBase64(tx);
    const again = parsePsbt(psbt);
    const msg = keyPathSighash(tx, 0);
    assert.equal(bytesToHex(keyPathSighash(again, 0)), bytesToHex(msg));
    const summary = describeSpend(again, NETWORK);
    assert.equal(summary.fee, '1000');
    assert.equal(summary.inputs[0]!.sighash, bytesToHex(msg));
    assert.equal(summary.inputs[0]!.address, funded.address);
    assert.equal(summary.outputs[0]!.address, DEST);
    assert.equal(spendDigest(summary), spendDigest(describeSpend(parsePsbt(psbt), NETWORK)));

    const sig = frostSign(
      keys[0]!.public,
      [keys[4]!, keys[1]!, keys[3]!].map((k) => k.secret),
      msg,
    );
    finalizeKeyPath(again, 0, sig);
    const signed = extractSigned(again);
    assert.equal(signed.fee, 1000n);
    assert.equal(signed.txid, tx.id); // segwit: signing does not change the txid
    const verified = verifyKeyPathSpend(signed.hex, prevouts(tx));
    assert.equal(verified.txid, signed.txid);
    assert.equal(verified.inputs[0]!.outputKey, bytesToHex(groupKey.slice(1)));
    // the witness is exactly the aggregate signature
    const parsed = Transaction.fromRaw(hexToBytes(signed.hex));
    assert.equal(bytesToHex(parsed.getInput(0).finalScriptWitness![0]!), bytesToHex(sig));
  });

  it('two inputs of a dealer key (tweaked), each signed over its own sighash', () => {
    const deal = frost.trustedDealer({ min: 2, max: 3 });
    const t = tweakDealerKeys(deal.public, Object.values(deal.secretShares));
    const out = taprootKeyPath(deal.public.commitments[0]!, NETWORK);
    const tx = buildKeyPathSpend({
      network: NETWORK,
      utxos: [
        {
          txid: FUNDING_TXID,
          vout: 0,
          amount: 50_000n,
          outputKey: out.outputKey,
          internalKey: t.internalKey,
        },
        {
          txid: FUNDING_TXID,
          vout: 2,
          amount: 25_000n,
          outputKey: out.outputKey,
          internalKey: t.internalKey,
        },
      ],
      outputs: [{ address: DEST, amount: 74_000n }],
    });
    const m0 = keyPathSighash(tx, 0);
    const m1 = keyPathSighash(tx, 1);
    assert.notEqual(bytesToHex(m0), bytesToHex(m1));
    // the library's sighash is the BIP341 SigMsg written out by hand
    assert.equal(bytesToHex(m0), bytesToHex(bip341KeyPathSighash(tx, 0, prevouts(tx))));
    assert.equal(bytesToHex(m1), bytesToHex(bip341KeyPathSighash(tx, 1, prevouts(tx))));
    finalizeKeyPath(tx, 0, frostSign(t.public, t.secrets.slice(0, 2), m0));
    // input 0's signature does not fit input 1
    const wrong = frostSign(t.public, t.secrets.slice(1, 3), m0);
    assert.throws(() => finalizeKeyPath(tx, 1, wrong), hasCode('BTC_SIGNATURE_INVALID'));
    finalizeKeyPath(tx, 1, frostSign(t.public, t.secrets.slice(1, 3), m1));
    const signed = extractSigned(tx);
    assert.equal(verifyKeyPathSpend(signed.hex, prevouts(tx)).inputs.length, 2);
  });

  it('a finished spend fails the check when a byte of it, a prevout amount or the key differs', () => {
    const { keys } = dkg(2, 3);
    const groupKey = keys[0]!.public.commitments[0]!;
    const tx = buildKeyPathSpend({
      network: NETWORK,
      utxos: [{ txid: FUNDING_TXID, vout: 0, amount: 20_000n, outputKey: groupKey }],
      outputs: [{ address: DEST, amount: 19_500n }],
    });
    const msg = keyPathSighash(tx, 0);
    finalizeKeyPath(
      tx,
      0,
      frostSign(
        keys[0]!.public,
        keys.slice(0, 2).map((k) => k.secret),
        msg,
      ),
    );
    const signed = extractSigned(tx);
    const prev = prevouts(tx);
    // one output amount changed by one satoshi (little-endian amount of output 0)
    const raw = hexToBytes(signed.hex);
    const amountAt = bytesToHex(raw).indexOf(bytesToHex(new Uint8Array([0x2c, 0x4c, 0x00, 0x00]))) / 2; // 19500 LE
    assert.ok(amountAt > 0);
    const tampered = Uint8Array.from(raw);
    tampered[amountAt]! ^= 1;
    assert.throws(() => verifyKeyPathSpend(bytesToHex(tampered), prev), hasCode('BTC_SIGNATURE_INVALID'));
    // the prevout amount is committed by the BIP341 sighash (sha_amounts)
    assert.throws(
      () => verifyKeyPathSpend(signed.hex, [{ script: prev[0]!.script, amount: 20_001n }]),
      hasCode('BTC_SIGNATURE_INVALID'),
    );
    const other = outputKeyScript(schnorr.getPublicKey(schnorr.utils.randomSecretKey()), NETWORK);
    assert.throws(
      () => verifyKeyPathSpend(signed.hex, [{ script: other.script, amount: 20_000n }]),
      hasCode('BTC_SIGNATURE_INVALID'),
    );
  });

  it('refuses bad spends with their own codes', () => {
    const key = schnorr.getPublicKey(schnorr.utils.randomSecretKey());
    const utxo = { txid: FUNDING_TXID, vout: 0, amount: 10_000n, outputKey: key };
    const out = { address: DEST, amount: 9_000n };
    assert.throws(
      () => buildKeyPathSpend({ network: 'signet2', utxos: [utxo], outputs: [out] }),
      hasCode('BTC_NETWORK_UNKNOWN'),
    );
    assert.throws(
      () => buildKeyPathSpend({ network: NETWORK, utxos: [utxo], outputs: [{ ...out, amount: 10_000n }] }),
      hasCode('BTC_FEE_INVALID'),
    );
    assert.throws(
      () => buildKeyPathSpend({ network: NETWORK, utxos: [utxo], outputs: [{ ...out, address: 'tb1qxyz' }] }),
      hasCode('BTC_OUTPUT_INVALID'),
    );
    assert.throws(
      () => buildKeyPathSpend({ network: 'mainnet', utxos: [utxo], outputs: [out] }), // a regtest address on mainnet
      hasCode('BTC_OUTPUT_INVALID'),
    );
    assert.throws(
      () => buildKeyPathSpend({ network: NETWORK, utxos: [{ ...utxo, txid: 'ab' }], outputs: [out] }),
      hasCode('BTC_UTXO_INVALID'),
    );
    assert.throws(
      () =>
        buildKeyPathSpend({
          network: NETWORK,
          utxos: [{ ...utxo, outputKey: new Uint8Array(32).fill(0xff) }],
          outputs: [out],
        }),
      hasCode('BTC_KEY_INVALID'),
    );
    // an internal key whose tweak is not the stated output key
    assert.throws(
      () => buildKeyPathSpend({ network: NETWORK, utxos: [{ ...utxo, internalKey: key }], outputs: [out] }),
      hasCode('BTC_KEY_INVALID'),
    );
    assert.throws(() => parsePsbt('bm90IGEgcHNidA=='), hasCode('BTC_PSBT_INVALID'));
    const tx = buildKeyPathSpend({ network: NETWORK, utxos: [utxo], outputs: [out] });
    assert.throws(() => keyPathSighash(tx, 1), hasCode('BTC_INPUT_INDEX_INVALID'));
    assert.throws(() => finalizeKeyPath(tx, 0, new Uint8Array(64)), hasCode('BTC_SIGNATURE_INVALID'));
  });
});
