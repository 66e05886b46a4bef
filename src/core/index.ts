export * from './bytes.ts';
export * from './canonical-json.ts';
export * from './clock.ts';
export * from './config.ts';
export * from './errors.ts';
export * from './hash.ts';
