/**
 * One rule's matchers against one subject. All given matchers must hold; every matcher is
 * evaluated so the explanation can say everything that held (when the rule matched) or
 * everything that did not (when it did not).
 */
import type { Finding } from '../analysis/findings.ts';
import type { RuleMatch } from './schema.ts';
import { type PolicySubject, placeOf } from './subjects.ts';
import { describeWindow, inTimeWindow } from './time-window.ts';
import { checkVelocity, type VelocityEntry } from './velocity.ts';

export interface SubjectContext {
  subject: PolicySubject;
  chainId: number;
  wallet: string;
  /** the destination's address-book category: `self` for the wallet, `unknown` if not in the book */
  category: string;
  /** the findings that concern this subject (its call, the calls it sits in, the whole transaction) */
  findings: readonly Finding[];
  /** what the whole transaction moves of the subject's asset */
  total: bigint | null;
  now: Date;
  history: readonly VelocityEntry[];
}

export interface MatchResult {
  matched: boolean;
  because: string[];
}

const list = (xs: readonly unknown[]) => xs.map(String).join(', ');

export function matchRule(m: RuleMatch, c: SubjectContext): MatchResult {
  const held: string[] = [];
  const failed: string[] = [];
  const check = (ok: boolean, yes: string, no: string) => (ok ? held.push(yes) : failed.push(no));
  const s = c.subject;

  if (m.wallets) {
    const ok = m.wallets.some((w) => w.toLowerCase() === c.wallet.toLowerCase());
    check(ok, `wallet ${c.wallet} is listed`, `wallet ${c.wallet} is not one of ${list(m.wallets)}`);
  }
  if (m.chainIds) {
    const ok = m.chainIds.includes(c.chainId);
    check(ok, `chain ${c.chainId} is listed`, `chain ${c.chainId} is not one of ${list(m.chainIds)}`);
  }
  if (m.destinations) {
    const ok = m.destinations.some((d) => d.toLowerCase() === s.destination.toLowerCase());
    check(
      ok,
      `destination ${s.destination} is listed`,
      `destination ${s.destination} is not one of ${list(m.destinations)}`,
    );
  }
  if (m.destinationCategories) {
    const ok = m.destinationCategories.includes(c.category);
    check(
      ok,
      `destination category "${c.category}" is listed`,
      `destination category "${c.category}" is not one of ${list(m.destinationCategories)}`,
    );
  }
  if (m.assets) {
    const ok =
      s.asset !== null &&
      m.assets.some((a) =>
        a === 'native' ? s.asset === 'native' : a.toLowerCase() === s.asset?.toLowerCase(),
      );
    check(
      ok,
      `asset ${s.asset} is listed`,
      s.asset === null ? 'moves no asset (a plain call)' : `asset ${s.asset} is not one of ${list(m.assets)}`,
    );
  }
  if (m.amount) {
    const range = `[${m.amount.min ?? '0'}, ${m.amount.max ?? '∞'}]`;
    if (s.amount === null || c.total === null) {
      failed.push(`amount: moves no asset (a plain call), so no amount ${range}`);
    } else {
      const amount = c.total;
      const ok =
        (m.amount.min === undefined || amount >= BigInt(m.amount.min)) &&
        (m.amount.max === undefined || amount <= BigInt(m.amount.max));
      const of = amount === s.amount ? `${amount}` : `${amount} (the transaction's total of this asset)`;
      check(ok, `amount ${of} is within ${range}`, `amount ${of} is outside ${range}`);
    }
  }
  if (m.operations) {
    const ok = m.operations.includes(s.operation as 0 | 1);
    const op = s.operation === 1 ? 'delegatecall (1)' : s.operation === 0 ? 'call (0)' : `${s.operation}`;
    check(ok, `operation ${op} is listed`, `operation ${op} is not one of ${list(m.operations)}`);
  }
  if (m.findings) {
    if (m.findings.any) {
      const hits = c.findings.filter((f) => m.findings?.any?.includes(f.code));
      check(
        hits.length > 0,
        `finding ${[...new Set(hits.map((f) => `${f.code} (${f.path === null ? 'transaction' : placeOf(f.path)})`))].join(', ')}`,
        `none of the findings ${list(m.findings.any)} is present`,
      );
    }
    if (m.findings.none) {
      const hits = c.findings.filter((f) => m.findings?.none?.includes(f.code));
      check(
        hits.length === 0,
        `none of the findings ${list(m.findings.none)} is present`,
        `finding ${[...new Set(hits.map((f) => `${f.code} (${f.path === null ? 'transaction' : placeOf(f.path)})`))].join(', ')} is present`,
      );
    }
  }
  if (m.timeWindow) {
    const r = inTimeWindow(m.timeWindow, c.now);
    check(
      r.holds,
      `${r.local.text} is inside ${describeWindow(m.timeWindow)}`,
      `${r.local.text} is outside ${describeWindow(m.timeWindow)}`,
    );
  }
  if (m.velocity) {
    if (s.asset === null || c.total === null) {
      failed.push('velocity: moves no asset (a plain call)');
    } else {
      const r = checkVelocity(m.velocity, {
        now: c.now,
        history: c.history,
        chainId: c.chainId,
        wallet: c.wallet,
        asset: s.asset,
        total: c.total,
      });
      (r.holds ? held : failed).push(r.because);
    }
  }

  if (failed.length > 0) return { matched: false, because: failed };
  return { matched: true, because: held.length > 0 ? held : ['no conditions: matches everything'] };
}
