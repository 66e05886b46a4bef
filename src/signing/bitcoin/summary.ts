/**
 * What approvers of a Bitcoin spend approve: a canonical description computed from the PSBT's raw
 * bytes alone — network, version, lock time, every input (outpoint, sequence, amount, script,
 * address), every output (amount, script, address), the fee and each input's BIP341 sighash.
 * Its digest uses the custody module's rule (`analysisDigest`: SHA-256 of the RFC 8785 canonical
 * JSON), so approvals of a Bitcoin spend are the same `custody.request.approve` signatures as for
 * a Safe transaction. The sighashes are inside the digest, so the digest is bound to the exact
 * bytes a signer node signs.
 */
import { Address, OutScript, type Transaction } from '@scure/btc-signer';
import { bytesToHex } from '../../core/index.ts';
import { analysisDigest } from '../../custody/index.ts';
import { bitcoinNetwork } from './network.ts';
import { prevouts } from './psbt.ts';
import { keyPathSighash } from './sighash.ts';

export interface SpendSummary {
  kind: 'bitcoin.taproot-keypath';
  network: string;
  version: number;
  lockTime: number;
  /** the transaction id without witnesses (stable across signing) */
  txid: string;
  inputs: Array<{
    txid: string;
    vout: number;
    sequence: number;
    amount: string;
    script: string;
    address: string;
    sighash: string;
  }>;
  outputs: Array<{ amount: string; script: string; address: string | null }>;
  fee: string;
}

/** The address a script pays on the network; null for scripts without one (e.g. OP_RETURN). */
function addressOf(script: Uint8Array, networkName: string): string | null {
  try {
    return Address(bitcoinNetwork(networkName)).encode(OutScript.decode(script));
  } catch {
    return null;
  }
}

export function describeSpend(tx: Transaction, network: string): SpendSummary {
  bitcoinNetwork(network);
  const prev = prevouts(tx);
  const inputs = prev.map((p, i) => {
    const input = tx.getInput(i);
    return {
      txid: bytesToHex(input.txid!),
      vout: input.index!,
      sequence: input.sequence!,
      amount: p.amount.toString(),
      script: bytesToHex(p.script),
      address: addressOf(p.script, network) ?? '',
      sighash: bytesToHex(keyPathSighash(tx, i, prev)),
    };
  });
  const outputs = [];
  let fee = prev.reduce((s, p) => s + p.amount, 0n);
  for (let i = 0; i < tx.outputsLength; i++) {
    const o = tx.getOutput(i);
    fee -= o.amount!;
    outputs.push({
      amount: o.amount!.toString(),
      script: bytesToHex(o.script!),
      address: addressOf(o.script!, network),
    });
  }
  return {
    kind: 'bitcoin.taproot-keypath',
    network,
    version: tx.version,
    lockTime: tx.lockTime,
    txid: tx.id,
    inputs,
    outputs,
    fee: fee.toString(),
  };
}

export function spendDigest(summary: SpendSummary): string {
  return analysisDigest(summary);
}
