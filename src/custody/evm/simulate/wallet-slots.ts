/**
 * The storage layout of a Safe proxy (the same in 1.0.0 through 1.4.1), and classification of a
 * written slot from the keccak pre-images seen while executing.
 *
 *   slot 0  singleton / masterCopy (the implementation)   slot 5  nonce
 *   slot 1  modules  (mapping address => address)         slot 6  domainSeparator (< 1.3.0)
 *   slot 2  owners   (mapping address => address)         slot 7  signedMessages (mapping bytes32 => uint256)
 *   slot 3  ownerCount                                    slot 8  approvedHashes (address => bytes32 => uint256)
 *   slot 4  threshold
 *   keccak256("fallback_manager.handler.address")  fallback handler (1.1.0+)
 *   keccak256("guard_manager.guard.address")       guard (1.3.0+)
 */
import { type Hex, keccak256, pad, toHex } from 'viem';
import type { WalletSlotKind } from './types.ts';

export const FALLBACK_HANDLER_SLOT = keccak256(toHex('fallback_manager.handler.address'));
export const GUARD_SLOT = keccak256(toHex('guard_manager.guard.address'));

export const SLOT = {
  implementation: 0n,
  modules: 1n,
  owners: 2n,
  ownerCount: 3n,
  threshold: 4n,
  nonce: 5n,
  domainSeparator: 6n,
  signedMessages: 7n,
  approvedHashes: 8n,
} as const;

const FIXED: ReadonlyMap<bigint, WalletSlotKind> = new Map([
  [SLOT.implementation, 'implementation'],
  [SLOT.ownerCount, 'owner_count'],
  [SLOT.threshold, 'threshold'],
  [SLOT.nonce, 'nonce'],
  [SLOT.domainSeparator, 'domain_separator'],
  [BigInt(FALLBACK_HANDLER_SLOT), 'fallback_handler'],
  [BigInt(GUARD_SLOT), 'guard'],
]);

const MAPPINGS: ReadonlyMap<bigint, WalletSlotKind> = new Map([
  [SLOT.modules, 'modules'],
  [SLOT.owners, 'owners'],
  [SLOT.signedMessages, 'signed_messages'],
  [SLOT.approvedHashes, 'approved_hashes'],
]);

/** keccak256 of 64 bytes seen during execution: hash → (key, base slot). */
export type PreimageMap = ReadonlyMap<bigint, { key: bigint; base: bigint }>;

/** The storage slot of `mapping[key]` for a mapping at `base`. */
export function mappingSlot(key: bigint, base: bigint): Hex {
  return keccak256(`0x${key.toString(16).padStart(64, '0')}${base.toString(16).padStart(64, '0')}`);
}

export function slotHex(n: bigint): Hex {
  return pad(toHex(n), { size: 32 });
}

export function classifyWalletSlot(
  slot: bigint,
  preimages: PreimageMap,
): { kind: WalletSlotKind; key?: Hex } {
  const fixed = FIXED.get(slot);
  if (fixed) return { kind: fixed };
  const p = preimages.get(slot);
  if (p) {
    const direct = MAPPINGS.get(p.base);
    if (direct) return { kind: direct, key: slotHex(p.key) };
    // nested mapping: approvedHashes[owner][hash] = keccak(hash ‖ keccak(owner ‖ 8))
    const outer = preimages.get(p.base);
    if (outer && outer.base === SLOT.approvedHashes)
      return { kind: 'approved_hashes', key: slotHex(outer.key) };
  }
  return { kind: 'unknown' };
}
