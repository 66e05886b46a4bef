/**
 * What the TAXII layer needs from STIX validation: one object in, its schema errors out (empty when
 * valid). The alliance's Ajv validator over the OASIS STIX 2.1 JSON schemas plugs in here; until it
 * is given, `basicStixChecks` enforces the common-property rules every STIX 2.1 object must meet
 * (STIX 2.1 §3.1–3.2: type, id `type--UUID`, spec_version, created/modified timestamps).
 */
import { normalizeTimestamp } from './timestamps.ts';

export type StixValidator = (object: unknown) => string[];

const TYPE = /^[a-z0-9][a-z0-9-]{1,248}[a-z0-9]$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const basicStixChecks: StixValidator = (o) => {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return ['an object must be a JSON object'];
  const obj = o as Record<string, unknown>;
  const errors: string[] = [];
  const type = obj['type'];
  if (typeof type !== 'string' || !TYPE.test(type)) errors.push('/type: must be a STIX type name');
  const id = obj['id'];
  if (typeof id !== 'string') errors.push("/id: must have required property 'id'");
  else {
    const [t, u] = id.split('--');
    if (t !== type || !u || !UUID.test(u)) errors.push(`/id: must be "${String(type)}--" followed by a UUID`);
  }
  for (const k of ['created', 'modified']) {
    const v = obj[k];
    if (v !== undefined && (typeof v !== 'string' || !normalizeTimestamp(v)))
      errors.push(`/${k}: must be a STIX timestamp`);
  }
  const spec = obj['spec_version'];
  if (spec !== undefined && spec !== '2.1' && spec !== '2.0') errors.push('/spec_version: must be "2.1"');
  if (
    typeof obj['created'] === 'string' &&
    typeof obj['modified'] === 'string' &&
    (normalizeTimestamp(obj['modified']) ?? '') < (normalizeTimestamp(obj['created']) ?? '')
  )
    errors.push('/modified: must not be earlier than created');
  return errors;
};

let plugged: StixValidator | undefined;

/** Install the full STIX validator (the alliance's Ajv validator over the OASIS schemas). */
export function installStixValidator(v: StixValidator): void {
  plugged = v;
}

/** The installed validator, else the common-property checks. */
export function defaultStixValidator(): StixValidator {
  return (o) => (plugged ?? basicStixChecks)(o);
}
