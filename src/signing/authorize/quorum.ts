/**
 * The quorum a request needs, from the node's own policy, and whether the checked approvals meet
 * it. A requirement counts distinct approvers holding one of its roles (any role when it names
 * none); every requirement must hold (custody policy: "each must be met").
 */
import type { AddressBookEntry, Analysis, Policy, VelocityEntry } from '../../custody/index.ts';
import { evaluatePolicy, policyDigest } from '../../custody/index.ts';
import type { EnrolledApprover } from './approvers.ts';
import { refuse } from './errors.ts';

export interface Requirement {
  approvals: number;
  /** empty: any enrolled approver */
  fromRoles: string[];
  /** the policy rule, or what the floor is */
  source: string;
}

export interface NodePolicy {
  /** the custody transaction policy in force; `policyDigest` of it is the version requests must carry */
  transactionPolicy: Policy;
  /**
   * The quorum for payloads the transaction policy does not describe (Bitcoin spends, plain
   * messages): node configuration, set with the policy.
   */
  otherPayloads: { approvals: number; fromRoles: string[] };
}

export function nodePolicyVersion(p: NodePolicy): string {
  return policyDigest(p.transactionPolicy);
}

function roleHolders(approvers: readonly EnrolledApprover[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const a of approvers)
    for (const r of a.roles) {
      out[r] = [...(out[r] ?? []), a.principal];
    }
  return out;
}

/**
 * For a Safe transaction: the node evaluates its current policy on its own analysis (deny refuses);
 * the wallet's threshold is the floor (custody decideRequest), and a deny verdict is never overridden.
 */
export function safeRequirements(
  policy: NodePolicy,
  analysis: Analysis,
  ctx: {
    now: Date;
    history: readonly VelocityEntry[];
    approvers: readonly EnrolledApprover[];
    addressBook?: readonly AddressBookEntry[];
  },
): Requirement[] {
  if (analysis.verdict === 'deny') {
    const worst = analysis.findings.find((f) => f.severity === 'critical' || f.severity === 'high');
    refuse(
      'SIGNING_ANALYSIS_DENIED',
      `the node's own analysis denies this transaction${worst ? `: ${worst.code}` : ''}`,
      {
        findings: analysis.findings.map((f) => f.code),
      },
    );
  }
  const d = evaluatePolicy(policy.transactionPolicy, analysis, {
    now: ctx.now,
    history: ctx.history,
    roles: roleHolders(ctx.approvers),
    ...(ctx.addressBook ? { addressBook: ctx.addressBook } : {}),
  });
  if (d.decision === 'deny')
    refuse('SIGNING_POLICY_DENIED', `the node's policy denies this transaction: ${d.reason}`, {
      code: d.code,
      ruleId: d.ruleId,
    });
  return [
    ...d.requirements.map((r) => ({
      approvals: r.approvals,
      fromRoles: [...r.fromRoles],
      source: `rule ${r.ruleId}`,
    })),
    { approvals: Math.max(analysis.requiredApprovals, 1), fromRoles: [], source: "the wallet's threshold" },
  ];
}

export function otherRequirements(policy: NodePolicy): Requirement[] {
  return [
    {
      approvals: Math.max(policy.otherPayloads.approvals, 1),
      fromRoles: [...policy.otherPayloads.fromRoles],
      source: 'the node policy for non-EVM payloads',
    },
  ];
}

export function checkQuorum(
  approvers: readonly EnrolledApprover[],
  requirements: readonly Requirement[],
): void {
  for (const r of requirements) {
    const holders = approvers.filter(
      (a) => r.fromRoles.length === 0 || a.roles.some((x) => r.fromRoles.includes(x)),
    );
    if (holders.length >= r.approvals) continue;
    if (approvers.length >= r.approvals)
      refuse(
        'APPROVER_ROLE_MISSING',
        `${r.source} needs ${r.approvals} approvals from ${r.fromRoles.join(' or ')}; ${holders.length} of the ${approvers.length} approvers hold one of those roles`,
        {
          required: r.approvals,
          fromRoles: r.fromRoles,
          withRole: holders.map((a) => a.principal),
          withoutRole: approvers.filter((a) => !holders.includes(a)).map((a) => a.principal),
        },
      );
    refuse(
      'APPROVAL_QUORUM_NOT_MET',
      `${r.source} needs ${r.approvals} distinct approvals; ${holders.length} valid`,
      {
        required: r.approvals,
        valid: holders.length,
        fromRoles: r.fromRoles,
      },
    );
  }
}
