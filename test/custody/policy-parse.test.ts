/** Policy files: YAML and JSON, strict validation with field paths, the digest. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError } from '../../src/core/index.ts';
import {
  DEFAULT_POLICY_YAML,
  defaultPolicy,
  formatPolicyPath,
  parsePolicy,
  parsePolicyObject,
  policyDigest,
} from '../../src/custody/index.ts';

const TOKEN = '0xdAC17F958D2ee523a2206206994597C13D831ec7';

const GOOD_YAML = `
version: 3
name: treasury
roles: [treasury]
rules:
  - id: small-usdt
    description: small USDT payouts
    match:
      wallets: ['${TOKEN.toLowerCase()}']
      chainIds: [1]
      assets: [native, '${TOKEN}']
      amount: { min: '1', max: '1000000000' }
      operations: [0]
      destinationCategories: [exchange, unknown]
      findings: { none: [UNKNOWN_CALLDATA] }
      timeWindow: { days: [mon, tue], from: '09:00', to: '17:30', timezone: Europe/Zurich }
      velocity: { window: 24h, maxAmount: '5000000000', maxCount: 10 }
    action:
      require: { approvals: 2, fromRoles: [treasury] }
  - id: rest
    action:
      deny: { reason: nothing else }
`;

/** The problems of a policy that must not parse. */
function problems(input: string | unknown): string[] {
  try {
    if (typeof input === 'string') parsePolicy(input);
    else parsePolicyObject(input);
  } catch (e) {
    assert.ok(e instanceof InvalidInputError);
    assert.equal(e.code, 'POLICY_INVALID');
    const list = (e.details?.['problems'] ?? []) as Array<{ path: string; message: string }>;
    for (const p of list) assert.ok(e.message.includes(`${p.path}: ${p.message}`), e.message);
    return list.map((p) => `${p.path}: ${p.message}`);
  }
  assert.fail('expected POLICY_INVALID');
}

function withRule(rule: Record<string, unknown>, extra: Record<string, unknown> = {}): unknown {
  return {
    version: 1,
    roles: ['treasury'],
    rules: [
      { id: 'ok', action: { allow: {} } },
      { id: 'r', action: { deny: { reason: 'x' } }, ...rule },
    ],
    ...extra,
  };
}

describe('parsing a policy file', () => {
  it('reads YAML, fills the defaults and checksums addresses', () => {
    const p = parsePolicy(GOOD_YAML);
    assert.equal(p.version, 3);
    assert.equal(p.rules.length, 2);
    const m = p.rules[0]!.match;
    assert.deepEqual(m.wallets, [TOKEN]); // checksummed
    assert.deepEqual(m.assets, ['native', TOKEN]);
    assert.equal(m.amount?.max, '1000000000');
    assert.deepEqual(p.rules[0]!.action.require, { approvals: 2, fromRoles: ['treasury'], distinct: true });
    assert.deepEqual(p.rules[1]!.match, {});
  });

  it('reads the same policy as JSON, with the same digest', () => {
    const p = parsePolicy(GOOD_YAML);
    const json = JSON.stringify(p, null, 2);
    const q = parsePolicy(json);
    assert.deepEqual(q, p);
    assert.equal(policyDigest(q), policyDigest(p));
    assert.match(policyDigest(p), /^[0-9a-f]{64}$/);
  });

  it('the digest ignores key order and address case but not meaning', () => {
    const p = parsePolicy(GOOD_YAML);
    const reordered = parsePolicy(
      JSON.stringify({ rules: p.rules, roles: p.roles, name: p.name, version: 3 }),
    );
    assert.equal(policyDigest(reordered), policyDigest(p));
    const upper = parsePolicy(GOOD_YAML.replace(TOKEN.toLowerCase(), `0x${TOKEN.slice(2).toUpperCase()}`));
    assert.equal(policyDigest(upper), policyDigest(p));
    const changed = parsePolicy(GOOD_YAML.replace("max: '1000000000'", "max: '1000000001'"));
    assert.notEqual(policyDigest(changed), policyDigest(p));
    const swapped = { ...p, rules: [p.rules[0]!, p.rules[1]!].reverse() };
    assert.notEqual(policyDigest(parsePolicyObject(swapped)), policyDigest(p)); // order is meaning
  });

  it('formats paths as rules[2].match.amount.max', () => {
    assert.equal(formatPolicyPath(['rules', 2, 'match', 'amount', 'max']), 'rules[2].match.amount.max');
    assert.equal(formatPolicyPath([]), '(root)');
  });
});

describe('bad policy files name the bad field', () => {
  it('amounts must be decimal strings, never numbers', () => {
    assert.deepEqual(problems(withRule({ match: { amount: { max: 1000 } } })), [
      'rules[1].match.amount.max: expected a decimal integer string',
    ]);
    assert.deepEqual(problems(withRule({ match: { amount: { max: '1e18' } } })), [
      'rules[1].match.amount.max: expected a decimal integer string',
    ]);
    assert.deepEqual(problems(withRule({ match: { amount: { min: '-1' } } })), [
      'rules[1].match.amount.min: expected a decimal integer string',
    ]);
    assert.deepEqual(problems(withRule({ match: { amount: { min: '10', max: '9' } } })), [
      'rules[1].match.amount: min is above max',
    ]);
    assert.deepEqual(problems(withRule({ match: { amount: {} } })), [
      'rules[1].match.amount: give min, max or both',
    ]);
  });

  it('a YAML number too big for a float is refused, not rounded', () => {
    const text = GOOD_YAML.replace("max: '1000000000'", 'max: 1000000000000000000000');
    assert.deepEqual(problems(text), ['rules[0].match.amount.max: expected a decimal integer string']);
  });

  it('unknown fields are errors (a misspelt matcher would widen the rule)', () => {
    assert.deepEqual(problems(withRule({ match: { destination: [TOKEN] } })), [
      'rules[1].match.destination: unknown field',
    ]);
    assert.deepEqual(problems({ ...(withRule({}) as object), extra: 1 }), ['extra: unknown field']);
  });

  it('addresses, finding codes, operations, chain ids', () => {
    assert.deepEqual(problems(withRule({ match: { destinations: ['0x1234'] } })), [
      'rules[1].match.destinations[0]: expected a 0x-prefixed 20-byte address (mixed case must be a valid EIP-55 checksum)',
    ]);
    const badChecksum = TOKEN.replace('AC17', 'aC17');
    assert.equal(problems(withRule({ match: { wallets: [badChecksum] } })).length, 1);
    assert.deepEqual(problems(withRule({ match: { findings: { any: ['DELEGATECALL'] } } })), [
      'rules[1].match.findings.any[0]: unknown finding code',
    ]);
    assert.deepEqual(problems(withRule({ match: { operations: [2] } })), [
      'rules[1].match.operations[0]: expected 0 (call) or 1 (delegatecall)',
    ]);
    assert.deepEqual(problems(withRule({ match: { operations: [0, 0] } })), [
      'rules[1].match.operations: list has repeated entries',
    ]);
    assert.deepEqual(problems(withRule({ match: { assets: ['eth'] } })), [
      'rules[1].match.assets[0]: expected "native" or a token contract address',
    ]);
    assert.deepEqual(problems(withRule({ match: { destinationCategories: [] } })), [
      'rules[1].match.destinationCategories: expected a non-empty list',
    ]);
  });

  it('time windows and velocity', () => {
    assert.deepEqual(problems(withRule({ match: { timeWindow: { from: '9:00', timezone: 'UTC' } } })), [
      'rules[1].match.timeWindow.from: expected a time as HH:MM (00:00 to 23:59)',
    ]);
    assert.deepEqual(
      problems(withRule({ match: { timeWindow: { from: '09:00', timezone: 'Mars/Base' } } })),
      ['rules[1].match.timeWindow.timezone: unknown IANA time zone'],
    );
    assert.deepEqual(problems(withRule({ match: { timeWindow: { days: ['monday'], timezone: 'UTC' } } })), [
      'rules[1].match.timeWindow.days[0]: expected a day: sun, mon, tue, wed, thu, fri or sat',
    ]);
    assert.deepEqual(
      problems(withRule({ match: { timeWindow: { from: '10:00', to: '10:00', timezone: 'UTC' } } })),
      ['rules[1].match.timeWindow: from and to are equal: the window would be empty'],
    );
    assert.deepEqual(problems(withRule({ match: { timeWindow: { timezone: 'UTC' } } })), [
      'rules[1].match.timeWindow: give days, from or to',
    ]);
    assert.deepEqual(problems(withRule({ match: { timeWindow: { days: ['mon'] } } })), [
      'rules[1].match.timeWindow.timezone: missing (expected an IANA time zone name)',
    ]);
    assert.deepEqual(problems(withRule({ match: { velocity: { window: '1 day', maxCount: 3 } } })), [
      'rules[1].match.velocity.window: expected a duration such as 30m, 24h or 7d',
    ]);
    assert.deepEqual(problems(withRule({ match: { velocity: { window: '24h' } } })), [
      'rules[1].match.velocity: give maxAmount, maxCount or both',
    ]);
    assert.deepEqual(problems(withRule({ match: { velocity: { window: '24h', maxCount: 1.5 } } })), [
      'rules[1].match.velocity.maxCount: expected a positive integer',
    ]);
  });

  it('actions: exactly one, declared roles, distinct approvers only', () => {
    assert.deepEqual(problems(withRule({ action: { allow: {}, deny: { reason: 'x' } } })), [
      'rules[1].action: expected exactly one of deny, allow or require',
    ]);
    assert.deepEqual(problems(withRule({ action: { deny: {} } })), [
      'rules[1].action.deny.reason: missing (expected a reason)',
    ]);
    assert.deepEqual(problems(withRule({ action: { require: { approvals: 2, fromRoles: ['ops'] } } })), [
      'rules[1].action.require.fromRoles[0]: role "ops" is not declared in roles',
    ]);
    assert.deepEqual(problems(withRule({ action: { require: { approvals: 0, fromRoles: ['treasury'] } } })), [
      'rules[1].action.require.approvals: at least 1 approval',
    ]);
    assert.deepEqual(
      problems(withRule({ action: { require: { approvals: 2, fromRoles: ['treasury'], distinct: false } } })),
      ['rules[1].action.require.distinct: approvers are always distinct people: distinct can only be true'],
    );
  });

  it('the policy as a whole: version, rules, duplicate ids, several problems at once', () => {
    assert.deepEqual(problems({ rules: [] }), [
      'version: missing (expected an integer version)',
      'rules: a policy needs at least one rule',
    ]);
    assert.deepEqual(problems(withRule({ id: 'ok' })), [
      'rules[1].id: duplicate rule id "ok" (also rules[0])',
    ]);
    assert.deepEqual(problems(withRule({ id: 'has space' })), [
      'rules[1].id: expected a rule id (letters, digits, _ . : -)',
    ]);
    assert.deepEqual(problems(withRule({ match: { amount: { max: 1 }, operations: [3] } })), [
      'rules[1].match.amount.max: expected a decimal integer string',
      'rules[1].match.operations[0]: expected 0 (call) or 1 (delegatecall)',
    ]);
  });

  it('YAML that does not parse, and duplicate keys', () => {
    assert.match(problems('version: [1\n')[0]!, /^\(root\): /);
    const dup =
      'version: 1\nrules:\n  - id: a\n    action: { deny: { reason: x } }\n    action: { allow: {} }\n';
    assert.match(problems(dup)[0]!, /^\(root\): .*[Dd]uplicate|unique/);
    assert.match(problems('just text')[0]!, /^\(root\): /);
  });
});

describe('the default policy', () => {
  it('is data: validated like any policy, and stable', () => {
    const p = parsePolicy(DEFAULT_POLICY_YAML);
    assert.deepEqual(defaultPolicy(), p);
    assert.equal(policyDigest(defaultPolicy()), policyDigest(p));
    assert.deepEqual(p.roles, ['treasury', 'security', 'governance']);
    // the governance exception is listed before the configuration denial it relaxes
    const ids = p.rules.map((r) => r.id);
    assert.ok(ids.indexOf('governance-owner-rotation') < ids.indexOf('deny-wallet-configuration-change'));
    const gov = p.rules.find((r) => r.id === 'governance-owner-rotation')!.action.require!;
    const others = p.rules.filter((r) => r.id !== 'governance-owner-rotation' && r.action.require);
    assert.ok(others.length > 0);
    for (const r of others) assert.ok(r.action.require!.approvals < gov.approvals, r.id);
    assert.deepEqual(gov.fromRoles, ['governance']);
  });

  it('callers cannot change the shared default by mutating their copy', () => {
    const p = defaultPolicy();
    p.rules.length = 0;
    assert.ok(defaultPolicy().rules.length > 0);
  });
});
