/** The call a Safe executes: execTransaction calldata, and approved-hash (v = 1) signatures. */
import { type Address, concat, encodeFunctionData, type Hex, pad } from 'viem';
import type { SafeTx } from './safe-tx.ts';
import { SAFE_ABI } from './simulate/safe-abi.ts';

export function encodeExecTransaction(tx: SafeTx, signatures: Hex): Hex {
  return encodeFunctionData({
    abi: SAFE_ABI,
    functionName: 'execTransaction',
    args: [
      tx.to,
      tx.value,
      tx.data,
      tx.operation,
      tx.safeTxGas,
      tx.baseGas,
      tx.gasPrice,
      tx.gasToken,
      tx.refundReceiver,
      signatures,
    ],
  });
}

/**
 * Packed approved-hash signatures (r = owner, s = 0, v = 1) for the given owners, in ascending
 * owner order as the Safe requires; valid once each owner's approvedHashes[owner][hash] is set.
 */
export function approvedHashSignatures(owners: readonly Address[]): Hex {
  const sorted = [...owners].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
  return sorted.length === 0
    ? '0x'
    : concat(sorted.map((o) => concat([pad(o, { size: 32 }), pad('0x', { size: 32 }), '0x01'])));
}
