/**
 * The decision a request is held to. The transaction policy decides when one is configured; the
 * analysis verdict is the floor either way: a `deny` verdict is never overridden, and a request
 * never needs fewer approvals than the wallet's threshold.
 */
import type { Analysis } from '../analysis/analyze.ts';

export interface RequestDecision {
  decision: 'deny' | 'require';
  requiredApprovals: number;
  fromRoles: string[];
  ruleId: string | null;
  reason: string;
}

export interface PolicyOutcome {
  decision: 'deny' | 'allow' | 'require';
  ruleId: string | null;
  reason: string;
  requiredApprovals: number;
  fromRoles: string[];
}

export function decideRequest(analysis: Analysis, policy?: PolicyOutcome): RequestDecision {
  if (analysis.verdict === 'deny') {
    const worst = analysis.findings.find((f) => f.severity === 'critical' || f.severity === 'high');
    return {
      decision: 'deny',
      requiredApprovals: 0,
      fromRoles: [],
      ruleId: policy?.ruleId ?? null,
      reason: `analysis verdict deny${worst ? `: ${worst.code}` : ''}`,
    };
  }
  if (policy?.decision === 'deny')
    return {
      decision: 'deny',
      requiredApprovals: 0,
      fromRoles: [],
      ruleId: policy.ruleId,
      reason: policy.reason,
    };
  return {
    decision: 'require',
    requiredApprovals: Math.max(policy?.requiredApprovals ?? 0, analysis.requiredApprovals, 1),
    fromRoles: policy?.fromRoles ?? [],
    ruleId: policy?.ruleId ?? null,
    reason: policy?.reason ?? `the wallet's threshold (${analysis.requiredApprovals})`,
  };
}
