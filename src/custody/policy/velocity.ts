/**
 * Rolling-window velocity limits over a history the caller supplies (this module does no I/O).
 *
 * A history entry is one earlier *allowed* transaction's movement of one asset out of one wallet:
 * `velocityEntries(analysis, at)` makes them, one per asset, from the same totals the policy
 * judged. The window is `(now − window, now]`: an entry exactly one window old no longer counts.
 *
 * For a subject moving asset A out of wallet W on chain C, with this transaction moving `total`
 * of A:
 * - `maxAmount` holds when (sum of A moved by W on C in the window) + total ≤ maxAmount;
 * - `maxCount` holds when (number of entries of A for W on C in the window) + 1 ≤ maxCount.
 * A rule's velocity matcher therefore holds while the wallet stays *within* its limit, like
 * `amount.max`; past the limit the rule stops matching and a later, stricter rule decides.
 */
import type { Analysis } from '../analysis/analyze.ts';
import { POLICY_DURATION, type VelocityLimit } from './schema.ts';
import { type PolicyAsset, policyAssetKey, policySubjects } from './subjects.ts';

export interface VelocityEntry {
  at: Date;
  chainId: number;
  wallet: string;
  /** `native` or the token contract */
  asset: string;
  /** base units */
  amount: bigint;
}

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function windowMs(window: string): number {
  const m = POLICY_DURATION.exec(window);
  if (!m) throw new RangeError(`not a duration: ${window}`);
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

/** What an allowed transaction adds to the history: one entry per asset it moves. */
export function velocityEntries(analysis: Analysis, at: Date): VelocityEntry[] {
  return [...policySubjects(analysis).totals].map(([asset, amount]) => ({
    at,
    chainId: analysis.chainId,
    wallet: analysis.wallet,
    asset,
    amount,
  }));
}

export interface VelocityCheck {
  holds: boolean;
  because: string;
}

export function checkVelocity(
  limit: VelocityLimit,
  ctx: {
    now: Date;
    history: readonly VelocityEntry[];
    chainId: number;
    wallet: string;
    asset: PolicyAsset;
    total: bigint;
  },
): VelocityCheck {
  const start = ctx.now.getTime() - windowMs(limit.window);
  const end = ctx.now.getTime();
  const wallet = ctx.wallet.toLowerCase();
  const key = policyAssetKey(ctx.asset);
  let sum = 0n;
  let count = 0;
  for (const e of ctx.history) {
    const t = e.at.getTime();
    if (t <= start || t > end) continue;
    if (e.chainId !== ctx.chainId || e.wallet.toLowerCase() !== wallet) continue;
    if ((e.asset === 'native' ? 'native' : e.asset.toLowerCase()) !== key) continue;
    sum += e.amount;
    count += 1;
  }
  const parts: string[] = [];
  let holds = true;
  if (limit.maxAmount !== undefined) {
    const after = sum + ctx.total;
    const ok = after <= BigInt(limit.maxAmount);
    holds &&= ok;
    parts.push(
      `${sum} moved in the last ${limit.window} + ${ctx.total} now = ${after} ${ok ? '≤' : '>'} maxAmount ${limit.maxAmount}`,
    );
  }
  if (limit.maxCount !== undefined) {
    const ok = count + 1 <= limit.maxCount;
    holds &&= ok;
    parts.push(
      `${count} earlier transaction(s) in the last ${limit.window} + this one = ${count + 1} ${ok ? '≤' : '>'} maxCount ${limit.maxCount}`,
    );
  }
  return { holds, because: `velocity: ${parts.join('; ')}` };
}
