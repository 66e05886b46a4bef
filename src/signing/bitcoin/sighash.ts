/**
 * The BIP341 signature message for a key-path spend, SIGHASH_DEFAULT (0x00: commits to every
 * input and output; the signature is 64 bytes with no sighash byte). Computed by
 * @scure/btc-signer's `preimageWitnessV1` (BIP341 §"Common signature message", key path: ext_flag 0,
 * no annex) over the prevouts the transaction carries.
 */
import { SigHash, type Transaction } from '@scure/btc-signer';
import { bitcoinInput } from './errors.ts';
import { type Prevout, prevouts } from './psbt.ts';

export function keyPathSighash(tx: Transaction, index: number, given?: readonly Prevout[]): Uint8Array {
  if (!Number.isSafeInteger(index) || index < 0 || index >= tx.inputsLength)
    throw bitcoinInput(
      'BTC_INPUT_INDEX_INVALID',
      `input ${index} does not exist (the transaction has ${tx.inputsLength})`,
      {
        index,
      },
    );
  const prev = given ?? prevouts(tx);
  return tx.preimageWitnessV1(
    index,
    prev.map((p) => p.script),
    SigHash.DEFAULT,
    prev.map((p) => p.amount),
  );
}
