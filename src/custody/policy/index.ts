/** The transaction policy engine: parse, digest, evaluate, explain. Pure (no I/O). */
export * from './default-policy.ts';
export * from './digest.ts';
export * from './evaluate.ts';
export * from './explain.ts';
export * from './match.ts';
export * from './parse.ts';
export * from './schema.ts';
export * from './subjects.ts';
export * from './time-window.ts';
export * from './velocity.ts';
