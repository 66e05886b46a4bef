import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Address, encodeFunctionData, getAddress, type Hex, maxUint256, parseAbi } from 'viem';
import {
  decodeCall,
  encodeMultiSendTransactions,
  flattenCalls,
  lookupSelector,
  parseMultiSendTransactions,
  parseSafeTxList,
  REGISTRY,
} from '../../src/custody/index.ts';
import { readBybitList } from './bybit-fixture.ts';

const A = (n: number) => getAddress(`0x${n.toString(16).padStart(40, '0')}`) as Address;
const abi = parseAbi([
  'function transfer(address to, uint256 amount)',
  'function approve(address spender, uint256 amount)',
  'function multiSend(bytes transactions)',
  'function changeThreshold(uint256 _threshold)',
  'function upgradeTo(address newImplementation)',
  'function safeBatchTransferFrom(address from, address to, uint256[] ids, uint256[] amounts, bytes data)',
]);
const enc = (functionName: string, args: readonly unknown[]) =>
  encodeFunctionData({ abi, functionName, args } as Parameters<typeof encodeFunctionData>[0]);

describe('ABI registry', () => {
  it('has no selector collisions and finds entries by selector', () => {
    assert.equal(new Set(REGISTRY.map((e) => e.selector)).size, REGISTRY.length);
    assert.equal(lookupSelector('0xa9059cbb')?.abi.name, 'transfer');
    assert.equal(lookupSelector('0x6a761202')?.abi.name, 'execTransaction');
    assert.equal(lookupSelector('0x8d80ff0a')?.abi.name, 'multiSend');
    assert.equal(lookupSelector('0x7de7edef')?.abi.name, 'changeMasterCopy');
  });
});

describe('recursive decoding', () => {
  it('decodes the Bybit executed call as transfer(0xbdd0…, 0) sent by delegatecall', () => {
    const rec = parseSafeTxList(readBybitList())[0]!.record!;
    const d = decodeCall(rec.tx);
    assert.equal(d.function?.name, 'transfer');
    assert.equal(d.operation, 1);
    assert.deepEqual(d.args, [
      { name: 'to', type: 'address', value: '0xbDd077f651EBe7f7b3cE16fe5F2b025BE2969516' },
      { name: 'amount', type: 'uint256', value: '0' },
    ]);
    assert.equal(d.error, undefined);
  });

  it('a plain value transfer has no selector and no error', () => {
    const rec = parseSafeTxList(readBybitList())[1]!.record!;
    const d = decodeCall(rec.tx);
    assert.equal(d.selector, null);
    assert.equal(d.value, '30000000000000000000000');
    assert.equal(d.error, undefined);
  });

  it('decodes a nested MultiSend batch with paths 0, 1, 2, 2.0, 2.1 …', () => {
    const wallet = A(0xaaaa);
    const inner = encodeMultiSendTransactions([
      { operation: 0, to: wallet, value: 0n, data: enc('changeThreshold', [1n]) },
      { operation: 0, to: A(0x7), value: 0n, data: enc('upgradeTo', [A(0x8)]) },
    ]);
    const outer = encodeMultiSendTransactions([
      { operation: 0, to: A(0x10), value: 0n, data: enc('transfer', [A(0x11), 5n]) },
      { operation: 0, to: A(0x10), value: 0n, data: enc('approve', [A(0x12), maxUint256]) },
      { operation: 1, to: A(0x20), value: 0n, data: enc('multiSend', [inner]) },
      { operation: 0, to: A(0x30), value: 0n, data: '0xdeadbeef00' },
      { operation: 0, to: A(0x40), value: 7n, data: '0x' },
      {
        operation: 0,
        to: A(0x50),
        value: 0n,
        data: enc('safeBatchTransferFrom', [wallet, A(0x51), [1n, 2n], [10n, 20n], '0x']),
      },
    ]);
    const root = decodeCall({ to: A(0x20), value: 0n, data: enc('multiSend', [outer]), operation: 1 });
    const all = flattenCalls(root);
    assert.deepEqual(
      all.map((c) => [c.path, c.function?.name ?? null, c.error ?? null]),
      [
        ['', 'multiSend', null],
        ['0', 'transfer', null],
        ['1', 'approve', null],
        ['2', 'multiSend', null],
        ['2.0', 'changeThreshold', null],
        ['2.1', 'upgradeTo', null],
        ['3', null, 'unknown selector 0xdeadbeef'],
        ['4', null, null],
        ['5', 'safeBatchTransferFrom', null],
      ],
    );
    assert.equal(all[2]!.args![1]!.value, maxUint256.toString());
    assert.deepEqual(all[4]!.function?.changes, ['threshold']);
    assert.equal(all[5]!.function?.kind, 'ownership');
    assert.deepEqual(all[8]!.args![2]!.value, ['1', '2']);
    assert.equal(all[7]!.value, '7');
  });

  it('round-trips the packed MultiSend encoding', () => {
    const calls = [
      { operation: 0, to: A(1), value: 1n, data: '0x' as Hex },
      { operation: 1, to: A(2), value: 0n, data: '0x01020304' as Hex },
    ];
    assert.deepEqual(parseMultiSendTransactions(encodeMultiSendTransactions(calls)), calls);
  });

  it('never throws on bad calldata: short data, wrong argument encoding, truncated batch', () => {
    assert.equal(
      decodeCall({ to: A(1), value: 0n, data: '0xa9059c', operation: 0 }).error,
      'calldata shorter than a 4-byte selector',
    );
    const bad = decodeCall({ to: A(1), value: 0n, data: '0xa9059cbb0001', operation: 0 });
    assert.match(bad.error!, /do not decode as transfer/);
    assert.equal(bad.args, null);
    const good = encodeMultiSendTransactions([{ operation: 0, to: A(1), value: 0n, data: '0x1234' }]);
    const truncated = decodeCall({
      to: A(1),
      value: 0n,
      data: enc('multiSend', [good.slice(0, -2)]),
      operation: 1,
    });
    assert.match(truncated.error!, /MultiSend entry 0 data runs past the end/);
    assert.deepEqual(truncated.children, []);
  });
});
