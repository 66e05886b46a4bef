/** The analysis verdict: deny on any critical or high finding, review on medium, allow otherwise. */
import type { Finding } from './findings.ts';

export type Verdict = 'deny' | 'review' | 'allow';

export function verdictOf(findings: readonly Finding[]): Verdict {
  if (findings.some((f) => f.severity === 'critical' || f.severity === 'high')) return 'deny';
  if (findings.some((f) => f.severity === 'medium')) return 'review';
  return 'allow';
}
