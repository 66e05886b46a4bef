/** PSBT (BIP174/BIP371) in and out, as base64; every input must be a Taproot output with its prevout. */
import { Transaction } from '@scure/btc-signer';
import { base64ToBytes, bytesToBase64 } from '../../core/index.ts';
import { bitcoinInput, errorText } from './errors.ts';
import { taprootOutputKeyOf } from './taproot.ts';

export function psbtToBase64(tx: Transaction): string {
  return bytesToBase64(tx.toPSBT());
}

export function parsePsbt(b64: string): Transaction {
  let tx: Transaction;
  try {
    tx = Transaction.fromPSBT(base64ToBytes(b64));
  } catch (e) {
    throw bitcoinInput('BTC_PSBT_INVALID', 'the PSBT does not decode (BIP174)', { reason: errorText(e) });
  }
  if (tx.inputsLength === 0) throw bitcoinInput('BTC_PSBT_INVALID', 'the PSBT has no inputs');
  if (tx.outputsLength === 0) throw bitcoinInput('BTC_PSBT_INVALID', 'the PSBT has no outputs');
  return tx;
}

export interface Prevout {
  script: Uint8Array;
  amount: bigint;
}

/** Every input's prevout (script, amount), required for BIP341 sighashes; inputs must be P2TR. */
export function prevouts(tx: Transaction): Prevout[] {
  const out: Prevout[] = [];
  for (let i = 0; i < tx.inputsLength; i++) {
    const w = tx.getInput(i).witnessUtxo;
    if (!w)
      throw bitcoinInput(
        'BTC_PREVOUT_MISSING',
        `input ${i} has no witnessUtxo: its amount and script are needed`,
        {
          index: i,
        },
      );
    if (!taprootOutputKeyOf(w.script))
      throw bitcoinInput('BTC_INPUT_NOT_TAPROOT', `input ${i} does not spend a Taproot (P2TR) output`, {
        index: i,
      });
    out.push({ script: Uint8Array.from(w.script), amount: w.amount });
  }
  return out;
}
