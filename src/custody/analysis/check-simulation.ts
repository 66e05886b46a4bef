/** Findings from a simulation's outcome and effects. */
import type { WalletField } from '../evm/decode/registry.ts';
import type { SimulationResult, WalletSlotKind } from '../evm/simulate/types.ts';
import { UNLIMITED_THRESHOLD, WALLET_FIELD_CODE } from './check-calls.ts';
import { type Finding, finding } from './findings.ts';

const SLOT_FIELD: Partial<Record<WalletSlotKind, WalletField>> = {
  implementation: 'implementation',
  owners: 'owners',
  owner_count: 'owners',
  threshold: 'threshold',
  modules: 'modules',
  guard: 'guard',
  fallback_handler: 'fallback_handler',
};

/** Slots every execTransaction writes as part of its normal bookkeeping. */
const BOOKKEEPING: ReadonlySet<WalletSlotKind> = new Set(['nonce', 'approved_hashes', 'signed_messages']);

export function checkSimulation(sim: SimulationResult | null, safeTxHash?: string): Finding[] {
  if (sim === null) return [finding('SIMULATION_INCOMPLETE', 'the transaction was not simulated')];
  const out: Finding[] = [];
  if (
    safeTxHash !== undefined &&
    sim.contractSafeTxHash !== undefined &&
    sim.contractSafeTxHash.toLowerCase() !== safeTxHash.toLowerCase()
  ) {
    out.push(
      finding(
        'HASH_MISMATCH',
        `the simulated wallet contract computes safeTxHash ${sim.contractSafeTxHash}, not ${safeTxHash}`,
      ),
    );
  }
  if (!sim.executed || !sim.success) {
    out.push(
      finding(
        'SIMULATION_REVERTED',
        sim.executed
          ? `the Safe executed the transaction but its call failed${sim.revertReason ? `: ${sim.revertReason}` : ''}`
          : `execTransaction reverted${sim.revertReason ? `: ${sim.revertReason}` : ''}`,
      ),
    );
  }
  for (const a of sim.missingCode) {
    out.push(
      finding(
        'SIMULATION_INCOMPLETE',
        `${a} was called with data but has no code in the simulated state; supply it`,
      ),
    );
  }
  for (const w of sim.effects.walletStorageWrites) {
    const field = SLOT_FIELD[w.kind];
    if (field) {
      out.push(
        finding(
          WALLET_FIELD_CODE[field],
          `simulation: wallet storage slot ${w.slot} (${w.kind}) changes from ${w.before} to ${w.after}`,
        ),
      );
    } else if (!BOOKKEEPING.has(w.kind)) {
      out.push(
        finding(
          'WALLET_STORAGE_WRITE',
          `simulation: wallet storage slot ${w.slot} (${w.kind}) changes from ${w.before} to ${w.after}`,
        ),
      );
    }
  }
  for (const a of sim.effects.approvals) {
    if (
      a.amount === 'all' ||
      (/^[0-9]+$/.test(a.amount) && a.standard === 'erc20' && BigInt(a.amount) >= UNLIMITED_THRESHOLD)
    ) {
      out.push(
        finding(
          'UNLIMITED_APPROVAL',
          `simulation: ${a.owner} approves ${a.spender} for ${a.amount} on ${a.token}`,
        ),
      );
    }
  }
  return out;
}
