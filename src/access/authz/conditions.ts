/**
 * Conditions on permissions, as data, evaluated with Cedar. Each condition names the permissions
 * (and optionally the roles) it restricts and compiles to one Cedar `forbid` policy; the set also
 * holds one `permit` for everything, because role-based permission is decided before Cedar runs
 * (a condition can only take a permission away, never give one).
 *
 * Kinds:
 *  - `time-of-day`: allowed only from `from` to `to` (HH:MM, UTC; `from` > `to` spans midnight),
 *    optionally only on some days;
 *  - `network`: allowed only from source addresses in one of the CIDR ranges;
 *  - `step-up`: allowed only within `maxAgeSeconds` of the session's last step-up;
 *  - `cedar`: one Cedar `forbid` policy, written by hand, over the same entities and context.
 *
 * The request Cedar sees (pure data, built per request by authz/http.ts):
 *   principal  Rampart::Principal::"user:p_…"  (parents: Rampart::Role::"<each role it holds>")
 *   action     Rampart::Action::"<permission>"
 *   resource   Rampart::Api::"rampart"
 *   context    { minuteOfDay: Long (UTC), weekday: "mon".."sun", sourceIp: ipaddr,
 *                stepUpAgeSeconds?: Long }
 */
import { z } from 'zod';
import { bytesToHex, canonicalJsonBytes, InvalidInputError, sha256 } from '../../core/index.ts';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time is HH:MM (24 h, UTC)');
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const permission = z.string().regex(/^[a-z]+(:[a-z*-]+)+$/, 'a permission is module:action');
const cidr = z
  .string()
  .max(64)
  .regex(
    /^(\d{1,3}(\.\d{1,3}){3}\/(\d|[12]\d|3[0-2])|[0-9a-fA-F:]{2,39}\/(\d{1,2}|1[01]\d|12[0-8]))$/,
    'a CIDR range such as 10.0.0.0/8 or fd00::/8',
  );

const base = {
  id: z.string().regex(/^[a-z][a-z0-9-]{1,63}$/, 'an id is lower-case letters, digits and "-"'),
  description: z.string().max(200).optional(),
  /** The permissions it restricts; ["*"] for every permission. */
  permissions: z.array(z.union([permission, z.literal('*')])).min(1),
  /** Only principals holding one of these roles (every principal when absent). */
  roles: z
    .array(z.string().regex(/^[a-z][a-z0-9-]{1,39}$/))
    .min(1)
    .optional(),
};

export const conditionSchema = z.discriminatedUnion('kind', [
  z.object({
    ...base,
    kind: z.literal('time-of-day'),
    allow: z.object({ from: hhmm, to: hhmm, days: z.array(z.enum(DAYS)).min(1).optional() }),
  }),
  z.object({ ...base, kind: z.literal('network'), allow: z.object({ cidrs: z.array(cidr).min(1).max(64) }) }),
  z.object({
    ...base,
    kind: z.literal('step-up'),
    maxAgeSeconds: z.number().int().min(10).max(86_400),
  }),
  z.object({
    id: base.id,
    description: base.description,
    kind: z.literal('cedar'),
    /** One Cedar forbid policy. Which permissions it touches is read from its action scope. */
    forbid: z.string().min(1).max(4000),
  }),
]);
export type Condition = z.infer<typeof conditionSchema>;

export const conditionsSchema = z
  .array(conditionSchema)
  .max(200)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((c, i) => {
      if (seen.has(c.id))
        ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `condition id "${c.id}" appears twice` });
      seen.add(c.id);
    });
  });

/** Parse and validate a list of conditions; throws CONDITIONS_INVALID naming the first problem. */
export function parseConditions(v: unknown): Condition[] {
  const r = conditionsSchema.safeParse(v);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new InvalidInputError('CONDITIONS_INVALID', `${i.path.join('.') || 'conditions'}: ${i.message}`, {
      path: i.path.map(String),
    });
  }
  return r.data;
}

const q = (s: string) => JSON.stringify(s);
const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3));

function scope(c: Exclude<Condition, { kind: 'cedar' }>): { action: string; roles: string } {
  const action = c.permissions.includes('*')
    ? 'action'
    : `action in [${c.permissions.map((p) => `Rampart::Action::${q(p)}`).join(', ')}]`;
  const roles = c.roles
    ? `principal in [${c.roles.map((r) => `Rampart::Role::${q(r)}`).join(', ')}] && `
    : '';
  return { action, roles };
}

/** The Cedar text of one condition: a forbid policy (pure). */
export function conditionToCedar(c: Condition): string {
  if (c.kind === 'cedar') return c.forbid.trim();
  const { action, roles } = scope(c);
  let denied: string;
  if (c.kind === 'time-of-day') {
    const from = minutes(c.allow.from);
    const to = minutes(c.allow.to);
    const inWindow =
      from <= to
        ? `(context.minuteOfDay >= ${from} && context.minuteOfDay < ${to})`
        : `(context.minuteOfDay >= ${from} || context.minuteOfDay < ${to})`;
    const onDay = c.allow.days ? ` && [${c.allow.days.map(q).join(', ')}].contains(context.weekday)` : '';
    denied = `!(${inWindow}${onDay})`;
  } else if (c.kind === 'network') {
    denied = `!(${c.allow.cidrs.map((r) => `context.sourceIp.isInRange(ip(${q(r)}))`).join(' || ')})`;
  } else {
    denied = `!(context has stepUpAgeSeconds && context.stepUpAgeSeconds <= ${c.maxAgeSeconds})`;
  }
  return `forbid (principal, ${action}, resource)\nwhen { ${roles}${denied} };`;
}

export const BASE_POLICY_ID = 'rampart-role-permissions';
export const BASE_POLICY = 'permit (principal, action, resource);';

export interface CompiledConditions {
  /** Policy id → Cedar text (the base permit and one forbid per condition). */
  policies: Record<string, string>;
  /** The whole set as one text, for people to read. */
  text: string;
  digest: string;
}

export function compileConditions(conditions: Condition[]): CompiledConditions {
  const policies: Record<string, string> = { [BASE_POLICY_ID]: BASE_POLICY };
  for (const c of conditions) policies[c.id] = conditionToCedar(c);
  const text = Object.entries(policies)
    .map(([id, p]) => `// ${id}\n${p}`)
    .join('\n\n');
  return { policies, text, digest: bytesToHex(sha256(canonicalJsonBytes(conditions))) };
}
