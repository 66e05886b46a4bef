/**
 * Validation of every STIX object Rampart produces or accepts: the OASIS JSON schemas (Ajv,
 * draft 2020-12), then the rules the schemas cannot express (their README lists them) that matter
 * to us:
 *   - `modified` >= `created` (STIX 2.1 §3.2);
 *   - an indicator's `valid_until` > `valid_from` (§4.7);
 *   - the id's prefix is the object's type (§2.9), also for custom types;
 *   - every marking reference resolves: a TLP 2.0 id, or a marking-definition known to the caller
 *     or in the same bundle; a marking-definition never marks itself (§7.2);
 *   - address patterns (`[cryptocurrency-wallet:value = '…']`) parse, and each address is valid.
 *
 * Ajv quirks (see ../shared/vectors/stix2-schemas/SOURCE.md): the schemas use `\-` in patterns,
 * invalid under the `u` flag, hence `unicodeRegExp: false`; `strict: false` for their unknown
 * keywords and formats (`idn-hostname`). Compiled once per process and kept: compiling every type
 * costs 0.36 s at load ≈ 6 (`npm run bench -- alliance`); poisonivy.json (155 objects) then checks in ~8 ms.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule, { type FormatsPlugin } from 'ajv-formats';
import { checkAddress } from '../screening/address.ts';
import { STIX_NOT_AN_OBJECT, STIX_RULE_VIOLATED, STIX_SCHEMA_INVALID, StixError } from './errors.ts';
import { addressesOfPattern } from './pattern.ts';
import { loadStixSchemas, SCHEMA_ID_PREFIX } from './schemas.ts';
import { TLP_MARKING_IDS } from './tlp.ts';

// ajv-formats is CommonJS: under NodeNext its default import is `module.exports`, whose `.default` is the plugin.
const addFormats: FormatsPlugin =
  (addFormatsModule as unknown as { default?: FormatsPlugin }).default ??
  (addFormatsModule as unknown as FormatsPlugin);

export interface StixIssue {
  /** The object's id (or `objects[i]` when it has none). */
  id: string;
  code: typeof STIX_SCHEMA_INVALID | typeof STIX_RULE_VIOLATED | string;
  message: string;
  /** JSON pointer into the object. */
  instancePath?: string;
  /** Which schema and where in it (`sdos/indicator.json#/allOf/1/...`). */
  schemaPath?: string;
}

export interface ValidateContext {
  /** Marking-definition ids known besides TLP 2.0 (e.g. stored ones). */
  knownMarkings?: ReadonlySet<string>;
  /** Require every wallet address in an address pattern to be a valid EVM/Bitcoin address (default true). */
  strictAddresses?: boolean;
}

const SDOS = new Set([
  'attack-pattern',
  'campaign',
  'course-of-action',
  'grouping',
  'identity',
  'incident',
  'indicator',
  'infrastructure',
  'intrusion-set',
  'location',
  'malware-analysis',
  'malware',
  'note',
  'observed-data',
  'opinion',
  'report',
  'threat-actor',
  'tool',
  'vulnerability',
]);
const SROS = new Set(['relationship', 'sighting']);
const SCOS = new Set([
  'artifact',
  'autonomous-system',
  'directory',
  'domain-name',
  'email-addr',
  'email-message',
  'file',
  'ipv4-addr',
  'ipv6-addr',
  'mac-addr',
  'mutex',
  'network-traffic',
  'process',
  'software',
  'url',
  'user-account',
  'windows-registry-key',
  'x509-certificate',
]);
const COMMON = new Set(['marking-definition', 'language-content', 'extension-definition']);
const TLP_IDS = new Set(Object.values(TLP_MARKING_IDS));

function schemaFileFor(type: string, obj: Record<string, unknown>): string {
  if (SDOS.has(type)) return `sdos/${type}.json`;
  if (SROS.has(type)) return `sros/${type}.json`;
  if (SCOS.has(type)) return `observables/${type}.json`;
  if (COMMON.has(type)) return `common/${type}.json`;
  // Custom objects (§11): SDO-like when they carry created/modified, else SCO-like.
  return 'created' in obj || 'modified' in obj ? 'common/core.json' : 'common/cyber-observable-core.json';
}

export class StixValidator {
  readonly compileMs: number;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor() {
    const t0 = performance.now();
    const ajv = new Ajv2020({ strict: false, unicodeRegExp: false, allErrors: false, logger: false });
    addFormats(ajv);
    const files = loadStixSchemas();
    for (const f of files) ajv.addSchema(f.schema);
    for (const f of files) {
      const v = ajv.getSchema(`${SCHEMA_ID_PREFIX}${f.path}`);
      if (!v) throw new Error(`STIX schema ${f.path} did not load`);
      this.validators.set(f.path, v);
    }
    this.compileMs = performance.now() - t0;
  }

  /** Every problem with one object (empty when valid). */
  check(obj: unknown, ctx: ValidateContext = {}, where = 'object'): StixIssue[] {
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj))
      return [{ id: where, code: STIX_NOT_AN_OBJECT, message: `${where} is not a JSON object` }];
    const o = obj as Record<string, unknown>;
    const id = typeof o['id'] === 'string' ? o['id'] : where;
    const type = typeof o['type'] === 'string' ? o['type'] : '';
    if (!type)
      return [{ id, code: STIX_SCHEMA_INVALID, message: `${id}: "type" is missing`, instancePath: '/type' }];
    const file = schemaFileFor(type, o);
    const v = this.validators.get(file)!;
    if (!v(o)) return [schemaIssue(id, file, v.errors ?? [])];
    return ruleIssues(id, type, o, ctx);
  }

  /** Throws StixError naming the object id and the schema path of the first problem. */
  validate(obj: unknown, ctx: ValidateContext = {}): void {
    const issues = this.check(obj, ctx);
    if (issues.length) throw issueError(issues);
  }

  /** Problems of a bundle envelope and of every object in it (markings may resolve within it). */
  checkBundle(b: unknown, ctx: ValidateContext = {}): StixIssue[] {
    if (b === null || typeof b !== 'object' || Array.isArray(b))
      return [{ id: 'bundle', code: STIX_NOT_AN_OBJECT, message: 'a STIX bundle must be a JSON object' }];
    const o = b as Record<string, unknown>;
    const bid = typeof o['id'] === 'string' ? o['id'] : 'bundle';
    const issues: StixIssue[] = [];
    if (o['type'] !== 'bundle')
      issues.push({
        id: bid,
        code: STIX_SCHEMA_INVALID,
        message: `${bid}: "type" must be "bundle"`,
        instancePath: '/type',
      });
    if (
      typeof o['id'] !== 'string' ||
      !/^bundle--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/.test(
        o['id'],
      )
    )
      issues.push({
        id: bid,
        code: STIX_SCHEMA_INVALID,
        message: `${bid}: "id" must be bundle--<UUID>`,
        instancePath: '/id',
      });
    const objects = o['objects'];
    if (objects === undefined) return issues;
    if (!Array.isArray(objects) || objects.length === 0) {
      issues.push({
        id: bid,
        code: STIX_SCHEMA_INVALID,
        message: `${bid}: "objects" must be a non-empty array`,
        instancePath: '/objects',
      });
      return issues;
    }
    const known = new Set(ctx.knownMarkings ?? []);
    for (const x of objects)
      if (x && typeof x === 'object' && (x as { type?: unknown }).type === 'marking-definition')
        known.add(String((x as { id?: unknown }).id));
    objects.forEach((x, i) => {
      for (const issue of this.check(x, { ...ctx, knownMarkings: known }, `objects[${i}]`))
        issues.push({ ...issue, instancePath: `/objects/${i}${issue.instancePath ?? ''}` });
    });
    return issues;
  }

  validateBundle(b: unknown, ctx: ValidateContext = {}): void {
    const issues = this.checkBundle(b, ctx);
    if (issues.length) throw issueError(issues);
  }
}

function schemaIssue(id: string, file: string, errors: ErrorObject[]): StixIssue {
  // The deepest error is the most specific (allOf/oneOf wrap the real one).
  const e = [...errors].sort((a, b) => b.instancePath.length - a.instancePath.length)[0];
  const path = e?.instancePath || '/';
  // '#/…' is within `file`; '../common/x.json/…' is inside a schema it references.
  const sp = e?.schemaPath ?? '';
  const where = sp.startsWith('#') || sp === '' ? `${file}${sp}` : `${file} → ${sp}`;
  const extra =
    e?.params && 'allowedValues' in e.params ? ` (${(e.params.allowedValues as unknown[]).join(', ')})` : '';
  return {
    id,
    code: STIX_SCHEMA_INVALID,
    message: `${id}: ${path} ${e?.message ?? 'is invalid'}${extra} [schema ${where}]`,
    instancePath: e?.instancePath ?? '',
    schemaPath: where,
  };
}

function ruleIssues(id: string, type: string, o: Record<string, unknown>, ctx: ValidateContext): StixIssue[] {
  const out: StixIssue[] = [];
  const rule = (message: string, instancePath: string) =>
    out.push({ id, code: STIX_RULE_VIOLATED, message: `${id}: ${message}`, instancePath });
  if (typeof o['id'] === 'string' && !o['id'].startsWith(`${type}--`))
    rule(`id must start with "${type}--" (STIX 2.1 §2.9)`, '/id');
  const created = typeof o['created'] === 'string' ? Date.parse(o['created']) : Number.NaN;
  const modified = typeof o['modified'] === 'string' ? Date.parse(o['modified']) : Number.NaN;
  if (!Number.isNaN(created) && !Number.isNaN(modified) && modified < created)
    rule('modified is earlier than created (STIX 2.1 §3.2)', '/modified');
  if (type === 'indicator' && typeof o['valid_from'] === 'string' && typeof o['valid_until'] === 'string')
    if (Date.parse(o['valid_until']) <= Date.parse(o['valid_from']))
      rule('valid_until must be later than valid_from (STIX 2.1 §4.7)', '/valid_until');

  const refs: [string, string][] = [];
  if (Array.isArray(o['object_marking_refs']))
    o['object_marking_refs'].forEach((r, i) => {
      refs.push([String(r), `/object_marking_refs/${i}`]);
    });
  if (Array.isArray(o['granular_markings']))
    o['granular_markings'].forEach((g, i) => {
      const r = (g as { marking_ref?: unknown })?.marking_ref;
      if (typeof r === 'string') refs.push([r, `/granular_markings/${i}/marking_ref`]);
    });
  for (const [r, path] of refs) {
    if (type === 'marking-definition' && r === o['id'])
      rule('a marking-definition cannot mark itself (STIX 2.1 §7.2)', path);
    else if (!TLP_IDS.has(r) && !ctx.knownMarkings?.has(r))
      rule(`marking ${r} is neither a TLP 2.0 marking nor a marking-definition known here`, path);
  }

  if (type === 'indicator' && o['pattern_type'] === 'stix' && typeof o['pattern'] === 'string') {
    try {
      const p = addressesOfPattern(o['pattern']);
      if (p && ctx.strictAddresses !== false)
        for (const a of p.addresses) {
          const c = checkAddress(a);
          if (!c.ok) rule(`pattern address "${a.slice(0, 100)}" is invalid: ${c.reason}`, '/pattern');
        }
    } catch (e) {
      out.push({
        id,
        code: (e as StixError).code ?? STIX_RULE_VIOLATED,
        message: `${id}: ${(e as Error).message}`,
        instancePath: '/pattern',
      });
    }
  }
  return out;
}

export function issueError(issues: StixIssue[]): StixError {
  const first = issues[0]!;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return new StixError(first.code, `${first.message}${more}`, {
    id: first.id,
    ...(first.schemaPath ? { schemaPath: first.schemaPath } : {}),
    ...(first.instancePath !== undefined ? { instancePath: first.instancePath } : {}),
    issues: issues.slice(0, 20),
  });
}

let shared: StixValidator | undefined;
/** The process-wide validator, compiled on first use and kept. */
export function stixValidator(): StixValidator {
  shared ??= new StixValidator();
  return shared;
}
