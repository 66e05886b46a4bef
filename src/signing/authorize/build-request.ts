/**
 * Building signing requests from what the custody module and the approvers produced, for the
 * coordinator. A Safe request carries the simulation result the analysis used: it is recovered
 * exactly from the analysis itself (`simulation` summary + `effects` are the SimulationResult's
 * members), so the node's re-analysis reproduces the approved digest without re-simulating.
 */
import { bytesToBase64 } from '../../core/index.ts';
import type { Analysis, SimulationResult, WalletConfig } from '../../custody/index.ts';
import { parseSigningRequest, type SigningApproval, type SigningRequest } from './request.ts';

/** The SimulationResult an analysis was made with; null when it was not simulated. */
export function simulationFromAnalysis(analysis: Analysis): SimulationResult | null {
  if (!analysis.simulation || !analysis.effects) return null;
  const s = analysis.simulation;
  return {
    executed: s.executed,
    success: s.success,
    ...(s.revertReason !== undefined ? { revertReason: s.revertReason } : {}),
    gasUsed: s.gasUsed,
    effects: analysis.effects,
    missingCode: s.missingCode,
    ...(s.contractSafeTxHash !== undefined ? { contractSafeTxHash: s.contractSafeTxHash } : {}),
  };
}

/** JSON for a wallet registration: bigints as decimal strings (parseWalletConfig reads them back). */
function walletJson(wallet: WalletConfig): Record<string, unknown> {
  return JSON.parse(JSON.stringify(wallet, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
}

interface Common {
  requestId: string;
  policyVersion: string;
  approvals: SigningApproval[];
}

export function safeSigningRequest(
  o: Common & {
    /** the wallet registration the analysis used (with the screening list it was analysed with) */
    wallet: WalletConfig;
    /** the raw Safe transaction record, as submitted */
    record: Record<string, unknown>;
    analysis: Analysis;
    history?: Array<{ at: string; asset: string; amount: string }>;
  },
): SigningRequest {
  return parseSigningRequest({
    requestId: o.requestId,
    policyVersion: o.policyVersion,
    digest: o.analysis.digest,
    payload: {
      kind: 'safe',
      wallet: walletJson(o.wallet),
      transaction: o.record,
      simulation: simulationFromAnalysis(o.analysis),
      ...(o.history ? { history: o.history } : {}),
    },
    approvals: o.approvals,
  });
}

export function bitcoinSigningRequest(
  o: Common & { digest: string; network: 'mainnet' | 'testnet' | 'regtest'; psbt: string; input: number },
): SigningRequest {
  return parseSigningRequest({
    requestId: o.requestId,
    policyVersion: o.policyVersion,
    digest: o.digest,
    payload: { kind: 'bitcoin', network: o.network, psbt: o.psbt, input: o.input },
    approvals: o.approvals,
  });
}

export function messageSigningRequest(o: Common & { digest: string; message: Uint8Array }): SigningRequest {
  return parseSigningRequest({
    requestId: o.requestId,
    policyVersion: o.policyVersion,
    digest: o.digest,
    payload: { kind: 'message', message: bytesToBase64(o.message) },
    approvals: o.approvals,
  });
}
