/**
 * A registered wallet, as the analysis needs it: where it is, which Safe version, its owners and
 * threshold, optional modules / guard / fallback handler, the address book of known
 * counterparties and the screened (deny-listed) addresses. Persistence is elsewhere; this is data.
 */
import type { Address } from 'viem';
import { InvalidInputError } from '../../core/index.ts';
import { parseAddress, parseUint } from '../evm/hex.ts';
import { domainHasChainId, parseSafeVersion, type SafeVersion } from '../evm/versions.ts';

export interface AddressBookEntry {
  address: Address;
  label: string;
  category?: string;
}

export interface WalletConfig {
  chainId: number;
  address: Address;
  version: SafeVersion;
  owners: Address[];
  threshold: number;
  modules?: Address[];
  guard?: Address | null;
  fallbackHandler?: Address | null;
  addressBook?: AddressBookEntry[];
  /** deny-listed addresses (e.g. the FBI PSA list) */
  screened?: Address[];
  /** addresses the wallet may delegatecall besides the canonical Safe libraries */
  delegatecallAllowList?: Address[];
  /** the wallet's current on-chain nonce, when known */
  nonce?: bigint;
}

function list(v: unknown, field: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new InvalidInputError('WALLET_INVALID', `${field} must be a list`, { field });
  return v;
}

export function parseWalletConfig(input: unknown): WalletConfig {
  if (typeof input !== 'object' || input === null) {
    throw new InvalidInputError('WALLET_INVALID', 'wallet registration must be an object');
  }
  const o = input as Record<string, unknown>;
  const chainId = Number(parseUint(o['chainId'], 'chainId', 53));
  if (chainId === 0)
    throw new InvalidInputError('WALLET_INVALID', 'chainId must be positive', { field: 'chainId' });
  const owners = list(o['owners'], 'owners').map((a, i) => parseAddress(a, `owners[${i}]`));
  if (owners.length === 0) throw new InvalidInputError('WALLET_INVALID', 'a wallet needs at least one owner');
  if (new Set(owners.map((a) => a.toLowerCase())).size !== owners.length) {
    throw new InvalidInputError('WALLET_INVALID', 'owners must be distinct');
  }
  const threshold = Number(parseUint(o['threshold'], 'threshold', 16));
  if (threshold < 1 || threshold > owners.length) {
    throw new InvalidInputError('WALLET_INVALID', `threshold must be between 1 and ${owners.length}`, {
      field: 'threshold',
      threshold,
    });
  }
  const w: WalletConfig = {
    chainId,
    address: parseAddress(o['address'], 'address'),
    version: parseSafeVersion(o['version']),
    owners,
    threshold,
    modules: list(o['modules'], 'modules').map((a, i) => parseAddress(a, `modules[${i}]`)),
    guard: o['guard'] == null ? null : parseAddress(o['guard'], 'guard'),
    fallbackHandler:
      o['fallbackHandler'] == null ? null : parseAddress(o['fallbackHandler'], 'fallbackHandler'),
    addressBook: list(o['addressBook'], 'addressBook').map((e, i) => {
      const x = (e ?? {}) as Record<string, unknown>;
      const entry: AddressBookEntry = {
        address: parseAddress(x['address'], `addressBook[${i}].address`),
        label: typeof x['label'] === 'string' ? x['label'] : '',
      };
      if (typeof x['category'] === 'string') entry.category = x['category'];
      return entry;
    }),
    screened: list(o['screened'], 'screened').map((a, i) => parseAddress(a, `screened[${i}]`)),
    delegatecallAllowList: list(o['delegatecallAllowList'], 'delegatecallAllowList').map((a, i) =>
      parseAddress(a, `delegatecallAllowList[${i}]`),
    ),
  };
  if (o['nonce'] != null) w.nonce = parseUint(o['nonce'], 'nonce');
  if (w.guard && !domainHasChainId(w.version)) {
    throw new InvalidInputError(
      'WALLET_INVALID',
      `Safe ${w.version} has no transaction guard (guards start in 1.3.0)`,
      {
        field: 'guard',
      },
    );
  }
  if (w.fallbackHandler && w.version === '1.0.0') {
    throw new InvalidInputError('WALLET_INVALID', 'Safe 1.0.0 has no fallback handler (it starts in 1.1.0)', {
      field: 'fallbackHandler',
    });
  }
  return w;
}

/**
 * A list of addresses as text, one per line (blank lines and `#` comments ignored), e.g. the
 * FBI PSA list. Lines that are not valid addresses are returned in `invalid`, never thrown.
 */
export function parseAddressList(text: string): {
  addresses: Address[];
  invalid: Array<{ line: number; text: string }>;
} {
  const addresses: Address[] = [];
  const invalid: Array<{ line: number; text: string }> = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const t = raw.replace(/#.*/, '').trim();
    if (t === '') return;
    try {
      addresses.push(parseAddress(t, `line ${i + 1}`));
    } catch {
      invalid.push({ line: i + 1, text: t });
    }
  });
  return { addresses, invalid };
}
