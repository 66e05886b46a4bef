/**
 * Token effects from the logs of a simulated execution (only logs of frames that did not revert
 * reach here): ERC-20 / ERC-721 Transfer and Approval, ApprovalForAll, ERC-1155 TransferSingle
 * and TransferBatch. Pure.
 */
import { type Address, decodeAbiParameters, getAddress, type Hex, keccak256, toHex } from 'viem';
import type { ApprovalEffect, BalanceChange } from './types.ts';

export interface RawLog {
  address: Address;
  topics: Hex[];
  data: Hex;
}

const topic = (sig: string) => keccak256(toHex(sig));
export const TOPICS = {
  transfer: topic('Transfer(address,address,uint256)'),
  approval: topic('Approval(address,address,uint256)'),
  approvalForAll: topic('ApprovalForAll(address,address,bool)'),
  transferSingle: topic('TransferSingle(address,address,address,uint256,uint256)'),
  transferBatch: topic('TransferBatch(address,address,address,uint256[],uint256[])'),
};

const addr = (t: Hex) => getAddress(`0x${t.slice(-40)}`);
const ZERO = '0x0000000000000000000000000000000000000000';

export function tokenEffects(logs: readonly RawLog[]): {
  balanceChanges: BalanceChange[];
  approvals: ApprovalEffect[];
} {
  const deltas = new Map<string, BalanceChange & { n: bigint }>();
  const move = (token: Address, from: Address, to: Address, amount: bigint, tokenId?: bigint) => {
    for (const [who, sign] of [
      [from, -1n],
      [to, 1n],
    ] as const) {
      if (who === ZERO) continue;
      const k = `${token}|${who}|${tokenId ?? ''}`;
      const cur = deltas.get(k) ?? {
        address: who,
        asset: token,
        delta: '0',
        n: 0n,
        ...(tokenId !== undefined ? { tokenId: tokenId.toString() } : {}),
      };
      cur.n += sign * amount;
      deltas.set(k, cur);
    }
  };
  const approvals: ApprovalEffect[] = [];
  for (const log of logs) {
    const [t0, t1, t2, t3] = log.topics;
    try {
      if (t0 === TOPICS.transfer && t1 && t2) {
        if (t3) move(log.address, addr(t1), addr(t2), 1n, BigInt(t3));
        else move(log.address, addr(t1), addr(t2), BigInt(log.data));
      } else if (t0 === TOPICS.approval && t1 && t2) {
        approvals.push({
          token: log.address,
          owner: addr(t1),
          spender: addr(t2),
          amount: (t3 ? BigInt(t3) : BigInt(log.data)).toString(),
          standard: t3 ? 'erc721' : 'erc20',
        });
      } else if (t0 === TOPICS.approvalForAll && t1 && t2) {
        approvals.push({
          token: log.address,
          owner: addr(t1),
          spender: addr(t2),
          amount: BigInt(log.data) === 0n ? 'none' : 'all',
          standard: 'erc721/erc1155-operator',
        });
      } else if (t0 === TOPICS.transferSingle && t2 && t3) {
        const [id, value] = decodeAbiParameters([{ type: 'uint256' }, { type: 'uint256' }], log.data);
        move(log.address, addr(t2), addr(t3), value, id);
      } else if (t0 === TOPICS.transferBatch && t2 && t3) {
        const [ids, values] = decodeAbiParameters([{ type: 'uint256[]' }, { type: 'uint256[]' }], log.data);
        for (const [i, id] of ids.entries()) move(log.address, addr(t2), addr(t3), values[i] ?? 0n, id);
      }
    } catch {
      // a log that only looks like a token event (wrong data length) is not an effect
    }
  }
  const balanceChanges = [...deltas.values()]
    .filter((d) => d.n !== 0n)
    .map(({ n, ...d }) => ({ ...d, delta: n.toString() }));
  return { balanceChanges, approvals };
}
