export { canonicalJson as canonicalJsonForTest } from '../../src/core/index.ts';
export * from '../../src/custody/index.ts';
