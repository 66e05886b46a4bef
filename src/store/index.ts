export type { Dialect } from './dialect.ts';
export { openStore, type SqliteSynchronous, type Store, type StoreOptions } from './open.ts';
export type * from './schema.ts';
