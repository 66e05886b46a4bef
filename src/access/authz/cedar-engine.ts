/**
 * Cedar (@cedar-policy/cedar-wasm 4.13) evaluates the conditions. To keep the permission check
 * fast, the policy set is parsed once per version (`preparsePolicySet`, then `statefulIsAuthorized`
 * per request), and Cedar is not called at all when no condition names the permission asked for.
 *
 * Fail closed: Cedar skips a policy whose evaluation errors (Cedar §"Authorization": an erroring
 * policy is ignored), which for a `forbid` would mean allowing. Any evaluation error here denies.
 */
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { InvalidInputError } from '../../core/index.ts';
import { type CompiledConditions, type Condition, compileConditions } from './conditions.ts';

export interface CedarRequestContext {
  minuteOfDay: number;
  weekday: string;
  sourceIp: string;
  stepUpAgeSeconds?: number;
}

export interface PreparedConditions {
  compiled: CompiledConditions;
  conditions: Condition[];
  /** True when some condition may restrict this permission (Cedar runs only then). */
  applies(permission: string): boolean;
  /** Does any condition need the step-up age? (It costs a query to find.) */
  needsStepUp(permission: string): boolean;
  setId: string;
}

export type Verdict = { allowed: true } | { allowed: false; code: string; conditions: string[] };

type Uid = { type?: string; id?: string; __entity?: { type: string; id: string } };
const uidId = (u: Uid) => u.__entity?.id ?? u.id ?? '';

function detail(errors: Array<{ message: string }>): string {
  return errors.map((e) => e.message).join('; ');
}

/** The permissions a hand-written forbid policy touches: its action scope, or all. */
function cedarScope(text: string, id: string): string[] | 'all' {
  const parts = cedar.policySetTextToParts(text);
  if (parts.type !== 'success')
    throw new InvalidInputError('CONDITIONS_INVALID', `condition ${id}: ${detail(parts.errors)}`);
  if (parts.policies.length !== 1 || parts.policy_templates.length !== 0)
    throw new InvalidInputError(
      'CONDITIONS_INVALID',
      `condition ${id}: exactly one Cedar policy, no templates`,
    );
  const json = cedar.policyToJson(parts.policies[0]!);
  if (json.type !== 'success')
    throw new InvalidInputError('CONDITIONS_INVALID', `condition ${id}: ${detail(json.errors)}`);
  if (json.json.effect !== 'forbid')
    throw new InvalidInputError(
      'CONDITIONS_INVALID',
      `condition ${id}: a condition is a forbid policy (it can only take a permission away)`,
    );
  const a = json.json.action as { op: string; entity?: Uid; entities?: Uid[] };
  if (a.op === 'All') return 'all';
  const list = a.entities ?? (a.entity ? [a.entity] : []);
  return list.map(uidId);
}

let counter = 0;

/** Validate, compile and pre-parse a condition list. Throws CONDITIONS_INVALID on any problem. */
export function prepareConditions(conditions: Condition[]): PreparedConditions {
  const compiled = compileConditions(conditions);
  const scoped = new Map<string, Set<string>>();
  const stepUp = new Map<string, Set<string>>();
  let all = false;
  let allStepUp = false;
  for (const c of conditions) {
    const s =
      c.kind === 'cedar' ? cedarScope(c.forbid, c.id) : c.permissions.includes('*') ? 'all' : c.permissions;
    const wantsStepUp = c.kind === 'step-up' || (c.kind === 'cedar' && c.forbid.includes('stepUpAgeSeconds'));
    if (s === 'all') {
      all = true;
      allStepUp ||= wantsStepUp;
    } else
      for (const p of s) {
        scoped.set(p, (scoped.get(p) ?? new Set()).add(c.id));
        if (wantsStepUp) stepUp.set(p, (stepUp.get(p) ?? new Set()).add(c.id));
      }
  }
  const check = cedar.checkParsePolicySet({ staticPolicies: compiled.policies });
  if (check.type !== 'success')
    throw new InvalidInputError(
      'CONDITIONS_INVALID',
      `the Cedar policies do not parse: ${detail(check.errors)}`,
    );
  const setId = `rampart-conditions-${compiled.digest.slice(0, 16)}-${++counter}`;
  const pre = cedar.preparsePolicySet(setId, { staticPolicies: compiled.policies });
  if (pre.type !== 'success')
    throw new InvalidInputError(
      'CONDITIONS_INVALID',
      `the Cedar policies do not parse: ${detail(pre.errors)}`,
    );
  return {
    compiled,
    conditions,
    setId,
    applies: (p) => all || scoped.has(p),
    needsStepUp: (p) => allStepUp || stepUp.has(p),
  };
}

/** Evaluate the conditions for one permission check (synchronous; microseconds when none apply). */
export function evaluateConditions(
  prepared: PreparedConditions,
  req: { principal: string; roles: readonly string[]; permission: string; context: CedarRequestContext },
): Verdict {
  if (!prepared.applies(req.permission)) return { allowed: true };
  const principal = { type: 'Rampart::Principal', id: req.principal };
  const context: Record<string, cedar.CedarValueJson> = {
    minuteOfDay: req.context.minuteOfDay,
    weekday: req.context.weekday,
    sourceIp: { __extn: { fn: 'ip', arg: req.context.sourceIp } },
  };
  if (req.context.stepUpAgeSeconds !== undefined) context['stepUpAgeSeconds'] = req.context.stepUpAgeSeconds;
  const answer = cedar.statefulIsAuthorized({
    principal,
    action: { type: 'Rampart::Action', id: req.permission },
    resource: { type: 'Rampart::Api', id: 'rampart' },
    context,
    preparsedPolicySetId: prepared.setId,
    entities: [
      {
        uid: principal,
        attrs: {},
        parents: req.roles.map((r) => ({ type: 'Rampart::Role', id: r })),
      },
    ],
  });
  if (answer.type !== 'success') return { allowed: false, code: 'CONDITION_ERROR', conditions: [] };
  const { decision, diagnostics } = answer.response;
  if (diagnostics.errors.length > 0)
    return { allowed: false, code: 'CONDITION_ERROR', conditions: diagnostics.errors.map((e) => e.policyId) };
  if (decision === 'allow') return { allowed: true };
  return {
    allowed: false,
    code: 'CONDITION_DENIED',
    conditions: diagnostics.reason.filter((r) => r !== 'rampart-role-permissions'),
  };
}

/** The request context from plain facts (pure). IPv4-mapped IPv6 addresses are read as IPv4. */
export function requestContext(now: Date, sourceIp: string, stepUpAgeSeconds?: number): CedarRequestContext {
  const days = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
  const ip = sourceIp.startsWith('::ffff:') && sourceIp.includes('.') ? sourceIp.slice(7) : sourceIp;
  return {
    minuteOfDay: now.getUTCHours() * 60 + now.getUTCMinutes(),
    weekday: days[now.getUTCDay()]!,
    sourceIp: ip || '0.0.0.0',
    ...(stepUpAgeSeconds !== undefined ? { stepUpAgeSeconds } : {}),
  };
}
