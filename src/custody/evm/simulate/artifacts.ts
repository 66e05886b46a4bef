/**
 * Creation bytecode of the official Safe contracts, read from the npm packages installed side by
 * side under aliases (`safe-contracts-<version>`): truffle artifacts for 1.0.0–1.2.0, hardhat
 * artifacts for 1.3.0 and 1.4.1. Nothing is downloaded; a missing package is a typed error.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Hex } from 'viem';
import { RampartError } from '../../../core/index.ts';
import type { SafeVersion } from '../versions.ts';

export type SafeContractName =
  | 'singleton'
  | 'proxy'
  | 'MultiSend'
  | 'MultiSendCallOnly'
  | 'CreateCall'
  | 'SignMessageLib'
  | 'CompatibilityFallbackHandler';

const TRUFFLE = 'build/contracts';
const HARDHAT = 'build/artifacts/contracts';

const PATHS: Record<SafeVersion, Partial<Record<SafeContractName, string>>> = {
  '1.0.0': { singleton: `${TRUFFLE}/GnosisSafe.json`, proxy: `${TRUFFLE}/Proxy.json` },
  '1.1.1': {
    singleton: `${TRUFFLE}/GnosisSafe.json`,
    proxy: `${TRUFFLE}/Proxy.json`,
    MultiSend: `${TRUFFLE}/MultiSend.json`,
  },
  '1.2.0': { singleton: `${TRUFFLE}/GnosisSafe.json`, proxy: `${TRUFFLE}/GnosisSafeProxy.json` },
  '1.3.0': {
    singleton: `${HARDHAT}/GnosisSafe.sol/GnosisSafe.json`,
    proxy: `${HARDHAT}/proxies/GnosisSafeProxy.sol/GnosisSafeProxy.json`,
    MultiSend: `${HARDHAT}/libraries/MultiSend.sol/MultiSend.json`,
    MultiSendCallOnly: `${HARDHAT}/libraries/MultiSendCallOnly.sol/MultiSendCallOnly.json`,
    CreateCall: `${HARDHAT}/libraries/CreateCall.sol/CreateCall.json`,
    SignMessageLib: `${HARDHAT}/examples/libraries/SignMessage.sol/SignMessageLib.json`,
    CompatibilityFallbackHandler: `${HARDHAT}/handler/CompatibilityFallbackHandler.sol/CompatibilityFallbackHandler.json`,
  },
  '1.4.1': {
    singleton: `${HARDHAT}/Safe.sol/Safe.json`,
    proxy: `${HARDHAT}/proxies/SafeProxy.sol/SafeProxy.json`,
    MultiSend: `${HARDHAT}/libraries/MultiSend.sol/MultiSend.json`,
    MultiSendCallOnly: `${HARDHAT}/libraries/MultiSendCallOnly.sol/MultiSendCallOnly.json`,
    CreateCall: `${HARDHAT}/libraries/CreateCall.sol/CreateCall.json`,
    SignMessageLib: `${HARDHAT}/libraries/SignMessageLib.sol/SignMessageLib.json`,
    CompatibilityFallbackHandler: `${HARDHAT}/handler/CompatibilityFallbackHandler.sol/CompatibilityFallbackHandler.json`,
  },
};

export interface Artifact {
  contractName: string;
  /** creation code (constructor arguments not included) */
  bytecode: Hex;
  /** runtime code as compiled (immutables zeroed) */
  deployedBytecode: Hex;
}

const require = createRequire(import.meta.url);
const cache = new Map<string, Artifact>();

export function hasSafeArtifact(version: SafeVersion, name: SafeContractName): boolean {
  return PATHS[version][name] !== undefined;
}

export function loadSafeArtifact(version: SafeVersion, name: SafeContractName): Artifact {
  const rel = PATHS[version][name];
  if (rel === undefined) {
    throw new RampartError('SAFE_ARTIFACT_MISSING', `Safe ${version} has no ${name} contract`, {
      details: { version, name },
    });
  }
  const key = `${version}/${rel}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let json: { contractName: string; bytecode: string; deployedBytecode: string };
  try {
    json = JSON.parse(readFileSync(require.resolve(`safe-contracts-${version}/${rel}`), 'utf8'));
  } catch (cause) {
    throw new RampartError(
      'SAFE_ARTIFACT_MISSING',
      `cannot read the Safe ${version} ${name} artifact; is safe-contracts-${version} installed?`,
      {
        details: { version, name },
        cause,
        status: 500,
      },
    );
  }
  const a: Artifact = {
    contractName: json.contractName,
    bytecode: json.bytecode.toLowerCase() as Hex,
    deployedBytecode: json.deployedBytecode.toLowerCase() as Hex,
  };
  cache.set(key, a);
  return a;
}
