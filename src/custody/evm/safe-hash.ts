/**
 * Safe EIP-712 hashing, per contract version.
 *
 *   domainHash  = hashStruct(EIP712Domain)   — `EIP712Domain(address verifyingContract)` before 1.3.0,
 *                                             `EIP712Domain(uint256 chainId,address verifyingContract)` from 1.3.0
 *   messageHash = hashStruct(SafeTx)          — the same SafeTx type in every version (see versions.ts)
 *   safeTxHash  = keccak256(0x19 ‖ 0x01 ‖ domainHash ‖ messageHash)
 *
 * These three are what a hardware wallet shows when a signer signs a Safe transaction, so they
 * are reported separately. Computed with viem's EIP-712 implementation.
 */
import { type Address, concat, type Hex, hashDomain, hashStruct, keccak256 } from 'viem';
import type { SafeTx } from './safe-tx.ts';
import { domainHasChainId, type SafeVersion } from './versions.ts';

export interface SafeHashes {
  domainHash: Hex;
  messageHash: Hex;
  safeTxHash: Hex;
}

export interface SafeDomain {
  version: SafeVersion;
  chainId: number | bigint;
  verifyingContract: Address;
}

type Field = { name: string; type: string };

export function safeDomainTypes(version: SafeVersion): Field[] {
  return domainHasChainId(version)
    ? [
        { name: 'chainId', type: 'uint256' },
        { name: 'verifyingContract', type: 'address' },
      ]
    : [{ name: 'verifyingContract', type: 'address' }];
}

export function safeTxTypes(_version: SafeVersion): Field[] {
  return [
    { name: 'to', type: 'address' },
    { name: 'value', type: 'uint256' },
    { name: 'data', type: 'bytes' },
    { name: 'operation', type: 'uint8' },
    { name: 'safeTxGas', type: 'uint256' },
    { name: 'baseGas', type: 'uint256' },
    { name: 'gasPrice', type: 'uint256' },
    { name: 'gasToken', type: 'address' },
    { name: 'refundReceiver', type: 'address' },
    { name: 'nonce', type: 'uint256' },
  ];
}

/** The typed-data document a wallet would be asked to sign (for `eth_signTypedData_v4` and tests). */
/** An EIP-712 document in the shape `eth_signTypedData_v4` takes. */
export interface SafeTypedData {
  domain: { chainId?: bigint; verifyingContract: Address };
  types: { EIP712Domain: Field[]; SafeTx: Field[] };
  primaryType: 'SafeTx';
  message: Record<string, unknown>;
}

// viem infers literal types from `const` documents; ours are built at run time per version.
type DomainArg = Parameters<typeof hashDomain>[0];
type StructArg = Parameters<typeof hashStruct>[0];

export function safeTypedData(domain: SafeDomain, tx: SafeTx): SafeTypedData {
  const { version } = domain;
  return {
    domain: domainHasChainId(version)
      ? { chainId: BigInt(domain.chainId), verifyingContract: domain.verifyingContract }
      : { verifyingContract: domain.verifyingContract },
    types: { EIP712Domain: safeDomainTypes(version), SafeTx: safeTxTypes(version) },
    primaryType: 'SafeTx',
    message: {
      to: tx.to,
      value: tx.value,
      data: tx.data,
      operation: tx.operation,
      safeTxGas: tx.safeTxGas,
      baseGas: tx.baseGas,
      gasPrice: tx.gasPrice,
      gasToken: tx.gasToken,
      refundReceiver: tx.refundReceiver,
      nonce: tx.nonce,
    },
  };
}

export function safeDomainHash(domain: SafeDomain): Hex {
  const td = safeTypedData(domain, EMPTY_TX);
  return hashDomain({ domain: td.domain, types: { EIP712Domain: td.types.EIP712Domain } } as DomainArg);
}

export function safeMessageHash(version: SafeVersion, tx: SafeTx): Hex {
  return hashStruct({
    data: safeTypedData({ version, chainId: 0, verifyingContract: ZERO }, tx).message,
    primaryType: 'SafeTx',
    types: { SafeTx: safeTxTypes(version) },
  } as StructArg);
}

export function safeHashes(domain: SafeDomain, tx: SafeTx): SafeHashes {
  const domainHash = safeDomainHash(domain);
  const messageHash = safeMessageHash(domain.version, tx);
  return { domainHash, messageHash, safeTxHash: keccak256(concat(['0x1901', domainHash, messageHash])) };
}

export function safeTxHash(domain: SafeDomain, tx: SafeTx): Hex {
  return safeHashes(domain, tx).safeTxHash;
}

const ZERO = '0x0000000000000000000000000000000000000000' as Address;
const EMPTY_TX: SafeTx = {
  to: ZERO,
  value: 0n,
  data: '0x',
  operation: 0,
  safeTxGas: 0n,
  baseGas: 0n,
  gasPrice: 0n,
  gasToken: ZERO,
  refundReceiver: ZERO,
  nonce: 0n,
};
