/**
 * Safe contract versions Rampart analyses. Each version fixes the EIP-712 domain and SafeTx
 * type used for hashing, and the bytecode used for simulation.
 */
import { InvalidInputError } from '../../core/index.ts';

export const SAFE_VERSIONS = ['1.0.0', '1.1.1', '1.2.0', '1.3.0', '1.4.1'] as const;
export type SafeVersion = (typeof SAFE_VERSIONS)[number];

export function isSafeVersion(v: unknown): v is SafeVersion {
  return typeof v === 'string' && (SAFE_VERSIONS as readonly string[]).includes(v);
}

/** Accepts `1.3.0` and `v1.3.0`; throws SAFE_VERSION_UNSUPPORTED for anything else. */
export function parseSafeVersion(v: unknown): SafeVersion {
  const s = typeof v === 'string' && v.startsWith('v') ? v.slice(1) : v;
  if (isSafeVersion(s)) return s;
  throw new InvalidInputError(
    'SAFE_VERSION_UNSUPPORTED',
    `unsupported Safe version ${JSON.stringify(v)}; supported: ${SAFE_VERSIONS.join(', ')}`,
    { version: typeof v === 'string' ? v : String(v), supported: [...SAFE_VERSIONS] },
  );
}

/** Safe added `chainId` to its EIP-712 domain in 1.3.0. */
export function domainHasChainId(version: SafeVersion): boolean {
  return version === '1.3.0' || version === '1.4.1';
}

/** Safe 1.0.0 named the `baseGas` field `dataGas` (same position, same type). */
export function gasFieldName(version: SafeVersion): 'dataGas' | 'baseGas' {
  return version === '1.0.0' ? 'dataGas' : 'baseGas';
}
