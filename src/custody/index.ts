/** Public surface of the custody module. */
export * from './evm/hex.ts';
export * from './evm/safe-hash.ts';
export * from './evm/safe-tx.ts';
export * from './evm/signatures.ts';
export * from './evm/versions.ts';
