/** Public surface of the custody module. */

export * from './evm/decode/decode-call.ts';
export * from './evm/decode/multisend.ts';
export * from './evm/decode/registry.ts';
export * from './evm/hex.ts';
export * from './evm/safe-hash.ts';
export * from './evm/safe-tx.ts';
export * from './evm/signatures.ts';
export * from './evm/versions.ts';
