/**
 * The default policy against real analyses: the Bybit nonce-71 record (read in place from
 * shared/) through analyzeSafeTx, and transactions simulated in the real EVM against the
 * official Safe 1.1.1 bytecode.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { type Address, encodeFunctionData, getAddress, parseAbi, parseEther } from 'viem';
import {
  type Analysis,
  analyzeSafeTx,
  defaultPolicy,
  evaluatePolicy,
  formatExplanation,
  parseAddressList,
  parseSafeTxList,
  parseWalletConfig,
  SafeSimulator,
  type SafeTx,
  type WalletConfig,
} from '../../src/custody/index.ts';
import { DISPLAYED, EXECUTED, readBybitExpected, readBybitList, readFbiList } from './bybit-fixture.ts';

const expected = readBybitExpected();
const records = parseSafeTxList(readBybitList()).map((r) => r.record!);
const fbi = parseAddressList(readFbiList().join('\n'));
const WARM = getAddress('0x88a1493366D48225fc3cEFbdae9eBb23E323Ade3');
const STRANGER = getAddress('0x0fa09C3A328792253f8dee7116848723b72a6d2e');
const NOW = new Date('2025-02-21T14:13:35Z');

const wallet: WalletConfig = parseWalletConfig({
  chainId: 1,
  address: expected.safe,
  version: '1.1.1',
  owners: expected.records[0]!.recovered_signers,
  threshold: 3,
  addressBook: [{ address: WARM, label: 'Bybit warm wallet', category: 'own' }],
  screened: fbi.addresses,
});

const policy = defaultPolicy();
const decide = (a: Analysis) =>
  evaluatePolicy(policy, a, { now: NOW, history: [], addressBook: wallet.addressBook! });

const abi = parseAbi([
  'function changeThreshold(uint256 _threshold)',
  'function enableModule(address module)',
  'function approve(address spender, uint256 amount)',
]);
const enc = (functionName: string, args: readonly unknown[]) =>
  encodeFunctionData({ abi, functionName, args } as Parameters<typeof encodeFunctionData>[0]);
const ZERO = '0x0000000000000000000000000000000000000000' as Address;
const tx = (p: Partial<SafeTx> & { to: Address }): SafeTx => ({
  value: 0n,
  data: '0x',
  operation: 0,
  safeTxGas: 0n,
  baseGas: 0n,
  gasPrice: 0n,
  gasToken: ZERO,
  refundReceiver: ZERO,
  nonce: 72n,
  ...p,
});

describe('the default policy and the Bybit nonce-71 record', () => {
  it('denies the executed transaction: an untrusted delegatecall', () => {
    const a = analyzeSafeTx({ wallet, record: records[EXECUTED]! });
    assert.equal(a.safeTxHash, records[EXECUTED]!.claimedSafeTxHash);
    const d = decide(a);
    assert.equal(d.decision, 'deny');
    assert.equal(d.ruleId, 'deny-untrusted-delegatecall');
    assert.equal(d.code, 'POLICY_RULE');
    assert.equal(d.requiredApprovals, 0);
    assert.deepEqual(d.explanation, [
      {
        subject: 0,
        ruleId: 'deny-untrusted-delegatecall',
        matched: true,
        because: ['finding DELEGATECALL_UNTRUSTED (top call)'],
      },
    ]);
    const text = formatExplanation(d);
    assert.match(text, /^DENY: delegatecall to a contract that is not an allow-listed library\n/);
    assert.match(
      text,
      /transfer of 0 of token 0x96221423681A6d52E184D440a8eFCEbB105C7242 .*\(as a delegatecall\)/,
    );
  });

  it('denies the displayed 30,000 ETH transfer carrying those signatures: SIGNER_NOT_OWNER', () => {
    const d = decide(analyzeSafeTx({ wallet, record: records[DISPLAYED]! }));
    assert.equal(d.decision, 'deny');
    assert.equal(d.ruleId, 'deny-integrity-failure');
    assert.equal(d.subjects[0]!.category, 'own');
    assert.equal(d.subjects[0]!.amount, parseEther('30000').toString());
  });

  it('denies the displayed transfer when the hash shown is the executed one: HASH_MISMATCH', () => {
    const record = { ...records[DISPLAYED]! };
    delete record.signatures;
    delete record.confirmations;
    const a = analyzeSafeTx({
      wallet,
      record,
      claims: { safeTxHash: records[EXECUTED]!.claimedSafeTxHash! },
    });
    assert.ok(a.findings.some((f) => f.code === 'HASH_MISMATCH'));
    const d = decide(a);
    assert.equal(d.decision, 'deny');
    assert.equal(d.ruleId, 'deny-integrity-failure');
  });

  it('denies a transfer to an address on the FBI list: SCREENED_ADDRESS', () => {
    const d = decide(analyzeSafeTx({ wallet, record: { tx: tx({ to: fbi.addresses[0]!, value: 1n }) } }));
    assert.equal(d.decision, 'deny');
    assert.equal(d.ruleId, 'deny-screened-address');
  });

  it('an unsimulated transfer to a known counterparty needs review: 3 approvals', () => {
    const d = decide(analyzeSafeTx({ wallet, record: { tx: tx({ to: WARM, value: 1n }) } }));
    assert.equal(d.decision, 'require');
    assert.equal(d.ruleId, 'needs-review');
    assert.equal(d.requiredApprovals, 3);
  });
});

describe('the default policy on simulated transactions (real EVM, Safe 1.1.1)', () => {
  let sim: SafeSimulator;
  before(async () => {
    sim = await SafeSimulator.create(1);
  });
  const simulated = async (t: SafeTx) => {
    const simulation = await sim.simulate({ wallet, tx: t, walletBalance: parseEther('100') });
    return analyzeSafeTx({ wallet, record: { tx: t }, simulation });
  };

  it('a transfer to a known counterparty: 2 approvals from treasury', async () => {
    const a = await simulated(tx({ to: WARM, value: parseEther('1') }));
    assert.deepEqual(a.findings, []);
    const d = decide(a);
    assert.equal(d.decision, 'require');
    assert.equal(d.ruleId, 'known-counterparty');
    assert.equal(d.requiredApprovals, 2);
    assert.deepEqual(d.fromRoles, ['treasury']);
  });

  it('a transfer to an unknown recipient: 3 approvals from treasury and security', async () => {
    const d = decide(await simulated(tx({ to: STRANGER, value: parseEther('1') })));
    assert.equal(d.decision, 'require');
    assert.equal(d.ruleId, 'unknown-recipient');
    assert.equal(d.requiredApprovals, 3);
    assert.deepEqual(d.fromRoles, ['treasury', 'security']);
  });

  it('a threshold change by the wallet itself: the governance rule, with a higher quorum', async () => {
    const a = await simulated(tx({ to: wallet.address, data: enc('changeThreshold', [2n]) }));
    assert.deepEqual([...new Set(a.findings.map((f) => f.code))], ['WALLET_THRESHOLD_CHANGE']);
    const d = decide(a);
    assert.equal(d.decision, 'require');
    assert.equal(d.ruleId, 'governance-owner-rotation');
    assert.equal(d.requiredApprovals, 4);
    assert.deepEqual(d.fromRoles, ['governance']);
  });

  it('enabling a module: denied, governance or not', async () => {
    const d = decide(await simulated(tx({ to: wallet.address, data: enc('enableModule', [STRANGER]) })));
    assert.equal(d.decision, 'deny');
    assert.equal(d.ruleId, 'deny-wallet-configuration-change');
    const skipped = d.explanation.find((e) => e.ruleId === 'governance-owner-rotation')!;
    assert.equal(skipped.matched, false);
  });

  it('an unlimited approval to a known spender: review, 3 approvals (the token has no code here: also incomplete)', async () => {
    const token = getAddress('0xdAC17F958D2ee523a2206206994597C13D831ec7');
    const book = [...wallet.addressBook!, { address: token, label: 'USDT', category: 'token' }];
    const t = tx({ to: token, data: enc('approve', [WARM, 2n ** 255n]) });
    const a = analyzeSafeTx({
      wallet: { ...wallet, addressBook: book },
      record: { tx: t },
      simulation: await sim.simulate({ wallet, tx: t }),
    });
    assert.deepEqual([...new Set(a.findings.map((f) => f.code))].sort(), [
      'SIMULATION_INCOMPLETE',
      'UNLIMITED_APPROVAL',
    ]);
    const d = evaluatePolicy(policy, a, { now: NOW, history: [], addressBook: book });
    assert.equal(d.decision, 'require');
    assert.equal(d.ruleId, 'needs-review');
    assert.equal(d.requiredApprovals, 3);
    assert.equal(d.subjects[0]!.kind, 'approval');
    assert.equal(d.subjects[0]!.amount, (2n ** 255n).toString());
  });
});
