/**
 * An unsigned Taproot key-path spend, built with @scure/btc-signer from prepared UTXOs (no
 * network access: the caller names each outpoint, its amount and the key it pays). Every input
 * carries its `witnessUtxo` because the BIP341 signature message commits to the amounts and
 * scriptPubKeys of ALL inputs (BIP341 §"Common signature message": sha_amounts, sha_scriptpubkeys):
 * a signer that was lied to about a prevout produces a signature the network rejects.
 */
import { Transaction } from '@scure/btc-signer';
import { hexToBytes } from '../../core/index.ts';
import { bitcoinInput, errorText } from './errors.ts';
import { bitcoinNetwork } from './network.ts';
import { outputKeyScript, taprootKeyPath } from './taproot.ts';

export interface PreparedUtxo {
  /** the funding transaction's id, 64 hex characters as block explorers show it */
  txid: string;
  vout: number;
  /** satoshis */
  amount: bigint;
  /** x-only (or compressed) Taproot output key the UTXO pays: a DKG group key, or a tweaked dealer key */
  outputKey: Uint8Array;
  /** the untweaked internal key, when known; then outputKey must equal its BIP86 tweak */
  internalKey?: Uint8Array;
}

export interface SpendOutput {
  address: string;
  /** satoshis */
  amount: bigint;
}

export interface KeyPathSpend {
  network: string;
  utxos: readonly PreparedUtxo[];
  outputs: readonly SpendOutput[];
  lockTime?: number;
}

/** Outputs below this are non-standard ("dust") for Bitcoin Core's relay policy. */
const DUST_LIMIT = 330n;

export function buildKeyPathSpend(spend: KeyPathSpend): Transaction {
  const network = bitcoinNetwork(spend.network);
  if (spend.utxos.length === 0) throw bitcoinInput('BTC_UTXO_INVALID', 'a spend needs at least one UTXO');
  if (spend.outputs.length === 0)
    throw bitcoinInput('BTC_OUTPUT_INVALID', 'a spend needs at least one output');
  const tx = new Transaction({ version: 2, lockTime: spend.lockTime ?? 0 });
  let totalIn = 0n;
  spend.utxos.forEach((u, i) => {
    if (!/^[0-9a-f]{64}$/i.test(u.txid))
      throw bitcoinInput('BTC_UTXO_INVALID', `utxos[${i}].txid must be 64 hex characters`, { index: i });
    if (!Number.isSafeInteger(u.vout) || u.vout < 0 || u.vout > 0xffffffff)
      throw bitcoinInput('BTC_UTXO_INVALID', `utxos[${i}].vout must be an output index`, { index: i });
    if (u.amount <= 0n)
      throw bitcoinInput('BTC_UTXO_INVALID', `utxos[${i}].amount must be positive`, { index: i });
    const out = u.internalKey
      ? taprootKeyPath(u.internalKey, spend.network)
      : outputKeyScript(u.outputKey, spend.network);
    const expected = outputKeyScript(u.outputKey, spend.network);
    if (out.address !== expected.address)
      throw bitcoinInput(
        'BTC_KEY_INVALID',
        `utxos[${i}]: the output key is not the BIP86 tweak of the internal key`,
        {
          index: i,
        },
      );
    tx.addInput({
      txid: hexToBytes(u.txid),
      index: u.vout,
      witnessUtxo: { script: out.script, amount: u.amount },
      ...(out.internalKey ? { tapInternalKey: out.internalKey } : {}),
    });
    totalIn += u.amount;
  });
  let totalOut = 0n;
  spend.outputs.forEach((o, i) => {
    if (o.amount < DUST_LIMIT)
      throw bitcoinInput(
        'BTC_OUTPUT_INVALID',
        `outputs[${i}].amount is below the dust limit (${DUST_LIMIT} sat)`,
        {
          index: i,
        },
      );
    try {
      tx.addOutputAddress(o.address, o.amount, network);
    } catch (e) {
      throw bitcoinInput('BTC_OUTPUT_INVALID', `outputs[${i}].address is not a ${spend.network} address`, {
        index: i,
        reason: errorText(e),
      });
    }
    totalOut += o.amount;
  });
  if (totalOut >= totalIn)
    throw bitcoinInput(
      'BTC_FEE_INVALID',
      'the outputs spend everything or more: a transaction needs a positive fee',
      {
        inputs: totalIn.toString(),
        outputs: totalOut.toString(),
      },
    );
  return tx;
}
