/** Public surface of the custody module. */

export * from './analysis/analyze.ts';
export * from './analysis/analyze-list.ts';
export * from './analysis/analyze-simulated.ts';
export * from './analysis/check-calls.ts';
export * from './analysis/check-screening.ts';
export * from './analysis/check-simulation.ts';
export * from './analysis/check-transaction.ts';
export * from './analysis/digest.ts';
export * from './analysis/findings.ts';
export * from './analysis/verdict.ts';
export * from './analysis/wallet.ts';
export * from './evm/decode/decode-call.ts';
export * from './evm/decode/multisend.ts';
export * from './evm/decode/registry.ts';
export * from './evm/deployments.ts';
export * from './evm/hex.ts';
export * from './evm/safe-hash.ts';
export * from './evm/safe-tx.ts';
export * from './evm/signatures.ts';
export * from './evm/simulate/artifacts.ts';
export * from './evm/simulate/extra-state.ts';
export * from './evm/simulate/simulator.ts';
export * from './evm/simulate/token-effects.ts';
export * from './evm/simulate/types.ts';
export * from './evm/simulate/wallet-slots.ts';
export * from './evm/versions.ts';
