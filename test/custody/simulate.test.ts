/**
 * Simulation in a real EVM against the official Safe bytecode. Nothing here is mocked: every
 * effect is what the contracts did when executed.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { before, describe, it } from 'node:test';
import {
  type Address,
  encodeFunctionData,
  getAddress,
  type Hex,
  maxUint256,
  parseAbi,
  parseEther,
} from 'viem';
import {
  analyzeSafeTx,
  analyzeSafeTxList,
  analyzeWithSimulation,
  anyDenied,
  checkSimulation,
  encodeMultiSendTransactions,
  mappingSlot,
  parseExtraState,
  parseSafeTxList,
  parseWalletConfig,
  SAFE_VERSIONS,
  SafeSimulator,
  type SafeTx,
  type SafeVersion,
  safeHashes,
  safeLibraryDeployments,
  type WalletConfig,
} from '../../src/custody/index.ts';
import { readBybitExpected, readBybitList } from './bybit-fixture.ts';

const expected = readBybitExpected();
const records = parseSafeTxList(readBybitList()).map((r) => r.record!);
const bybitOwners = expected.records[0]!.recovered_signers! as Address[];
const A = (n: number) => getAddress(`0x${n.toString(16).padStart(40, '0')}`) as Address;
const ZERO = A(0);
/** Hand-assembled: PUSH1 4 CALLDATALOAD PUSH1 0 SSTORE STOP — stores transfer()'s first argument in slot 0. */
const SLOT0_WRITER: Hex = '0x60043560005500';

const abi = parseAbi([
  'function addOwnerWithThreshold(address owner, uint256 _threshold)',
  'function changeThreshold(uint256 _threshold)',
  'function enableModule(address module)',
  'function setGuard(address guard)',
  'function setFallbackHandler(address handler)',
  'function transfer(address to, uint256 amount)',
  'function approve(address spender, uint256 amount)',
  'function multiSend(bytes transactions)',
]);
const enc = (functionName: string, args: readonly unknown[]) =>
  encodeFunctionData({ abi, functionName, args } as Parameters<typeof encodeFunctionData>[0]);

function makeTx(p: Partial<SafeTx> & { to: Address }): SafeTx {
  return {
    value: 0n,
    data: '0x',
    operation: 0,
    safeTxGas: 0n,
    baseGas: 0n,
    gasPrice: 0n,
    gasToken: ZERO,
    refundReceiver: ZERO,
    nonce: 5n,
    ...p,
  };
}

function testWallet(version: SafeVersion, extra: Record<string, unknown> = {}): WalletConfig {
  return parseWalletConfig({
    chainId: 1,
    address: getAddress('0x00000000000000000000000000000000ba5eba11'),
    version,
    owners: [A(0x1001), A(0x1002), A(0x1003)],
    threshold: 2,
    addressBook: [{ address: A(0x2001), label: 'cold storage' }],
    ...extra,
  });
}

let sim: SafeSimulator;
before(async () => {
  sim = await SafeSimulator.create(1);
});

describe('each Safe version, from its official bytecode', () => {
  for (const version of SAFE_VERSIONS) {
    it(`${version}: the contract's getTransactionHash equals ours; a value transfer executes`, async () => {
      const wallet = testWallet(version);
      const tx = makeTx({ to: A(0x2001), value: parseEther('1.5'), nonce: 9n });
      const r = await sim.simulate({ wallet, tx, walletBalance: parseEther('10') });
      const ours = safeHashes({ version, chainId: 1, verifyingContract: wallet.address }, tx);
      assert.equal(r.contractSafeTxHash, ours.safeTxHash);
      assert.equal(r.executed, true);
      assert.equal(r.success, true);
      assert.deepEqual(r.missingCode, []);
      assert.deepEqual(r.effects.balanceChanges, [
        { address: wallet.address, asset: 'native', delta: (-parseEther('1.5')).toString() },
        { address: A(0x2001), asset: 'native', delta: parseEther('1.5').toString() },
      ]);
      const kinds = r.effects.walletStorageWrites.map((w) => w.kind);
      assert.ok(kinds.includes('nonce'));
      assert.ok(
        kinds.every((k) => k === 'nonce' || k === 'approved_hashes'),
        kinds.join(),
      );
      const approvals = r.effects.walletStorageWrites.filter((w) => w.kind === 'approved_hashes');
      // before 1.3.0 execution consumes the approvals (and the trace names their owners); from 1.3.0 it does not
      assert.deepEqual(
        approvals.map((w) => getAddress(`0x${w.key!.slice(-40)}`)).sort(),
        version === '1.3.0' || version === '1.4.1' ? [] : [A(0x1001), A(0x1002)],
      );
      const a = analyzeSafeTx({ wallet, record: { tx }, simulation: r });
      assert.deepEqual(a.findings, []);
      assert.equal(a.verdict, 'allow');
    });
  }

  it('the runtime code built from the npm artifacts matches the code hashes published in safe-deployments', async () => {
    const r = await sim.simulate({ wallet: testWallet('1.3.0'), tx: makeTx({ to: A(0x2001) }) });
    const byName = new Map(
      r.contracts.map((c) => [`${c.name} ${c.version} ${c.address}`, c.codeHashMatches]),
    );
    for (const [k, ok] of byName) {
      // SignMessageLib 1.3.0 was deployed from a different build than the npm package carries
      if (k.startsWith('SignMessageLib 1.3.0')) assert.equal(ok, false, k);
      else assert.equal(ok, true, k);
    }
    for (const v of ['1.1.1', '1.3.0', '1.4.1'] as const) {
      const s = await sim.simulate({ wallet: testWallet(v), tx: makeTx({ to: A(0x2001) }) });
      assert.equal(s.contracts.at(-1)!.codeHashMatches, true, `singleton ${v}`);
    }
  });
});

describe('Bybit nonce 71 in the EVM (wallet 1.1.1, the three signers as owners, threshold 3)', () => {
  const wallet = () =>
    parseWalletConfig({
      chainId: 1,
      address: expected.safe,
      version: '1.1.1',
      owners: bybitOwners,
      threshold: 3,
    });

  it('the real 1.1.1 contract accepts the three eth_sign signatures for the executed transaction', async () => {
    const r = await sim.simulate({
      wallet: wallet(),
      tx: records[0]!.tx,
      signatures: records[0]!.signatures!,
    });
    assert.equal(r.contractSafeTxHash, records[0]!.claimedSafeTxHash);
    assert.equal(r.executed, true);
    // the attacker contract's code is not available offline: the simulation says so
    assert.deepEqual(r.missingCode, ['0x96221423681A6d52E184D440a8eFCEbB105C7242']);
    const a = analyzeSafeTx({ wallet: wallet(), record: records[0]!, simulation: r });
    assert.equal(a.verdict, 'deny');
    assert.ok(a.findings.some((f) => f.code === 'SIMULATION_INCOMPLETE' && f.message.includes('0x9622')));
    assert.ok(a.findings.some((f) => f.code === 'DELEGATECALL_UNTRUSTED'));
  });

  it('and rejects the same signatures on the displayed 30,000 ETH transfer (execTransaction reverts)', async () => {
    const r = await sim.simulate({
      wallet: wallet(),
      tx: records[1]!.tx,
      signatures: records[1]!.signatures!,
    });
    assert.equal(r.executed, false);
    assert.match(r.revertReason ?? '', /Invalid owner provided/);
    assert.deepEqual(r.effects.balanceChanges, []);
    const a = analyzeSafeTx({ wallet: wallet(), record: records[1]!, simulation: r });
    assert.ok(a.findings.some((f) => f.code === 'SIMULATION_REVERTED'));
    assert.ok(a.findings.some((f) => f.code === 'SIGNER_NOT_OWNER'));
  });

  it('with a hand-assembled slot-0 writer supplied as extra state, WALLET_IMPLEMENTATION_CHANGE comes from the simulation alone', async () => {
    // allow-list the target, so that the decoded call raises nothing: only the EVM can tell
    const w = { ...wallet(), delegatecallAllowList: [records[0]!.tx.to] };
    const { analysis } = await analyzeWithSimulation(sim, {
      wallet: w,
      record: records[0]!,
      extraState: [{ address: records[0]!.tx.to, code: SLOT0_WRITER }],
    });
    assert.equal(analysis.simulation?.executed, true);
    assert.equal(analysis.simulation?.success, true);
    assert.equal(analysis.simulation?.contractSafeTxHash, records[0]!.claimedSafeTxHash);
    assert.deepEqual(analysis.simulation?.missingCode, []);
    const impl = analysis.effects!.walletStorageWrites.find((x) => x.kind === 'implementation')!;
    assert.equal(impl.before, '0x00000000000000000000000034cfac646f301356faa8b21e94227e3583fe3f5f'); // Safe 1.1.1 singleton
    assert.equal(impl.after, '0x000000000000000000000000bdd077f651ebe7f7b3ce16fe5f2b025be2969516'); // the backdoor
    assert.ok(!analysis.findings.some((f) => f.code === 'DELEGATECALL_UNTRUSTED'));
    const f = analysis.findings.find((x) => x.code === 'WALLET_IMPLEMENTATION_CHANGE')!;
    assert.equal(f.severity, 'critical');
    assert.match(f.message, /^simulation: /);
    assert.equal(analysis.verdict, 'deny');
  });
});

describe('wallet configuration writes are classified from the traced storage writes', () => {
  const cases: Array<[string, SafeVersion, Hex, string[]]> = [
    [
      'addOwnerWithThreshold',
      '1.1.1',
      enc('addOwnerWithThreshold', [A(0x1004), 3n]),
      ['WALLET_OWNERS_CHANGE', 'WALLET_THRESHOLD_CHANGE'],
    ],
    ['changeThreshold', '1.0.0', enc('changeThreshold', [1n]), ['WALLET_THRESHOLD_CHANGE']],
    ['enableModule', '1.2.0', enc('enableModule', [A(0x3001)]), ['WALLET_MODULE_CHANGE']],
    ['setGuard', '1.3.0', enc('setGuard', [A(0x3002)]), ['WALLET_GUARD_CHANGE']],
    [
      'setFallbackHandler',
      '1.4.1',
      enc('setFallbackHandler', [A(0x3003)]),
      ['WALLET_FALLBACK_HANDLER_CHANGE'],
    ],
  ];
  for (const [name, version, data, codes] of cases) {
    it(`${name} (${version})`, async () => {
      const wallet = testWallet(version);
      const tx = makeTx({ to: wallet.address, data });
      const r = await sim.simulate({ wallet, tx });
      assert.equal(r.success, true);
      const fromSim = checkSimulation(r).map((f) => f.code);
      assert.deepEqual([...new Set(fromSim)].sort(), codes);
    });
  }

  it('enableModule traces the module address as the key of the modules mapping', async () => {
    const wallet = testWallet('1.3.0');
    const r = await sim.simulate({
      wallet,
      tx: makeTx({ to: wallet.address, data: enc('enableModule', [A(0x3001)]) }),
    });
    const keys = r.effects.walletStorageWrites.filter((w) => w.kind === 'modules').map((w) => w.key);
    assert.ok(keys.some((k) => k?.endsWith('3001')));
  });
});

describe('a batch through the canonical MultiSendCallOnly 1.3.0, with a real ERC-20', () => {
  const require = createRequire(import.meta.url);
  const erc20 = JSON.parse(
    readFileSync(
      require.resolve(
        'safe-contracts-1.3.0/build/artifacts/@openzeppelin/contracts/token/ERC20/ERC20.sol/ERC20.json',
      ),
      'utf8',
    ),
  ) as { deployedBytecode: Hex };
  const token = A(0x70ce);

  it('reports token and native balance changes and the unlimited approval', async () => {
    const wallet = testWallet('1.3.0', {
      addressBook: [
        { address: A(0x2001), label: 'a' },
        { address: token, label: 'T' },
      ],
    });
    const callOnly = safeLibraryDeployments(1, ['MultiSendCallOnly'])[0]!.address;
    const batch = encodeMultiSendTransactions([
      { operation: 0, to: token, value: 0n, data: enc('transfer', [A(0x2001), 100n]) },
      { operation: 0, to: token, value: 0n, data: enc('approve', [A(0x2001), maxUint256]) },
      { operation: 0, to: A(0x2001), value: 7n, data: '0x' },
    ]);
    const tx = makeTx({ to: callOnly, operation: 1, data: enc('multiSend', [batch]) });
    // OpenZeppelin 3.4 ERC20: _balances at slot 0
    const { analysis } = await analyzeWithSimulation(sim, {
      wallet,
      record: { tx },
      extraState: [
        {
          address: token,
          code: erc20.deployedBytecode,
          storage: { [mappingSlot(BigInt(wallet.address), 0n)]: '0x03e8' },
        },
      ],
    });
    const e = analysis.effects!;
    assert.deepEqual(e.balanceChanges, [
      { address: wallet.address, asset: 'native', delta: '-7' },
      { address: A(0x2001), asset: 'native', delta: '7' },
      { address: wallet.address, asset: token, delta: '-100' },
      { address: A(0x2001), asset: token, delta: '100' },
    ]);
    assert.deepEqual(e.approvals, [
      { token, owner: wallet.address, spender: A(0x2001), amount: maxUint256.toString(), standard: 'erc20' },
    ]);
    assert.ok(!analysis.findings.some((f) => f.code === 'DELEGATECALL_UNTRUSTED'));
    const unlimited = analysis.findings.filter((f) => f.code === 'UNLIMITED_APPROVAL');
    assert.deepEqual(
      unlimited.map((f) => f.path),
      ['1', null],
    ); // from the decoded call and from the simulation
    assert.equal(analysis.verdict, 'review');
  });

  it('a failing inner call is SIMULATION_REVERTED (not enough ETH, safeTxGas set so the Safe does not revert)', async () => {
    const wallet = testWallet('1.3.0');
    const tx = makeTx({ to: A(0x2001), value: parseEther('5'), safeTxGas: 50_000n });
    const { analysis } = await analyzeWithSimulation(sim, {
      wallet,
      record: { tx },
      walletBalance: parseEther('1'),
    });
    assert.ok(analysis.findings.some((f) => f.code === 'SIMULATION_REVERTED'));
    assert.deepEqual(
      analysis.effects!.balanceChanges.filter((b) => b.address === A(0x2001)),
      [],
    );
    assert.equal(analysis.verdict, 'deny');
  });
});

describe('lists and bad input, with the simulator', () => {
  it('the Bybit list with the slot-0 writer supplied: executed record denied by the EVM effects, displayed one by its signers', async () => {
    const wallet = parseWalletConfig({
      chainId: 1,
      address: expected.safe,
      version: '1.1.1',
      owners: bybitOwners,
      threshold: 3,
    });
    const out = await analyzeSafeTxList(wallet, readBybitList(), {
      simulator: sim,
      extraState: parseExtraState([{ address: records[0]!.tx.to, code: SLOT0_WRITER }]),
    });
    assert.equal(out.length, 2);
    const [executed, displayed] = out.map((e) => ('analysis' in e ? e.analysis : assert.fail('no analysis')));
    const codes = (a: typeof executed) => new Set(a!.findings.map((f) => f.code));
    assert.ok(codes(executed).has('WALLET_IMPLEMENTATION_CHANGE'));
    assert.ok(codes(executed).has('DELEGATECALL_UNTRUSTED'));
    assert.ok(codes(displayed).has('SIGNER_NOT_OWNER'));
    assert.ok(!codes(displayed).has('SIMULATION_REVERTED')); // the transfer itself works; its signatures do not
    assert.equal(anyDenied(out), true);
  });

  it('malformed extra state is a typed error naming the field', async () => {
    assert.throws(() => parseExtraState([{ address: '0x12', code: '0x00' }]), { code: 'ADDRESS_INVALID' });
    assert.throws(() => parseExtraState([{ address: A(1), code: '0xabc' }]), { code: 'HEX_INVALID' });
    assert.throws(() => parseExtraState([{ address: A(1), storage: { '0x1': 'zz' } }]), {
      code: 'EXTRA_STATE_INVALID',
    });
    assert.throws(() => parseExtraState({}), { code: 'EXTRA_STATE_INVALID' });
    await assert.rejects(
      sim.simulate({
        wallet: testWallet('1.3.0'),
        tx: makeTx({ to: A(1) }),
        extraState: [{ address: A(1), code: '0xabc' as Hex }],
      }),
      { code: 'HEX_INVALID' },
    );
    // the simulator is still usable afterwards (its state was rolled back)
    const r = await sim.simulate({ wallet: testWallet('1.3.0'), tx: makeTx({ to: A(0x2001), value: 1n }) });
    assert.equal(r.success, true);
  });
});
