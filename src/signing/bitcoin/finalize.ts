/**
 * Put a FROST-aggregated BIP340 signature into a key-path input and finalize it: the witness is
 * the single 64-byte signature (BIP341 §"Script validation rules": key path, SIGHASH_DEFAULT).
 * The signature is checked under the input's output key first, so a bad aggregate never reaches
 * a finished transaction.
 */
import { schnorr } from '@noble/curves/secp256k1.js';
import type { Transaction } from '@scure/btc-signer';
import { bytesToHex } from '../../core/index.ts';
import { bitcoinVerify } from './errors.ts';
import { prevouts } from './psbt.ts';
import { keyPathSighash } from './sighash.ts';
import { taprootOutputKeyOf } from './taproot.ts';

export function finalizeKeyPath(tx: Transaction, index: number, signature: Uint8Array): void {
  const prev = prevouts(tx);
  const msg = keyPathSighash(tx, index, prev);
  const key = taprootOutputKeyOf(prev[index]!.script)!;
  if (signature.length !== 64 || !schnorr.verify(signature, msg, key))
    throw bitcoinVerify(
      'BTC_SIGNATURE_INVALID',
      `the signature does not verify for input ${index} under its output key`,
      {
        index,
        outputKey: bytesToHex(key),
      },
    );
  tx.updateInput(index, { tapKeySig: Uint8Array.from(signature) }, true);
  tx.finalizeIdx(index);
}

export interface SignedTransaction {
  /** the network serialisation with witnesses (BIP144), hex: what `sendrawtransaction` takes */
  hex: string;
  txid: string;
  vsize: number;
  /** satoshis */
  fee: bigint;
}

/** The finished transaction; btc-signer refuses while any input is not finalized. */
export function extractSigned(tx: Transaction): SignedTransaction {
  const raw = tx.extract();
  return { hex: bytesToHex(raw), txid: tx.id, vsize: tx.vsize, fee: tx.fee };
}
