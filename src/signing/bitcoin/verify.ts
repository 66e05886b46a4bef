/**
 * Independent check of a finished key-path spend, from its raw bytes and the prevouts only:
 * decode with @scure/btc-signer, recompute each input's BIP341 sighash, and verify the witness
 * signature with noble's BIP340 `schnorr.verify` under the output key the prevout script commits
 * to. (@scure/btc-signer has no script interpreter; for key-path spends this is the whole
 * consensus check of the witness — BIP341 §"Script validation rules", witness of one element.)
 */
import { schnorr } from '@noble/curves/secp256k1.js';
import { Transaction } from '@scure/btc-signer';
import { bytesToHex, hexToBytes } from '../../core/index.ts';
import { bitcoinInput, bitcoinVerify, errorText } from './errors.ts';
import type { Prevout } from './psbt.ts';
import { keyPathSighash } from './sighash.ts';
import { taprootOutputKeyOf } from './taproot.ts';

export interface VerifiedSpend {
  txid: string;
  fee: bigint;
  inputs: Array<{ outputKey: string }>;
}

export function verifyKeyPathSpend(rawHex: string, prev: readonly Prevout[]): VerifiedSpend {
  let tx: Transaction;
  try {
    tx = Transaction.fromRaw(hexToBytes(rawHex));
  } catch (e) {
    throw bitcoinInput('BTC_PSBT_INVALID', 'the transaction does not decode', { reason: errorText(e) });
  }
  if (prev.length !== tx.inputsLength)
    throw bitcoinInput('BTC_PREVOUT_MISSING', `${tx.inputsLength} inputs but ${prev.length} prevouts given`);
  const inputs: VerifiedSpend['inputs'] = [];
  for (let i = 0; i < tx.inputsLength; i++) {
    const key = taprootOutputKeyOf(prev[i]!.script);
    if (!key)
      throw bitcoinInput('BTC_INPUT_NOT_TAPROOT', `input ${i} does not spend a Taproot output`, { index: i });
    const witness = tx.getInput(i).finalScriptWitness;
    // SIGHASH_DEFAULT only: exactly one 64-byte element (a 65th byte would name another sighash type).
    if (witness?.length !== 1 || witness[0]!.length !== 64)
      throw bitcoinVerify('BTC_WITNESS_INVALID', `input ${i}: a key-path witness is one 64-byte signature`, {
        index: i,
      });
    const msg = keyPathSighash(tx, i, prev);
    if (!schnorr.verify(witness[0]!, msg, key))
      throw bitcoinVerify(
        'BTC_SIGNATURE_INVALID',
        `input ${i}: the signature does not verify under the output key`,
        {
          index: i,
          outputKey: bytesToHex(key),
        },
      );
    inputs.push({ outputKey: bytesToHex(key) });
  }
  let fee = prev.reduce((s, p) => s + p.amount, 0n);
  for (let i = 0; i < tx.outputsLength; i++) fee -= tx.getOutput(i).amount ?? 0n;
  if (fee <= 0n) throw bitcoinInput('BTC_FEE_INVALID', 'the outputs spend more than the prevouts hold');
  return { txid: tx.id, fee, inputs };
}
