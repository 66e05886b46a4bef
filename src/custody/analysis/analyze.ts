/**
 * Analysis of one Safe transaction for one registered wallet, from raw fields alone: hashes for
 * the wallet's exact version, the decoded call tree, signatures checked against the owners,
 * simulation effects (when a simulation was run), findings, a verdict and the digest approvers
 * sign. Pure: no I/O; the simulation is run separately and passed in.
 */
import { type Address, getAddress, type Hex } from 'viem';
import { type DecodedCall, decodeCall } from '../evm/decode/decode-call.ts';
import { defaultDelegatecallAllowList } from '../evm/deployments.ts';
import { safeHashes } from '../evm/safe-hash.ts';
import type { SafeTx, SafeTxRecord } from '../evm/safe-tx.ts';
import { checkSafeSignatures, packConfirmations, type SignatureCheck } from '../evm/signatures.ts';
import type { Effects, SimulationResult } from '../evm/simulate/types.ts';
import type { SafeVersion } from '../evm/versions.ts';
import { checkCalls } from './check-calls.ts';
import { checkScreening } from './check-screening.ts';
import { checkSimulation } from './check-simulation.ts';
import { checkTransaction, type HashClaims } from './check-transaction.ts';
import { analysisDigest } from './digest.ts';
import { type Finding, sortFindings } from './findings.ts';
import { type Verdict, verdictOf } from './verdict.ts';
import type { WalletConfig } from './wallet.ts';

export interface SafeTxJson {
  to: Address;
  value: string;
  data: Hex;
  operation: number;
  safeTxGas: string;
  baseGas: string;
  gasPrice: string;
  gasToken: Address;
  refundReceiver: Address;
  nonce: string;
}

export interface Analysis {
  chainId: number;
  wallet: Address;
  version: SafeVersion;
  tx: SafeTxJson;
  safeTxHash: Hex;
  domainHash: Hex;
  messageHash: Hex;
  decoded: DecodedCall;
  /** null when the transaction was not simulated */
  effects: Effects | null;
  /** how the simulation went; null when not simulated */
  simulation: SimulationSummary | null;
  /** null when no signatures came with the transaction */
  signatures: SignatureCheck | null;
  findings: Finding[];
  verdict: Verdict;
  /** owner signatures the wallet needs (its threshold); the policy may ask for more approvals */
  requiredApprovals: number;
  /** see digest.ts */
  digest: string;
}

export interface SimulationSummary {
  executed: boolean;
  success: boolean;
  gasUsed: string;
  revertReason?: string;
  missingCode: Address[];
  contractSafeTxHash?: Hex;
}

function summary(sim: SimulationResult): SimulationSummary {
  return {
    executed: sim.executed,
    success: sim.success,
    gasUsed: sim.gasUsed,
    ...(sim.revertReason !== undefined ? { revertReason: sim.revertReason } : {}),
    missingCode: sim.missingCode,
    ...(sim.contractSafeTxHash !== undefined ? { contractSafeTxHash: sim.contractSafeTxHash } : {}),
  };
}

export interface AnalyzeInput {
  wallet: WalletConfig;
  record: SafeTxRecord;
  simulation?: SimulationResult | null;
  claims?: HashClaims;
  /** owners known to have approved the hash on chain (for v = 1 signatures) */
  approvedBy?: Address[];
  /** The screening set (injected; the alliance set in production), besides `wallet.screened`. */
  screening?: { has(address: string): boolean };
}

/** The wallet's own list, or the injected set. */
function orSet(own: ReadonlySet<string>, other: AnalyzeInput['screening']): { has(a: string): boolean } {
  return other ? { has: (a) => own.has(a) || other.has(a) } : own;
}

export function safeTxToJson(tx: SafeTx): SafeTxJson {
  return {
    to: tx.to,
    value: tx.value.toString(),
    data: tx.data,
    operation: tx.operation,
    safeTxGas: tx.safeTxGas.toString(),
    baseGas: tx.baseGas.toString(),
    gasPrice: tx.gasPrice.toString(),
    gasToken: tx.gasToken,
    refundReceiver: tx.refundReceiver,
    nonce: tx.nonce.toString(),
  };
}

const lower = (xs: readonly string[]) => new Set(xs.map((x) => x.toLowerCase()));

export function analyzeSafeTx(input: AnalyzeInput): Analysis {
  const { wallet, record } = input;
  const tx = record.tx;
  const hashes = safeHashes(
    { version: wallet.version, chainId: wallet.chainId, verifyingContract: wallet.address },
    tx,
  );
  const decoded = decodeCall(tx);

  let signatures: SignatureCheck | null = null;
  const packed =
    record.signatures ??
    (record.confirmations ? packConfirmations(record.confirmations).signatures : undefined);
  if (packed !== undefined && packed !== '0x') {
    signatures = checkSafeSignatures({
      hash: hashes.safeTxHash,
      signatures: packed,
      owners: wallet.owners,
      threshold: wallet.threshold,
      ...(input.approvedBy ? { approvedBy: input.approvedBy } : {}),
    });
  }

  const allowList = [
    ...defaultDelegatecallAllowList(wallet.chainId),
    ...(wallet.delegatecallAllowList ?? []),
  ];
  // Owners are deliberately not "known" recipients: funds or rights sent from a cold wallet to
  // one of its own signers is exactly what the address book must approve first.
  const known = lower([wallet.address, ...(wallet.addressBook ?? []).map((e) => e.address), ...allowList]);
  const simulation = input.simulation ?? null;
  const findings = sortFindings([
    ...checkCalls(decoded, { wallet: wallet.address, delegatecallAllowed: lower(allowList), known }),
    ...checkTransaction({
      wallet: wallet.address,
      ...(wallet.nonce !== undefined ? { walletNonce: wallet.nonce } : {}),
      record,
      hashes,
      ...(input.claims ? { claims: input.claims } : {}),
      signatures,
    }),
    ...checkSimulation(simulation, hashes.safeTxHash),
    ...checkScreening({
      screened: orSet(lower(wallet.screened ?? []), input.screening),
      record,
      decoded,
      signatures,
      simulation,
    }),
  ]);

  const body: Omit<Analysis, 'digest'> = {
    chainId: wallet.chainId,
    wallet: getAddress(wallet.address),
    version: wallet.version,
    tx: safeTxToJson(tx),
    safeTxHash: hashes.safeTxHash,
    domainHash: hashes.domainHash,
    messageHash: hashes.messageHash,
    decoded,
    effects: simulation?.effects ?? null,
    simulation: simulation ? summary(simulation) : null,
    signatures,
    findings,
    verdict: verdictOf(findings),
    requiredApprovals: wallet.threshold,
  };
  return { ...body, digest: analysisDigest(body) };
}
