import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Address, encodeAbiParameters, encodeEventTopics, getAddress, type Hex, parseAbi } from 'viem';
import { type RawLog, tokenEffects } from '../../src/custody/index.ts';

const A = (n: number) => getAddress(`0x${n.toString(16).padStart(40, '0')}`) as Address;
const events = parseAbi([
  'event Transfer(address indexed from, address indexed to, uint256 value)',
  'event Transfer721(address indexed from, address indexed to, uint256 indexed tokenId)',
  'event ApprovalForAll(address indexed owner, address indexed operator, bool approved)',
  'event TransferSingle(address indexed operator, address indexed from, address indexed to, uint256 id, uint256 value)',
  'event TransferBatch(address indexed operator, address indexed from, address indexed to, uint256[] ids, uint256[] values)',
]);
const topics = (eventName: string, args: Record<string, unknown>) =>
  encodeEventTopics({ abi: events, eventName, args } as Parameters<typeof encodeEventTopics>[0]) as Hex[];

describe('token effects from logs (ERC-20, ERC-721, ERC-1155)', () => {
  it('nets transfers per holder, token and id, and reports operator approvals', () => {
    const erc721Topics = topics('Transfer721', { from: A(1), to: A(2), tokenId: 42n });
    // the ERC-721 Transfer has the same signature as ERC-20's, with the id as a third indexed topic
    erc721Topics[0] = topics('Transfer', { from: A(1), to: A(2) })[0]!;
    const logs: RawLog[] = [
      {
        address: A(0x20),
        topics: topics('Transfer', { from: A(1), to: A(2) }),
        data: encodeAbiParameters([{ type: 'uint256' }], [30n]),
      },
      {
        address: A(0x20),
        topics: topics('Transfer', { from: A(2), to: A(1) }),
        data: encodeAbiParameters([{ type: 'uint256' }], [10n]),
      },
      { address: A(0x721), topics: erc721Topics, data: '0x' },
      {
        address: A(0x1155),
        topics: topics('TransferSingle', { operator: A(9), from: A(1), to: A(3) }),
        data: encodeAbiParameters([{ type: 'uint256' }, { type: 'uint256' }], [7n, 5n]),
      },
      {
        address: A(0x1155),
        topics: topics('TransferBatch', { operator: A(9), from: A(1), to: A(3) }),
        data: encodeAbiParameters(
          [{ type: 'uint256[]' }, { type: 'uint256[]' }],
          [
            [7n, 8n],
            [1n, 2n],
          ],
        ),
      },
      {
        address: A(0x721),
        topics: topics('ApprovalForAll', { owner: A(1), operator: A(5) }),
        data: encodeAbiParameters([{ type: 'bool' }], [true]),
      },
      // a Transfer-looking log with malformed data is ignored, not thrown
      {
        address: A(0x1155),
        topics: topics('TransferSingle', { operator: A(9), from: A(1), to: A(3) }),
        data: '0x01',
      },
    ];
    const e = tokenEffects(logs);
    const find = (asset: Address, who: Address, tokenId?: string) =>
      e.balanceChanges.find((b) => b.asset === asset && b.address === who && b.tokenId === tokenId)?.delta;
    assert.equal(find(A(0x20), A(1)), '-20');
    assert.equal(find(A(0x20), A(2)), '20');
    assert.equal(find(A(0x721), A(1), '42'), '-1');
    assert.equal(find(A(0x721), A(2), '42'), '1');
    assert.equal(find(A(0x1155), A(3), '7'), '6');
    assert.equal(find(A(0x1155), A(1), '8'), '-2');
    assert.deepEqual(e.approvals, [
      { token: A(0x721), owner: A(1), spender: A(5), amount: 'all', standard: 'erc721/erc1155-operator' },
    ]);
  });
});
