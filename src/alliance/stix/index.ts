/** STIX 2.1: builders, ids and timestamps, TLP 2.0 markings, address patterns, validation. */
export * from './errors.ts';
export * from './ids.ts';
export * from './objects.ts';
export * from './pattern.ts';
export * from './schemas.ts';
export * from './tlp.ts';
export * from './validate.ts';
