/**
 * Reading a policy file (YAML, or JSON, which is YAML too) or an already parsed value. Every
 * problem names the path of the bad field, e.g. `rules[2].match.amount.max: expected a decimal
 * integer string`; all problems are reported at once, in `details.problems`.
 */
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { InvalidInputError } from '../../core/index.ts';
import { type Policy, policySchema } from './schema.ts';

export interface PolicyProblem {
  path: string;
  message: string;
}

/** `['rules', 2, 'match', 'amount', 'max']` → `rules[2].match.amount.max` */
export function formatPolicyPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out === '' ? '(root)' : out;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const k of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

function problemsOf(error: z.ZodError, input: unknown): PolicyProblem[] {
  const out: PolicyProblem[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        out.push({ path: formatPolicyPath([...issue.path, key]), message: 'unknown field' });
    } else if (issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined) {
      out.push({ path: formatPolicyPath(issue.path), message: `missing (${issue.message})` });
    } else {
      out.push({ path: formatPolicyPath(issue.path), message: issue.message });
    }
  }
  return out;
}

/** Validates an already parsed value (an API body, a JSON document) as a policy. */
export function parsePolicyObject(value: unknown, source = 'policy'): Policy {
  const r = policySchema.safeParse(value);
  if (!r.success) {
    const problems = problemsOf(r.error, value);
    throw new InvalidInputError(
      'POLICY_INVALID',
      `${source} is not a valid policy:\n  ${problems.map((p) => `${p.path}: ${p.message}`).join('\n  ')}`,
      { problems },
    );
  }
  return r.data;
}

/**
 * Parses policy text, YAML or JSON. Duplicate keys are an error (YAML's `uniqueKeys`), so a
 * second `action:` can never quietly replace the first.
 */
export function parsePolicy(text: string, source = 'policy'): Policy {
  let value: unknown;
  try {
    value = parseYaml(text, { uniqueKeys: true, prettyErrors: false, maxAliasCount: 100 });
  } catch (e) {
    const pos = (e as { linePos?: Array<{ line: number; col: number }> }).linePos?.[0];
    const first = (e as Error).message.split('\n')[0] ?? 'unreadable';
    const message = pos ? `${first} (line ${pos.line}, column ${pos.col})` : first;
    throw new InvalidInputError(
      'POLICY_INVALID',
      `${source} is not valid YAML or JSON:\n  (root): ${message}`,
      {
        problems: [{ path: '(root)', message }],
      },
    );
  }
  return parsePolicyObject(value, source);
}
