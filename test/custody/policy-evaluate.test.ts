/**
 * The policy engine against analyses built with the real analyzeSafeTx: every matcher, first
 * match, fail closed, batches (strictest call wins), velocity window edges, time windows.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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
  type Analysis,
  analyzeSafeTx,
  encodeMultiSendTransactions,
  evaluatePolicy,
  formatExplanation,
  inTimeWindow,
  parsePolicyObject,
  policySubjects,
  type SafeTx,
  type SimulationResult,
  safeLibraryDeployments,
  type VelocityEntry,
  velocityEntries,
  type WalletConfig,
} from '../../src/custody/index.ts';

const A = (n: number) => getAddress(`0x${n.toString(16).padStart(40, '0')}`) as Address;
const WALLET = A(0xba5e);
const EXCHANGE = A(0x2001);
const COLD = A(0x2002);
const STRANGER = A(0x3001);
const USDT = getAddress('0xdAC17F958D2ee523a2206206994597C13D831ec7');
const MULTISEND_CALL_ONLY = safeLibraryDeployments(1, ['MultiSendCallOnly'])[0]!.address;

const wallet: WalletConfig = {
  chainId: 1,
  address: WALLET,
  version: '1.3.0',
  owners: [A(0x1001), A(0x1002), A(0x1003)],
  threshold: 2,
  addressBook: [
    { address: EXCHANGE, label: 'exchange hot wallet', category: 'exchange' },
    { address: COLD, label: 'cold storage', category: 'own' },
    { address: USDT, label: 'USDT', category: 'token' },
  ],
};

const abi = parseAbi([
  'function transfer(address to, uint256 amount)',
  'function approve(address spender, uint256 amount)',
  'function transferFrom(address from, address to, uint256 amount)',
  'function changeThreshold(uint256 _threshold)',
  'function multiSend(bytes transactions)',
]);
const enc = (functionName: string, args: readonly unknown[]) =>
  encodeFunctionData({ abi, functionName, args } as Parameters<typeof encodeFunctionData>[0]);

function tx(p: Partial<SafeTx> & { to: Address }): SafeTx {
  return {
    value: 0n,
    data: '0x',
    operation: 0,
    safeTxGas: 0n,
    baseGas: 0n,
    gasPrice: 0n,
    gasToken: A(0),
    refundReceiver: A(0),
    nonce: 7n,
    ...p,
  };
}

/** A simulation that executed and moved nothing but what `effects` says: for pure policy tests. */
function sim(effects: Partial<SimulationResult['effects']> = {}): SimulationResult {
  return {
    executed: true,
    success: true,
    gasUsed: '50000',
    effects: { balanceChanges: [], approvals: [], walletStorageWrites: [], ...effects },
    missingCode: [],
  };
}

function analyze(t: SafeTx, simulation: SimulationResult | null = sim()): Analysis {
  return analyzeSafeTx({ wallet, record: { tx: t }, simulation });
}

const eth = (to: Address, amount: bigint) => analyze(tx({ to, value: amount }));
const usdt = (to: Address, amount: bigint) => analyze(tx({ to: USDT, data: enc('transfer', [to, amount]) }));
const batch = (calls: Array<{ to: Address; value?: bigint; data?: Hex }>) =>
  analyze(
    tx({
      to: MULTISEND_CALL_ONLY,
      operation: 1,
      data: enc('multiSend', [
        encodeMultiSendTransactions(
          calls.map((c) => ({ operation: 0, to: c.to, value: c.value ?? 0n, data: c.data ?? '0x' })),
        ),
      ]),
    }),
  );

const NOW = new Date('2025-03-05T12:00:00Z'); // a Wednesday
const ctx = (extra: Partial<Parameters<typeof evaluatePolicy>[2]> = {}) => ({
  now: NOW,
  history: [] as VelocityEntry[],
  addressBook: wallet.addressBook!,
  ...extra,
});

/** A policy whose first rule is `match` → allow, then nothing (fail closed). */
function only(match: Record<string, unknown>) {
  return parsePolicyObject({ version: 1, rules: [{ id: 'm', match, action: { allow: {} } }] });
}

function matches(match: Record<string, unknown>, a: Analysis, extra = {}): boolean {
  const d = evaluatePolicy(only(match), a, ctx(extra));
  return d.decision === 'allow';
}

describe('what counts as the transfer', () => {
  it('native value, ERC-20 transfer / transferFrom / approve, each MultiSend call with its path', () => {
    const a = batch([
      { to: EXCHANGE, value: 5n },
      { to: USDT, data: enc('transfer', [COLD, 100n]) },
      { to: USDT, data: enc('transferFrom', [WALLET, STRANGER, 7n]) },
      { to: USDT, data: enc('approve', [EXCHANGE, 50n]) },
      { to: WALLET, data: enc('changeThreshold', [1n]) },
    ]);
    const { subjects, totals } = policySubjects(a);
    assert.deepEqual(
      subjects.map((s) => [s.path, s.kind, s.asset, s.destination, s.amount]),
      [
        ['0', 'native', 'native', EXCHANGE, 5n],
        ['1', 'token_transfer', USDT, COLD, 100n],
        ['2', 'token_transfer', USDT, STRANGER, 7n],
        ['3', 'approval', USDT, EXCHANGE, 50n],
        ['4', 'call', null, WALLET, null],
      ],
    );
    assert.equal(totals.get('native'), 5n);
    assert.equal(totals.get(USDT.toLowerCase()), 157n);
  });

  it('simulation effects the decoded calls do not account for become subjects', () => {
    const a = analyze(
      tx({ to: EXCHANGE, value: 5n }),
      sim({
        balanceChanges: [
          { address: WALLET, asset: 'native', delta: '-5' },
          { address: EXCHANGE, asset: 'native', delta: '5' },
          { address: WALLET, asset: USDT, delta: '-900' },
          { address: STRANGER, asset: USDT, delta: '900' },
        ],
        approvals: [
          {
            token: USDT,
            owner: WALLET,
            spender: STRANGER,
            amount: 'all',
            standard: 'erc721/erc1155-operator',
          },
        ],
      }),
    );
    const { subjects, totals } = policySubjects(a);
    assert.deepEqual(
      subjects.map((s) => [s.source, s.kind, s.asset, s.destination, s.amount]),
      [
        ['call', 'native', 'native', EXCHANGE, 5n],
        ['simulation', 'token_transfer', USDT, STRANGER, 900n],
        ['simulation', 'approval', USDT, STRANGER, maxUint256],
      ],
    );
    assert.equal(totals.get(USDT.toLowerCase()), 900n + maxUint256);
    // the hidden USDT outflow is judged too: an allow-list of destinations does not cover it
    const d = evaluatePolicy(only({ destinations: [EXCHANGE] }), a, ctx());
    assert.equal(d.decision, 'deny');
    assert.equal(d.code, 'POLICY_NO_RULE');
    assert.match(d.reason, /simulation: .* receives 900/);
  });
});

describe('each matcher', () => {
  const a = eth(EXCHANGE, 10n);

  it('wallets and chainIds', () => {
    assert.equal(matches({ wallets: [WALLET] }, a), true);
    assert.equal(matches({ wallets: [COLD] }, a), false);
    assert.equal(matches({ chainIds: [1, 10] }, a), true);
    assert.equal(matches({ chainIds: [137] }, a), false);
  });

  it('destinations and destinationCategories (unknown, self)', () => {
    assert.equal(matches({ destinations: [EXCHANGE] }, a), true);
    assert.equal(matches({ destinations: [COLD] }, a), false);
    assert.equal(matches({ destinationCategories: ['exchange'] }, a), true);
    assert.equal(matches({ destinationCategories: ['own'] }, a), false);
    assert.equal(matches({ destinationCategories: ['unknown'] }, eth(STRANGER, 1n)), true);
    assert.equal(matches({ destinationCategories: ['exchange'] }, eth(STRANGER, 1n)), false);
    // a token transfer's destination is its recipient, not the token contract
    assert.equal(matches({ destinationCategories: ['own'] }, usdt(COLD, 1n)), true);
    const self = analyze(tx({ to: WALLET, data: enc('changeThreshold', [1n]) }));
    assert.equal(matches({ destinationCategories: ['self'] }, self), true);
    // without an address book, everything but the wallet itself is unknown
    assert.equal(matches({ destinationCategories: ['unknown'] }, a, { addressBook: [] }), true);
  });

  it('assets: native or token addresses; a plain call moves no asset', () => {
    assert.equal(matches({ assets: ['native'] }, a), true);
    assert.equal(matches({ assets: [USDT] }, a), false);
    assert.equal(matches({ assets: [USDT.toLowerCase()] }, usdt(COLD, 1n)), true);
    assert.equal(matches({ assets: ['native'] }, usdt(COLD, 1n)), false);
    const call = analyze(tx({ to: WALLET, data: enc('changeThreshold', [1n]) }));
    assert.equal(matches({ assets: ['native', USDT] }, call), false);
  });

  it('amount: inclusive bounds in base units, bigint precision, batch totals', () => {
    const big = eth(EXCHANGE, parseEther('1000000'));
    assert.equal(matches({ amount: { max: parseEther('1000000').toString() } }, big), true);
    assert.equal(matches({ amount: { max: (parseEther('1000000') - 1n).toString() } }, big), false);
    assert.equal(matches({ amount: { min: '10', max: '10' } }, a), true);
    assert.equal(matches({ amount: { min: '11' } }, a), false);
    // splitting a payment across a batch does not get under the limit
    const split = batch([
      { to: EXCHANGE, value: 6n },
      { to: EXCHANGE, value: 6n },
    ]);
    assert.equal(matches({ amount: { max: '10' } }, split), false);
    assert.equal(matches({ amount: { max: '12' } }, split), true);
    const call = analyze(tx({ to: WALLET, data: enc('changeThreshold', [1n]) }));
    assert.equal(matches({ amount: { min: '0' } }, call), false);
  });

  it('operations', () => {
    assert.equal(matches({ operations: [0] }, a), true);
    assert.equal(matches({ operations: [1] }, a), false);
    const dc = analyze(tx({ to: STRANGER, operation: 1, data: enc('transfer', [EXCHANGE, 1n]) }));
    assert.equal(matches({ operations: [1] }, dc), true);
    // the MultiSend container is not judged, its calls are (operation 0 each)
    assert.equal(matches({ operations: [0] }, batch([{ to: EXCHANGE, value: 1n }])), true);
  });

  it('findings: any / none, including findings of an enclosing call or of the transaction', () => {
    assert.equal(matches({ findings: { none: ['UNKNOWN_RECIPIENT'] } }, a), true);
    const s = eth(STRANGER, 1n);
    assert.equal(matches({ findings: { any: ['UNKNOWN_RECIPIENT'] } }, s), true);
    assert.equal(matches({ findings: { none: ['UNKNOWN_RECIPIENT'] } }, s), false);
    assert.equal(
      matches({ findings: { any: ['SIMULATION_INCOMPLETE'] } }, analyze(tx({ to: EXCHANGE }), null)),
      true,
    );
    // in a batch, a finding of call 1 does not concern call 0
    const b = batch([
      { to: EXCHANGE, value: 1n },
      { to: STRANGER, value: 1n },
    ]);
    const d = evaluatePolicy(
      parsePolicyObject({
        version: 1,
        rules: [
          {
            id: 'stranger',
            match: { findings: { any: ['UNKNOWN_RECIPIENT'] } },
            action: { deny: { reason: 'no' } },
          },
          { id: 'ok', action: { allow: {} } },
        ],
      }),
      b,
      ctx(),
    );
    assert.deepEqual(
      d.subjects.map((s) => [s.path, s.ruleId]),
      [
        ['0', 'ok'],
        ['1', 'stranger'],
      ],
    );
  });
});

describe('time windows', () => {
  const w = (x: Record<string, unknown>) =>
    only({ timeWindow: x }).rules[0]!.match.timeWindow as Parameters<typeof inTimeWindow>[0];
  const at = (iso: string) => new Date(iso);

  it('business hours in a non-UTC zone (Europe/Zurich, UTC+1 in winter, +2 in summer)', () => {
    const hours = w({
      days: ['mon', 'tue', 'wed', 'thu', 'fri'],
      from: '09:00',
      to: '17:00',
      timezone: 'Europe/Zurich',
    });
    assert.equal(inTimeWindow(hours, at('2025-03-05T08:00:00Z')).holds, true); // Wed 09:00 local
    assert.equal(inTimeWindow(hours, at('2025-03-05T07:59:00Z')).holds, false); // Wed 08:59
    assert.equal(inTimeWindow(hours, at('2025-03-05T16:00:00Z')).holds, false); // Wed 17:00: to is exclusive
    assert.equal(inTimeWindow(hours, at('2025-07-02T07:30:00Z')).holds, true); // Wed 09:30 CEST
    assert.equal(inTimeWindow(hours, at('2025-07-02T15:30:00Z')).holds, false); // Wed 17:30 CEST
    assert.equal(inTimeWindow(hours, at('2025-03-08T10:00:00Z')).holds, false); // Saturday
    assert.equal(inTimeWindow(hours, at('2025-03-05T08:00:00Z')).local.text, 'Wed 09:00 Europe/Zurich');
  });

  it('a local day that differs from the UTC day (Asia/Kolkata, UTC+5:30)', () => {
    const monday = w({ days: ['mon'], timezone: 'Asia/Kolkata' });
    assert.equal(inTimeWindow(monday, at('2025-03-02T18:30:00Z')).holds, true); // Mon 00:00 IST, Sun in UTC
    assert.equal(inTimeWindow(monday, at('2025-03-02T18:29:00Z')).holds, false); // Sun 23:59 IST
  });

  it('across midnight: the part after midnight belongs to the day the window began', () => {
    const night = w({ days: ['fri'], from: '22:00', to: '06:00', timezone: 'America/New_York' });
    assert.equal(inTimeWindow(night, at('2025-03-08T03:30:00Z')).holds, true); // Fri 22:30 EST
    assert.equal(inTimeWindow(night, at('2025-03-08T10:59:00Z')).holds, true); // Sat 05:59 EST
    assert.equal(inTimeWindow(night, at('2025-03-08T11:00:00Z')).holds, false); // Sat 06:00
    assert.equal(inTimeWindow(night, at('2025-03-07T08:00:00Z')).holds, false); // Fri 03:00: Thursday's night
    assert.equal(inTimeWindow(night, at('2025-03-09T03:30:00Z')).holds, false); // Sat 22:30
    const anyNight = w({ from: '22:00', to: '06:00', timezone: 'UTC' });
    assert.equal(inTimeWindow(anyNight, at('2025-03-05T23:59:00Z')).holds, true);
    assert.equal(inTimeWindow(anyNight, at('2025-03-05T00:00:00Z')).holds, true);
    assert.equal(inTimeWindow(anyNight, at('2025-03-05T12:00:00Z')).holds, false);
  });

  it('in a rule, with the reason in the explanation', () => {
    const p = only({ timeWindow: { from: '13:00', to: '24:00', timezone: 'Asia/Tokyo' } });
    const d = evaluatePolicy(p, eth(EXCHANGE, 1n), ctx()); // 12:00Z = 21:00 JST
    assert.equal(d.decision, 'allow');
    assert.deepEqual(d.explanation[0]!.because, [
      'Wed 21:00 Asia/Tokyo is inside any day 13:00–24:00 Asia/Tokyo',
    ]);
    const late = evaluatePolicy(p, eth(EXCHANGE, 1n), ctx({ now: new Date('2025-03-05T15:30:00Z') }));
    assert.equal(late.decision, 'deny');
    assert.match(late.explanation[0]!.because[0]!, /Thu 00:30 Asia\/Tokyo is outside/);
  });
});

describe('velocity (rolling window, per wallet and asset)', () => {
  const DAY = 24 * 3600 * 1000;
  const entry = (msAgo: number, amount: bigint, extra: Partial<VelocityEntry> = {}): VelocityEntry => ({
    at: new Date(NOW.getTime() - msAgo),
    chainId: 1,
    wallet: WALLET,
    asset: 'native',
    amount,
    ...extra,
  });
  const limit = { velocity: { window: '24h', maxAmount: '100' } };

  it('sums the window: within the limit matches, beyond it does not', () => {
    assert.equal(matches(limit, eth(EXCHANGE, 40n), { history: [entry(1000, 60n)] }), true); // 60 + 40 = 100
    assert.equal(matches(limit, eth(EXCHANGE, 41n), { history: [entry(1000, 60n)] }), false);
  });

  it('an entry exactly 24 h old has left the window; one a millisecond younger has not', () => {
    assert.equal(matches(limit, eth(EXCHANGE, 41n), { history: [entry(DAY, 60n)] }), true);
    assert.equal(matches(limit, eth(EXCHANGE, 41n), { history: [entry(DAY - 1, 60n)] }), false);
    // entries in the future of `now` (clock skew, replays) do not count either
    assert.equal(matches(limit, eth(EXCHANGE, 41n), { history: [entry(-1, 60n)] }), true);
  });

  it('other assets, wallets and chains do not count; asset case does not matter', () => {
    const history = [
      entry(1000, 99n, { asset: USDT }),
      entry(1000, 99n, { wallet: COLD }),
      entry(1000, 99n, { chainId: 10 }),
    ];
    assert.equal(matches(limit, eth(EXCHANGE, 100n), { history }), true);
    const tokenLimit = { velocity: { window: '24h', maxAmount: '100' } };
    assert.equal(
      matches(tokenLimit, usdt(COLD, 2n), { history: [entry(1000, 99n, { asset: USDT.toLowerCase() })] }),
      false,
    );
  });

  it('maxCount counts earlier transactions of the asset plus this one', () => {
    const count = { velocity: { window: '24h', maxCount: 3 } };
    assert.equal(matches(count, eth(EXCHANGE, 1n), { history: [entry(1, 1n), entry(2, 1n)] }), true);
    assert.equal(
      matches(count, eth(EXCHANGE, 1n), { history: [entry(1, 1n), entry(2, 1n), entry(3, 1n)] }),
      false,
    );
    assert.equal(
      matches(count, eth(EXCHANGE, 1n), { history: [entry(1, 1n), entry(2, 1n), entry(DAY, 1n)] }),
      true,
    );
  });

  it('other window lengths, and a plain call never passes a velocity matcher', () => {
    const hour = { velocity: { window: '1h', maxAmount: '100' } };
    assert.equal(matches(hour, eth(EXCHANGE, 50n), { history: [entry(3600_000, 60n)] }), true);
    assert.equal(matches(hour, eth(EXCHANGE, 50n), { history: [entry(3599_999, 60n)] }), false);
    const call = analyze(tx({ to: WALLET, data: enc('changeThreshold', [1n]) }));
    assert.equal(matches(limit, call), false);
  });

  it('velocityEntries records what an allowed transaction moved, for the next evaluation', () => {
    const b = batch([
      { to: EXCHANGE, value: 30n },
      { to: COLD, value: 30n },
      { to: USDT, data: enc('transfer', [COLD, 5n]) },
    ]);
    const entries = velocityEntries(b, NOW);
    assert.deepEqual(
      entries.map((e) => [e.asset, e.amount, e.wallet, e.chainId]),
      [
        ['native', 60n, WALLET, 1],
        [USDT.toLowerCase(), 5n, WALLET, 1],
      ],
    );
    assert.equal(matches(limit, eth(EXCHANGE, 40n), { history: entries }), true);
    assert.equal(matches(limit, eth(EXCHANGE, 41n), { history: entries }), false);
  });

  it('the explanation gives the arithmetic', () => {
    const d = evaluatePolicy(only(limit), eth(EXCHANGE, 41n), ctx({ history: [entry(1000, 60n)] }));
    assert.deepEqual(d.explanation[0]!.because, [
      'velocity: 60 moved in the last 24h + 41 now = 101 > maxAmount 100',
    ]);
  });
});

describe('rule order, fail closed, batches', () => {
  const policy = parsePolicyObject({
    version: 2,
    name: 'ops',
    roles: ['treasury', 'security'],
    rules: [
      {
        id: 'no-strangers',
        match: { destinationCategories: ['unknown'] },
        action: { deny: { reason: 'unknown recipient' } },
      },
      {
        id: 'small-to-exchange',
        match: { destinationCategories: ['exchange'], amount: { max: '100' } },
        action: { allow: {} },
      },
      {
        id: 'to-exchange',
        match: { destinationCategories: ['exchange'] },
        action: { require: { approvals: 2, fromRoles: ['treasury'] } },
      },
      {
        id: 'to-cold',
        match: { destinationCategories: ['own'] },
        action: { require: { approvals: 3, fromRoles: ['treasury', 'security'] } },
      },
    ],
  });

  it('the first matching rule wins, and the explanation lists every rule tried', () => {
    const d = evaluatePolicy(policy, eth(EXCHANGE, 50n), ctx());
    assert.equal(d.decision, 'allow');
    assert.equal(d.ruleId, 'small-to-exchange');
    assert.equal(d.requiredApprovals, 0);
    assert.deepEqual(
      d.explanation.map((e) => [e.ruleId, e.matched]),
      [
        ['no-strangers', false],
        ['small-to-exchange', true],
      ],
    );
    assert.deepEqual(d.explanation[0]!.because, ['destination category "exchange" is not one of unknown']);
    const big = evaluatePolicy(policy, eth(EXCHANGE, 500n), ctx());
    assert.equal(big.decision, 'require');
    assert.equal(big.ruleId, 'to-exchange');
    assert.equal(big.requiredApprovals, 2);
    assert.deepEqual(big.fromRoles, ['treasury']);
    assert.equal(big.policy.version, 2);
    assert.match(big.policy.digest, /^[0-9a-f]{64}$/);
  });

  it('no matching rule: deny with POLICY_NO_RULE (fail closed)', () => {
    const d = evaluatePolicy(policy, analyze(tx({ to: WALLET, data: enc('changeThreshold', [1n]) })), ctx());
    assert.equal(d.decision, 'deny');
    assert.equal(d.code, 'POLICY_NO_RULE');
    assert.equal(d.ruleId, null);
    assert.equal(d.explanation.length, 4);
    assert.ok(d.explanation.every((e) => !e.matched));
  });

  it('a batch takes the strictest of its calls: deny > require > allow, and the most approvals', () => {
    const allowAndRequire = batch([
      { to: EXCHANGE, value: 50n },
      { to: COLD, value: 1n },
    ]);
    // the batch total (51 wei) still fits the small-to-exchange rule
    let d = evaluatePolicy(policy, allowAndRequire, ctx());
    assert.deepEqual(
      d.subjects.map((s) => s.decision),
      ['allow', 'require'],
    );
    assert.equal(d.decision, 'require');
    assert.equal(d.ruleId, 'to-cold');
    assert.equal(d.requiredApprovals, 3);
    assert.deepEqual(d.fromRoles, ['treasury', 'security']);

    const twoRequires = batch([
      { to: EXCHANGE, value: 500n },
      { to: COLD, value: 1n },
    ]);
    d = evaluatePolicy(policy, twoRequires, ctx());
    assert.equal(d.requiredApprovals, 3);
    assert.deepEqual(
      d.requirements.map((r) => [r.ruleId, r.approvals]),
      [
        ['to-exchange', 2],
        ['to-cold', 3],
      ],
    );

    const withStranger = batch([
      { to: EXCHANGE, value: 500n },
      { to: STRANGER, value: 1n },
      { to: COLD, value: 1n },
    ]);
    d = evaluatePolicy(policy, withStranger, ctx());
    assert.equal(d.decision, 'deny');
    assert.equal(d.ruleId, 'no-strangers');
    assert.equal(d.requiredApprovals, 0);
    assert.deepEqual(d.requirements, []);
    assert.match(d.reason, /^unknown recipient \[call 1: 1 wei to /);
  });

  it('a quorum the role holders cannot meet is a deny', () => {
    const roles = { treasury: ['alice', 'bob'], security: ['bob'] };
    assert.equal(evaluatePolicy(policy, eth(EXCHANGE, 500n), ctx({ roles })).decision, 'require');
    const d = evaluatePolicy(policy, eth(COLD, 1n), ctx({ roles }));
    assert.equal(d.decision, 'deny');
    assert.equal(d.code, 'POLICY_QUORUM_UNREACHABLE');
    assert.match(d.reason, /needs 3 distinct approvers from treasury, security, but only 2 hold those roles/);
  });

  it('formatExplanation prints the decision, then each call with every rule tried and why', () => {
    const d = evaluatePolicy(
      policy,
      batch([
        { to: EXCHANGE, value: 500n },
        { to: COLD, value: 1n },
      ]),
      ctx(),
    );
    const text = formatExplanation(d);
    assert.match(text, /^REQUIRE 3 distinct approval\(s\) from treasury, security: /);
    assert.match(text, /policy ops v2 \(sha256 [0-9a-f]{16}…\)/);
    assert.match(
      text,
      /every requirement must be met:\n {2}- 2 distinct approval\(s\) from treasury \(rule to-exchange\)/,
    );
    assert.match(text, /\[0\] call 0: 500 wei to 0x0{36}2001 \(destination: exchange\)/);
    assert.match(
      text,
      /✘ small-to-exchange\n {8}amount 501 \(the transaction's total of this asset\) is outside \[0, 100\]/,
    );
    assert.match(text, /✔ to-cold\n {8}destination category "own" is listed\n {4}→ require \(rule to-cold\)/);
  });
});
