/**
 * The local ABI registry: the functions Rampart decodes by name. Human-readable signatures,
 * parsed once with viem. Each entry says what kind of action it is, which the findings use.
 * Selectors shared by two standards (ERC-20 / ERC-721 `approve`, `transferFrom`) are listed once.
 */
import { type AbiFunction, parseAbiItem, toFunctionSelector } from 'viem';

export type CallKind =
  | 'safe_admin' // changes a Safe's own configuration
  | 'safe_exec' // executes or approves a Safe transaction
  | 'multisend'
  | 'token_transfer'
  | 'token_approval'
  | 'ownership' // hands over ownership or admin, or upgrades a contract
  | 'create'
  | 'other';

/** What a Safe-admin call changes, for the WALLET_*_CHANGE findings. */
export type WalletField =
  | 'implementation'
  | 'owners'
  | 'threshold'
  | 'modules'
  | 'guard'
  | 'fallback_handler';

export interface RegistryEntry {
  signature: string;
  kind: CallKind;
  standard: string;
  /** for safe_admin: what it changes */
  changes?: WalletField[];
  abi: AbiFunction;
  selector: `0x${string}`;
}

type Spec = Omit<RegistryEntry, 'abi' | 'selector'>;

const SPECS: Spec[] = [
  // Safe configuration (OwnerManager, ModuleManager, GuardManager, FallbackManager, MasterCopy)
  {
    signature: 'addOwnerWithThreshold(address owner, uint256 _threshold)',
    kind: 'safe_admin',
    standard: 'safe',
    changes: ['owners', 'threshold'],
  },
  {
    signature: 'removeOwner(address prevOwner, address owner, uint256 _threshold)',
    kind: 'safe_admin',
    standard: 'safe',
    changes: ['owners', 'threshold'],
  },
  {
    signature: 'swapOwner(address prevOwner, address oldOwner, address newOwner)',
    kind: 'safe_admin',
    standard: 'safe',
    changes: ['owners'],
  },
  {
    signature: 'changeThreshold(uint256 _threshold)',
    kind: 'safe_admin',
    standard: 'safe',
    changes: ['threshold'],
  },
  { signature: 'enableModule(address module)', kind: 'safe_admin', standard: 'safe', changes: ['modules'] },
  {
    signature: 'disableModule(address prevModule, address module)',
    kind: 'safe_admin',
    standard: 'safe',
    changes: ['modules'],
  },
  { signature: 'setGuard(address guard)', kind: 'safe_admin', standard: 'safe', changes: ['guard'] },
  {
    signature: 'setFallbackHandler(address handler)',
    kind: 'safe_admin',
    standard: 'safe',
    changes: ['fallback_handler'],
  },
  {
    signature: 'changeMasterCopy(address _masterCopy)',
    kind: 'safe_admin',
    standard: 'safe',
    changes: ['implementation'],
  },
  // Safe migration libraries (1.4.1) point the proxy at another singleton
  { signature: 'migrateSingleton()', kind: 'safe_admin', standard: 'safe', changes: ['implementation'] },
  {
    signature: 'migrateWithFallbackHandler()',
    kind: 'safe_admin',
    standard: 'safe',
    changes: ['implementation', 'fallback_handler'],
  },
  { signature: 'migrateL2Singleton()', kind: 'safe_admin', standard: 'safe', changes: ['implementation'] },
  {
    signature: 'migrateL2WithFallbackHandler()',
    kind: 'safe_admin',
    standard: 'safe',
    changes: ['implementation', 'fallback_handler'],
  },
  {
    signature:
      'setup(address[] _owners, uint256 _threshold, address to, bytes data, address fallbackHandler, address paymentToken, uint256 payment, address paymentReceiver)',
    kind: 'safe_admin',
    standard: 'safe',
    changes: ['owners', 'threshold', 'fallback_handler'],
  },
  {
    signature:
      'setup(address[] _owners, uint256 _threshold, address to, bytes data, address paymentToken, uint256 payment, address paymentReceiver)',
    kind: 'safe_admin',
    standard: 'safe',
    changes: ['owners', 'threshold'],
  },
  {
    signature:
      'execTransaction(address to, uint256 value, bytes data, uint8 operation, uint256 safeTxGas, uint256 baseGas, uint256 gasPrice, address gasToken, address refundReceiver, bytes signatures)',
    kind: 'safe_exec',
    standard: 'safe',
  },
  { signature: 'approveHash(bytes32 hashToApprove)', kind: 'safe_exec', standard: 'safe' },
  {
    signature: 'execTransactionFromModule(address to, uint256 value, bytes data, uint8 operation)',
    kind: 'safe_exec',
    standard: 'safe',
  },
  { signature: 'signMessage(bytes _data)', kind: 'safe_exec', standard: 'safe' },
  // MultiSend / MultiSendCallOnly
  { signature: 'multiSend(bytes transactions)', kind: 'multisend', standard: 'safe' },
  // CreateCall
  { signature: 'performCreate(uint256 value, bytes deploymentData)', kind: 'create', standard: 'safe' },
  {
    signature: 'performCreate2(uint256 value, bytes deploymentData, bytes32 salt)',
    kind: 'create',
    standard: 'safe',
  },
  // ERC-20 (approve and transferFrom share selectors with ERC-721)
  { signature: 'transfer(address to, uint256 amount)', kind: 'token_transfer', standard: 'erc20' },
  {
    signature: 'transferFrom(address from, address to, uint256 amountOrTokenId)',
    kind: 'token_transfer',
    standard: 'erc20/erc721',
  },
  {
    signature: 'approve(address spender, uint256 amountOrTokenId)',
    kind: 'token_approval',
    standard: 'erc20/erc721',
  },
  {
    signature: 'increaseAllowance(address spender, uint256 addedValue)',
    kind: 'token_approval',
    standard: 'erc20',
  },
  {
    signature: 'decreaseAllowance(address spender, uint256 subtractedValue)',
    kind: 'other',
    standard: 'erc20',
  },
  { signature: 'deposit()', kind: 'other', standard: 'weth' },
  { signature: 'withdraw(uint256 wad)', kind: 'other', standard: 'weth' },
  // ERC-721
  {
    signature: 'safeTransferFrom(address from, address to, uint256 tokenId)',
    kind: 'token_transfer',
    standard: 'erc721',
  },
  {
    signature: 'safeTransferFrom(address from, address to, uint256 tokenId, bytes data)',
    kind: 'token_transfer',
    standard: 'erc721',
  },
  {
    signature: 'setApprovalForAll(address operator, bool approved)',
    kind: 'token_approval',
    standard: 'erc721/erc1155',
  },
  // ERC-1155
  {
    signature: 'safeTransferFrom(address from, address to, uint256 id, uint256 amount, bytes data)',
    kind: 'token_transfer',
    standard: 'erc1155',
  },
  {
    signature:
      'safeBatchTransferFrom(address from, address to, uint256[] ids, uint256[] amounts, bytes data)',
    kind: 'token_transfer',
    standard: 'erc1155',
  },
  // Ownership, admin and upgrades (Ownable, Ownable2Step, AccessControl, ERC-1967 / Transparent proxies, ProxyAdmin, UUPS)
  { signature: 'transferOwnership(address newOwner)', kind: 'ownership', standard: 'ownable' },
  { signature: 'renounceOwnership()', kind: 'ownership', standard: 'ownable' },
  { signature: 'acceptOwnership()', kind: 'ownership', standard: 'ownable2step' },
  { signature: 'setOwner(address newOwner)', kind: 'ownership', standard: 'owned' },
  { signature: 'grantRole(bytes32 role, address account)', kind: 'ownership', standard: 'access_control' },
  { signature: 'revokeRole(bytes32 role, address account)', kind: 'ownership', standard: 'access_control' },
  { signature: 'renounceRole(bytes32 role, address account)', kind: 'ownership', standard: 'access_control' },
  { signature: 'changeAdmin(address newAdmin)', kind: 'ownership', standard: 'transparent_proxy' },
  { signature: 'upgradeTo(address newImplementation)', kind: 'ownership', standard: 'erc1967_proxy' },
  {
    signature: 'upgradeToAndCall(address newImplementation, bytes data)',
    kind: 'ownership',
    standard: 'erc1967_proxy',
  },
  {
    signature: 'changeProxyAdmin(address proxy, address newAdmin)',
    kind: 'ownership',
    standard: 'proxy_admin',
  },
  { signature: 'upgrade(address proxy, address implementation)', kind: 'ownership', standard: 'proxy_admin' },
  {
    signature: 'upgradeAndCall(address proxy, address implementation, bytes data)',
    kind: 'ownership',
    standard: 'proxy_admin',
  },
];

function build(spec: Spec): RegistryEntry {
  const abi = parseAbiItem(`function ${spec.signature}`) as AbiFunction;
  return { ...spec, abi, selector: toFunctionSelector(abi) };
}

export const REGISTRY: readonly RegistryEntry[] = SPECS.map(build);

const BY_SELECTOR = new Map<string, RegistryEntry>();
for (const e of REGISTRY) {
  if (BY_SELECTOR.has(e.selector)) throw new Error(`duplicate selector in ABI registry: ${e.signature}`);
  BY_SELECTOR.set(e.selector, e);
}

export function lookupSelector(selector: string): RegistryEntry | undefined {
  return BY_SELECTOR.get(selector.toLowerCase());
}
