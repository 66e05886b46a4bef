/**
 * Canonical Safe deployments (addresses and runtime code hashes) from @safe-global/safe-deployments:
 * the singleton of each version and the libraries a Safe normally delegatecalls.
 */
import safeDeployments from '@safe-global/safe-deployments';
import { type Address, getAddress, type Hex } from 'viem';
import type { SafeVersion } from './versions.ts';

export type SafeLibraryName = 'MultiSend' | 'MultiSendCallOnly' | 'CreateCall' | 'SignMessageLib';

export interface Deployment {
  contractName: string;
  version: string;
  address: Address;
  /** keccak256 of the runtime code at that address */
  codeHash: Hex;
}

type V2 = ReturnType<typeof safeDeployments.getMultiSendDeployments>;
type Getter = (filter?: { version?: string; released?: boolean; network?: string }) => V2;

const LIBRARY_GETTERS: Record<SafeLibraryName, Getter> = {
  MultiSend: safeDeployments.getMultiSendDeployments,
  MultiSendCallOnly: safeDeployments.getMultiSendCallOnlyDeployments,
  CreateCall: safeDeployments.getCreateCallDeployments,
  SignMessageLib: safeDeployments.getSignMessageLibDeployments,
};

const LIBRARY_VERSIONS = ['1.1.1', '1.3.0', '1.4.1'];

/** The addresses of one deployment on a chain; the `canonical` one when the chain is not listed. */
function addressesOn(d: NonNullable<V2>, chainId: number): Deployment[] {
  const listed = d.networkAddresses[String(chainId)];
  const types = listed === undefined ? ['canonical'] : Array.isArray(listed) ? listed : [listed];
  const out: Deployment[] = [];
  const byType = d.deployments as Record<string, { address: string; codeHash: string } | undefined>;
  for (const t of types) {
    // networkAddresses lists either address types or (in older entries) literal addresses
    const dep = byType[t] ?? Object.values(byType).find((x) => x?.address.toLowerCase() === t.toLowerCase());
    if (dep) {
      out.push({
        contractName: d.contractName,
        version: d.version,
        address: getAddress(dep.address),
        codeHash: dep.codeHash as Hex,
      });
    }
  }
  return out;
}

// safe-deployments rebuilds its JSON on every lookup; the answers never change, so keep them.
const libraryCache = new Map<string, Deployment[]>();

/** Every released MultiSend, MultiSendCallOnly, CreateCall and SignMessageLib deployment on a chain. */
export function safeLibraryDeployments(chainId: number, names?: readonly SafeLibraryName[]): Deployment[] {
  const wanted = names ?? (Object.keys(LIBRARY_GETTERS) as SafeLibraryName[]);
  const key = `${chainId}:${wanted.join(',')}`;
  let out = libraryCache.get(key);
  if (!out) {
    out = [];
    for (const name of wanted) {
      for (const version of LIBRARY_VERSIONS) {
        const d = LIBRARY_GETTERS[name]({ version, released: true });
        if (d) out.push(...addressesOn(d, chainId));
      }
    }
    libraryCache.set(key, out);
  }
  return out.map((d) => ({ ...d }));
}

/** The Safe singleton (mastercopy) of a version on a chain. */
const singletonCache = new Map<string, Deployment | undefined>();

export function safeSingletonDeployment(version: SafeVersion, chainId: number): Deployment | undefined {
  const key = `${chainId}:${version}`;
  if (!singletonCache.has(key)) {
    const d = safeDeployments.getSafeSingletonDeployments({ version, released: true });
    singletonCache.set(key, d ? addressesOn(d, chainId)[0] : undefined);
  }
  const hit = singletonCache.get(key);
  return hit ? { ...hit } : undefined;
}

/**
 * The libraries a Safe may delegatecall without a finding: MultiSend, MultiSendCallOnly,
 * CreateCall and SignMessageLib at their published addresses. Migration libraries are left out
 * on purpose — they change the implementation and belong to a governance rule.
 */
export function defaultDelegatecallAllowList(chainId: number): Address[] {
  return [...new Set(safeLibraryDeployments(chainId).map((d) => d.address))];
}
