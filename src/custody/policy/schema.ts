/**
 * The policy file's schema (zod). Strict everywhere: an unknown field is an error, never ignored,
 * because a misspelt matcher (`destination:` for `destinations:`) would silently widen a rule.
 * Amounts are decimal strings (bigint), never numbers; addresses are EIP-55 checksummed on the
 * way in, so the parsed policy (and its digest) does not depend on how they were typed.
 */
import { getAddress, isAddress } from 'viem';
import { z } from 'zod';
import { FINDING_CODES } from '../analysis/findings.ts';

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const address = z
  .string({ error: 'expected a 0x-prefixed 20-byte address' })
  .refine((s) => /^0x([0-9a-f]{40}|[0-9A-F]{40})$/.test(s) || isAddress(s, { strict: true }), {
    error: 'expected a 0x-prefixed 20-byte address (mixed case must be a valid EIP-55 checksum)',
  })
  .transform((s) => getAddress(s));

const decimal = z
  .string({ error: 'expected a decimal integer string' })
  .regex(/^(0|[1-9][0-9]*)$/, { error: 'expected a decimal integer string' })
  .refine((s) => s.length <= 78, { error: 'expected a decimal integer string of at most 78 digits' });

const hhmm = (allow24: boolean) =>
  z
    .string({ error: 'expected a time as HH:MM' })
    .refine((s) => /^([01][0-9]|2[0-3]):[0-5][0-9]$/.test(s) || (allow24 && s === '24:00'), {
      error: allow24
        ? 'expected a time as HH:MM (00:00 to 24:00)'
        : 'expected a time as HH:MM (00:00 to 23:59)',
    });

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** A non-empty list without repeats. */
function set<T extends z.ZodType>(item: T) {
  return z
    .array(item, { error: 'expected a list' })
    .min(1, { error: 'expected a non-empty list' })
    .refine((xs) => new Set(xs.map((x) => String(x).toLowerCase())).size === xs.length, {
      error: 'list has repeated entries',
    });
}

const asset = z.union([z.literal('native'), address], {
  error: 'expected "native" or a token contract address',
});

const amountRange = z
  .strictObject({ min: decimal.optional(), max: decimal.optional() })
  .refine((r) => r.min !== undefined || r.max !== undefined, { error: 'give min, max or both' })
  .refine((r) => r.min === undefined || r.max === undefined || BigInt(r.min) <= BigInt(r.max), {
    error: 'min is above max',
  });

const findingCode = z.enum(FINDING_CODES, { error: 'unknown finding code' });

const findings = z
  .strictObject({ any: set(findingCode).optional(), none: set(findingCode).optional() })
  .refine((f) => f.any !== undefined || f.none !== undefined, { error: 'give any, none or both' });

const timeWindow = z
  .strictObject({
    days: set(z.enum(WEEKDAYS, { error: 'expected a day: sun, mon, tue, wed, thu, fri or sat' })).optional(),
    from: hhmm(false).optional(),
    to: hhmm(true).optional(),
    timezone: z
      .string({ error: 'expected an IANA time zone name' })
      .refine(isTimeZone, { error: 'unknown IANA time zone' }),
  })
  .refine((t) => t.days !== undefined || t.from !== undefined || t.to !== undefined, {
    error: 'give days, from or to',
  })
  .refine((t) => t.from === undefined || t.from !== t.to, {
    error: 'from and to are equal: the window would be empty',
  });

export const POLICY_DURATION = /^([1-9][0-9]{0,4})([mhd])$/;

const velocity = z
  .strictObject({
    window: z
      .string({ error: 'expected a duration such as 24h' })
      .regex(POLICY_DURATION, { error: 'expected a duration such as 30m, 24h or 7d' }),
    maxAmount: decimal.optional(),
    maxCount: z
      .number({ error: 'expected a positive integer' })
      .int({ error: 'expected a positive integer' })
      .min(1, { error: 'expected a positive integer' })
      .optional(),
  })
  .refine((v) => v.maxAmount !== undefined || v.maxCount !== undefined, {
    error: 'give maxAmount, maxCount or both',
  });

export const matchSchema = z.strictObject({
  wallets: set(address).optional(),
  chainIds: set(z.number({ error: 'expected a chain id' }).int().positive()).optional(),
  destinations: set(address).optional(),
  destinationCategories: set(z.string({ error: 'expected a category name' }).min(1)).optional(),
  assets: set(asset).optional(),
  amount: amountRange.optional(),
  operations: set(
    z.union([z.literal(0), z.literal(1)], { error: 'expected 0 (call) or 1 (delegatecall)' }),
  ).optional(),
  findings: findings.optional(),
  timeWindow: timeWindow.optional(),
  velocity: velocity.optional(),
});

const roleName = z
  .string({ error: 'expected a role name' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, { error: 'expected a role name (letters, digits, _ . : -)' });

export const actionSchema = z
  .strictObject({
    deny: z.strictObject({ reason: z.string({ error: 'expected a reason' }).min(1) }).optional(),
    allow: z.strictObject({}).optional(),
    require: z
      .strictObject({
        approvals: z
          .number({ error: 'expected a number of approvals' })
          .int({ error: 'expected a whole number of approvals' })
          .min(1, { error: 'at least 1 approval' })
          .max(100, { error: 'at most 100 approvals' }),
        fromRoles: set(roleName),
        distinct: z
          .literal(true, { error: 'approvers are always distinct people: distinct can only be true' })
          .default(true),
      })
      .optional(),
  })
  .refine((a) => [a.deny, a.allow, a.require].filter((x) => x !== undefined).length === 1, {
    error: 'expected exactly one of deny, allow or require',
  });

export const ruleSchema = z.strictObject({
  id: z
    .string({ error: 'expected a rule id' })
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, { error: 'expected a rule id (letters, digits, _ . : -)' }),
  description: z.string({ error: 'expected a description' }).optional(),
  match: matchSchema.default({}),
  action: actionSchema,
});

export const policySchema = z
  .strictObject({
    version: z
      .number({ error: 'expected an integer version' })
      .int()
      .min(1, { error: 'expected a version ≥ 1' }),
    name: z.string({ error: 'expected a name' }).min(1).optional(),
    roles: z.array(roleName, { error: 'expected a list of role names' }).default([]),
    rules: z
      .array(ruleSchema, { error: 'expected a list of rules' })
      .min(1, { error: 'a policy needs at least one rule' }),
  })
  .superRefine((p, ctx) => {
    const ids = new Map<string, number>();
    p.rules.forEach((r, i) => {
      if (ids.has(r.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['rules', i, 'id'],
          message: `duplicate rule id "${r.id}" (also rules[${ids.get(r.id)}])`,
        });
      } else ids.set(r.id, i);
      r.action.require?.fromRoles.forEach((role, j) => {
        if (!p.roles.includes(role)) {
          ctx.addIssue({
            code: 'custom',
            path: ['rules', i, 'action', 'require', 'fromRoles', j],
            message: `role "${role}" is not declared in roles`,
          });
        }
      });
    });
  });

export type Policy = z.output<typeof policySchema>;
export type PolicyRule = Policy['rules'][number];
export type RuleMatch = PolicyRule['match'];
export type RuleAction = PolicyRule['action'];
export type TimeWindow = NonNullable<RuleMatch['timeWindow']>;
export type VelocityLimit = NonNullable<RuleMatch['velocity']>;
