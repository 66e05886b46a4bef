/** The same transaction simulated twice on one warm simulator gives the same result and the same digest. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  analyzeWithSimulation,
  parseSafeTxRecord,
  parseWalletConfig,
  SafeSimulator,
} from '../../src/custody/index.ts';

test('simulation does not depend on what ran before (EIP-2929 warm sets are reset per call)', async () => {
  const wallet = parseWalletConfig({
    chainId: 1,
    address: '0x5afe00000000000000000000000000000000c0de',
    version: '1.3.0',
    owners: ['0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf', '0x2B5AD5c4795c026514f8317c7a215E218DcCD6cF'],
    threshold: 2,
  });
  const record = parseSafeTxRecord({
    to: '0x00000000000000000000000000000000000bee71',
    value: '1',
    data: '0x',
    operation: 0,
    safeTxGas: '0',
    baseGas: '0',
    gasPrice: '0',
    gasToken: '0x0000000000000000000000000000000000000000',
    refundReceiver: '0x0000000000000000000000000000000000000000',
    nonce: '0',
  });
  const sim = await SafeSimulator.create(1);
  const a = await analyzeWithSimulation(sim, { wallet, record });
  const b = await analyzeWithSimulation(sim, { wallet, record });
  assert.equal(a.analysis.digest, b.analysis.digest);
});
