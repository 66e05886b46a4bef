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

/**
 * The SafeTx type is the same in every supported version:
 * `SafeTx(address to,uint256 value,bytes data,uint8 operation,uint256 safeTxGas,uint256 baseGas,uint256 gasPrice,address gasToken,address refundReceiver,uint256 nonce)`.
 * `dataGas` was renamed `baseGas` in 1.0.0 itself (GnosisSafe.sol 1.0.0 declares
 * SAFE_TX_TYPEHASH = 0xbb83…86d8, the baseGas form); only pre-1.0 Safes hashed `dataGas`.
 * Verified in test/custody against the constants in each version's source and against
 * getTransactionHash of each version's bytecode.
 */
export const SAFE_TX_TYPE =
  'SafeTx(address to,uint256 value,bytes data,uint8 operation,uint256 safeTxGas,uint256 baseGas,uint256 gasPrice,address gasToken,address refundReceiver,uint256 nonce)';
