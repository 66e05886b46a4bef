/** What a simulation reports. Plain JSON (integers as decimal strings, bytes as hex). */
import type { Address, Hex } from 'viem';

/** What a slot of the wallet's own storage holds, when Rampart can tell. */
export type WalletSlotKind =
  | 'implementation'
  | 'owners'
  | 'owner_count'
  | 'threshold'
  | 'modules'
  | 'guard'
  | 'fallback_handler'
  | 'nonce'
  | 'approved_hashes'
  | 'signed_messages'
  | 'domain_separator'
  | 'unknown';

export interface WalletStorageWrite {
  slot: Hex;
  before: Hex;
  after: Hex;
  kind: WalletSlotKind;
  /** for mapping slots: the key (an owner, a module, …) when it could be traced */
  key?: Hex;
}

export interface BalanceChange {
  address: Address;
  /** 'native' or the token contract */
  asset: 'native' | Address;
  /** signed decimal */
  delta: string;
  /** ERC-721 / ERC-1155 token id, when the change is of one */
  tokenId?: string;
}

export interface ApprovalEffect {
  token: Address;
  owner: Address;
  spender: Address;
  /** allowance (ERC-20), token id (ERC-721 `Approval`) or 'all'/'none' (setApprovalForAll) */
  amount: string;
  standard: 'erc20' | 'erc721' | 'erc721/erc1155-operator';
}

export interface Effects {
  balanceChanges: BalanceChange[];
  approvals: ApprovalEffect[];
  walletStorageWrites: WalletStorageWrite[];
}

export interface SimulationResult {
  /** the outer execTransaction call completed without reverting */
  executed: boolean;
  /** the Safe reported the inner call as successful (ExecutionSuccess) */
  success: boolean;
  revertReason?: string;
  gasUsed: string;
  effects: Effects;
  /** addresses called with data but holding no code in the simulated state */
  missingCode: Address[];
  /** the safeTxHash as the simulated wallet contract computes it (getTransactionHash) */
  contractSafeTxHash?: Hex;
}
