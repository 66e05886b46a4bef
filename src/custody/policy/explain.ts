/**
 * A policy decision as readable text: the decision and its reason first, then for each subject
 * of the transaction every rule tried, whether it matched, and why. This is what
 * `rampart custody policy test <policy> <tx>` prints.
 */
import type { PolicyDecision } from './evaluate.ts';

function headline(d: PolicyDecision): string {
  if (d.decision === 'deny') return `DENY: ${d.reason}`;
  if (d.decision === 'allow') return `ALLOW: ${d.reason}`;
  return `REQUIRE ${d.requiredApprovals} distinct approval(s) from ${d.fromRoles.join(', ')}: ${d.reason}`;
}

export function formatExplanation(d: PolicyDecision): string {
  const lines: string[] = [headline(d)];
  lines.push(
    `policy ${d.policy.name ?? '(unnamed)'} v${d.policy.version} (sha256 ${d.policy.digest.slice(0, 16)}…)`,
  );
  if (d.requirements.length > 1) {
    lines.push('every requirement must be met:');
    for (const r of d.requirements) {
      lines.push(`  - ${r.approvals} distinct approval(s) from ${r.fromRoles.join(', ')} (rule ${r.ruleId})`);
    }
  }
  d.subjects.forEach((s, i) => {
    lines.push('');
    lines.push(`[${i}] ${s.description} (destination: ${s.category})`);
    for (const step of d.explanation.filter((e) => e.subject === i)) {
      lines.push(`    ${step.matched ? '✔' : '✘'} ${step.ruleId}`);
      for (const b of step.because) lines.push(`        ${b}`);
    }
    const by = s.ruleId === null ? 'no rule matched' : `rule ${s.ruleId}`;
    lines.push(`    → ${s.decision} (${by}): ${s.reason}`);
  });
  return `${lines.join('\n')}\n`;
}
