/**
 * The policy decision for one analysed transaction. Pure: the caller supplies the clock, the
 * velocity history, the wallet's address book and (optionally) who holds each role.
 *
 * Each subject of the transaction (see subjects.ts) is run down the rules in order; the first
 * rule whose matchers all hold decides it, and when none does the subject is denied
 * (`POLICY_NO_RULE`: fail closed). The transaction's decision is the strictest of its
 * subjects' (deny beats require beats allow; among requires, the most approvals). A `require`
 * that the given role holders cannot meet is a deny (`POLICY_QUORUM_UNREACHABLE`).
 */
import type { Analysis } from '../analysis/analyze.ts';
import type { Finding } from '../analysis/findings.ts';
import type { AddressBookEntry } from '../analysis/wallet.ts';
import { policyDigest } from './digest.ts';
import { matchRule } from './match.ts';
import type { Policy, PolicyRule } from './schema.ts';
import { type PolicySubject, policyAssetKey, policySubjects } from './subjects.ts';
import type { VelocityEntry } from './velocity.ts';

export type PolicyOutcome = 'deny' | 'allow' | 'require';
export type PolicyCode = 'POLICY_RULE' | 'POLICY_NO_RULE' | 'POLICY_QUORUM_UNREACHABLE';

export interface ApprovalRequirement {
  ruleId: string;
  approvals: number;
  fromRoles: string[];
  distinct: true;
}

export interface ExplanationStep {
  /** index into `subjects` */
  subject: number;
  ruleId: string;
  matched: boolean;
  because: string[];
}

/** A subject as the decision reports it (JSON: the amount as a decimal string). */
export interface SubjectDecision extends Omit<PolicySubject, 'amount'> {
  amount: string | null;
  category: string;
  decision: PolicyOutcome;
  code: PolicyCode;
  ruleId: string | null;
  reason: string;
}

export interface PolicyDecision {
  decision: PolicyOutcome;
  code: PolicyCode;
  /** the rule that decided the strictest subject; null when no rule matched it */
  ruleId: string | null;
  reason: string;
  /** for `require`: the most approvals any subject needs; 0 otherwise */
  requiredApprovals: number;
  /** for `require`: the roles of that requirement */
  fromRoles: string[];
  /** for `require`: every distinct requirement; each must be met */
  requirements: ApprovalRequirement[];
  subjects: SubjectDecision[];
  explanation: ExplanationStep[];
  policy: { name: string | null; version: number; digest: string };
}

export interface EvaluateContext {
  now: Date;
  /** earlier allowed transactions (see velocity.ts); [] when there are none */
  history: readonly VelocityEntry[];
  /** the wallet's address book; without it every destination but the wallet is `unknown` */
  addressBook?: readonly AddressBookEntry[];
  /** who holds each role (role → principal ids); when given, unreachable quorums deny */
  roles?: Readonly<Record<string, readonly string[]>>;
}

const RANK: Record<PolicyOutcome, number> = { allow: 0, require: 1, deny: 2 };

/** Findings at the subject's call, at a call it sits in, or about the whole transaction. */
function findingsFor(path: string | null, all: readonly Finding[]): Finding[] {
  if (path === null) return [...all]; // seen only in the simulation: any call may have caused it
  return all.filter(
    (f) => f.path === null || f.path === '' || f.path === path || path.startsWith(`${f.path}.`),
  );
}

function categoryOf(address: string, wallet: string, book: ReadonlyMap<string, AddressBookEntry>): string {
  const a = address.toLowerCase();
  if (a === wallet.toLowerCase()) return 'self';
  const e = book.get(a);
  if (!e) return 'unknown';
  return e.category ?? 'uncategorized';
}

function unreachable(
  rule: PolicyRule,
  roles: Readonly<Record<string, readonly string[]>> | undefined,
): string | null {
  const req = rule.action.require;
  if (!req || !roles) return null;
  const people = new Set(req.fromRoles.flatMap((r) => roles[r] ?? []));
  if (people.size >= req.approvals) return null;
  return `rule ${rule.id} needs ${req.approvals} distinct approvers from ${req.fromRoles.join(', ')}, but only ${people.size} hold those roles`;
}

function outcomeOf(rule: PolicyRule): { decision: PolicyOutcome; reason: string } {
  const a = rule.action;
  if (a.deny) return { decision: 'deny', reason: a.deny.reason };
  if (a.require) {
    return {
      decision: 'require',
      reason: `${a.require.approvals} distinct approval(s) from ${a.require.fromRoles.join(', ')} (rule ${rule.id})`,
    };
  }
  return { decision: 'allow', reason: `allowed by rule ${rule.id}` };
}

export function evaluatePolicy(policy: Policy, analysis: Analysis, ctx: EvaluateContext): PolicyDecision {
  const { subjects, totals } = policySubjects(analysis);
  const book = new Map((ctx.addressBook ?? []).map((e) => [e.address.toLowerCase(), e]));
  const explanation: ExplanationStep[] = [];
  const decided: SubjectDecision[] = [];
  const requirements = new Map<string, ApprovalRequirement>();

  subjects.forEach((subject, index) => {
    const category = categoryOf(subject.destination, analysis.wallet, book);
    const base = { ...subject, amount: subject.amount === null ? null : subject.amount.toString(), category };
    const context = {
      subject,
      chainId: analysis.chainId,
      wallet: analysis.wallet,
      category,
      findings: findingsFor(subject.path, analysis.findings),
      total: subject.asset === null ? null : (totals.get(policyAssetKey(subject.asset)) ?? subject.amount),
      now: ctx.now,
      history: ctx.history,
    };
    for (const rule of policy.rules) {
      const r = matchRule(rule.match, context);
      explanation.push({ subject: index, ruleId: rule.id, matched: r.matched, because: r.because });
      if (!r.matched) continue;
      const blocked = unreachable(rule, ctx.roles);
      if (blocked) {
        r.because.push(blocked);
        decided.push({
          ...base,
          decision: 'deny',
          code: 'POLICY_QUORUM_UNREACHABLE',
          ruleId: rule.id,
          reason: blocked,
        });
        return;
      }
      const o = outcomeOf(rule);
      if (rule.action.require) {
        const { approvals, fromRoles } = rule.action.require;
        requirements.set(rule.id, { ruleId: rule.id, approvals, fromRoles: [...fromRoles], distinct: true });
      }
      decided.push({ ...base, ...o, code: 'POLICY_RULE', ruleId: rule.id });
      return;
    }
    decided.push({
      ...base,
      decision: 'deny',
      code: 'POLICY_NO_RULE',
      ruleId: null,
      reason: 'no rule matches (fail closed)',
    });
  });

  const policyInfo = { name: policy.name ?? null, version: policy.version, digest: policyDigest(policy) };
  const approvalsOf = (d: SubjectDecision) => (d.ruleId ? (requirements.get(d.ruleId)?.approvals ?? 0) : 0);
  let top: SubjectDecision | undefined;
  for (const d of decided) {
    if (
      !top ||
      RANK[d.decision] > RANK[top.decision] ||
      (d.decision === 'require' && top.decision === 'require' && approvalsOf(d) > approvalsOf(top))
    ) {
      top = d;
    }
  }
  if (!top) {
    return {
      decision: 'deny',
      code: 'POLICY_NO_RULE',
      ruleId: null,
      reason: 'the transaction has nothing to judge (fail closed)',
      requiredApprovals: 0,
      fromRoles: [],
      requirements: [],
      subjects: [],
      explanation,
      policy: policyInfo,
    };
  }
  const isRequire = top.decision === 'require';
  const topReq = isRequire && top.ruleId ? requirements.get(top.ruleId) : undefined;
  const where = decided.length > 1 ? ` [${top.description}]` : '';
  return {
    decision: top.decision,
    code: top.code,
    ruleId: top.ruleId,
    reason: top.reason + where,
    requiredApprovals: topReq?.approvals ?? 0,
    fromRoles: topReq ? [...topReq.fromRoles] : [],
    requirements: isRequire ? [...requirements.values()] : [],
    subjects: decided,
    explanation,
    policy: policyInfo,
  };
}
