/** Typed errors of the STIX layer (stable codes). */
import { InvalidInputError } from '../../core/index.ts';

/** A STIX object failed the OASIS JSON schema; `details` name the object id and the schema path. */
export const STIX_SCHEMA_INVALID = 'STIX_SCHEMA_INVALID';
/** A STIX object passed the schema but fails a rule the schema cannot express (STIX 2.1 spec text). */
export const STIX_RULE_VIOLATED = 'STIX_RULE_VIOLATED';
/** A pattern Rampart acts on (cryptocurrency addresses) does not parse. */
export const STIX_PATTERN_INVALID = 'STIX_PATTERN_INVALID';
/** Not a bundle / not an object at all. */
export const STIX_NOT_AN_OBJECT = 'STIX_NOT_AN_OBJECT';

export class StixError extends InvalidInputError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
  }
}
