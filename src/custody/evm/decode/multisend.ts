/**
 * MultiSend / MultiSendCallOnly packed batches. `multiSend(bytes transactions)` takes a
 * concatenation of, per call:
 *   operation (1 byte) ‖ to (20 bytes) ‖ value (32 bytes) ‖ data length (32 bytes) ‖ data
 * MultiSendCallOnly reverts on operation 1; MultiSend executes it as a delegatecall.
 */
import { type Address, getAddress, type Hex, hexToBytes, toHex } from 'viem';
import { InvalidInputError } from '../../../core/index.ts';

export interface PackedCall {
  operation: number;
  to: Address;
  value: bigint;
  data: Hex;
}

export function parseMultiSendTransactions(transactions: Hex): PackedCall[] {
  const b = hexToBytes(transactions);
  const out: PackedCall[] = [];
  let i = 0;
  while (i < b.length) {
    if (i + 85 > b.length) {
      throw new InvalidInputError(
        'MULTISEND_MALFORMED',
        `MultiSend entry ${out.length} is truncated at byte ${i}`,
        {
          index: out.length,
          offset: i,
        },
      );
    }
    const operation = b[i]!;
    const to = getAddress(toHex(b.subarray(i + 1, i + 21)));
    const value = BigInt(toHex(b.subarray(i + 21, i + 53)));
    const len = BigInt(toHex(b.subarray(i + 53, i + 85)));
    if (BigInt(i + 85) + len > BigInt(b.length)) {
      throw new InvalidInputError(
        'MULTISEND_MALFORMED',
        `MultiSend entry ${out.length} data runs past the end`,
        {
          index: out.length,
          offset: i,
        },
      );
    }
    const data = toHex(b.subarray(i + 85, i + 85 + Number(len)));
    out.push({ operation, to, value, data });
    i += 85 + Number(len);
  }
  return out;
}

export function encodeMultiSendTransactions(calls: readonly PackedCall[]): Hex {
  const parts = calls.map((c) => {
    const data = c.data.slice(2);
    return (
      c.operation.toString(16).padStart(2, '0') +
      c.to.slice(2).toLowerCase() +
      c.value.toString(16).padStart(64, '0') +
      (data.length / 2).toString(16).padStart(64, '0') +
      data
    );
  });
  return `0x${parts.join('')}`;
}
