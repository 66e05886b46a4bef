/**
 * Analysis of a whole Safe Transaction Service list response (or an array, or one record): each
 * record on its own, so one bad record is reported as an error entry and the others are still
 * analysed. Nothing here throws on record content.
 */
import { isRampartError } from '../../core/index.ts';
import { parseSafeTxList } from '../evm/safe-tx.ts';
import type { SafeSimulator, SimulateInput } from '../evm/simulate/simulator.ts';
import { type Analysis, type AnalyzeInput, analyzeSafeTx } from './analyze.ts';
import { analyzeWithSimulation } from './analyze-simulated.ts';
import type { WalletConfig } from './wallet.ts';

export type ListEntry =
  | { index: number; analysis: Analysis; simulationError?: { code: string; message: string } }
  | { index: number; error: { code: string; message: string; details?: Record<string, unknown> } };

function errorJson(e: unknown): { code: string; message: string; details?: Record<string, unknown> } {
  if (isRampartError(e)) return e.toJSON();
  return { code: 'INTERNAL', message: 'unexpected error while analysing this record' };
}

export async function analyzeSafeTxList(
  wallet: WalletConfig,
  input: unknown,
  opts: {
    simulator?: SafeSimulator;
    claims?: AnalyzeInput['claims'];
    extraState?: SimulateInput['extraState'];
    screening?: AnalyzeInput['screening'];
  } = {},
): Promise<ListEntry[]> {
  const out: ListEntry[] = [];
  for (const item of parseSafeTxList(input)) {
    if (!item.record) {
      out.push({ index: item.index, error: errorJson(item.error) });
      continue;
    }
    const base = {
      wallet,
      record: item.record,
      ...(opts.claims ? { claims: opts.claims } : {}),
      ...(opts.screening ? { screening: opts.screening } : {}),
    };
    try {
      if (opts.simulator) {
        const r = await analyzeWithSimulation(opts.simulator, {
          ...base,
          ...(opts.extraState ? { extraState: opts.extraState } : {}),
        });
        out.push({
          index: item.index,
          analysis: r.analysis,
          ...(r.simulationError !== undefined ? { simulationError: errorJson(r.simulationError) } : {}),
        });
      } else {
        out.push({ index: item.index, analysis: analyzeSafeTx(base) });
      }
    } catch (e) {
      out.push({ index: item.index, error: errorJson(e) });
    }
  }
  return out;
}

/** Exit-code rule of `rampart custody analyze`: 1 when any record is denied or invalid. */
export function anyDenied(entries: readonly ListEntry[]): boolean {
  return entries.some((e) => !('analysis' in e) || e.analysis.verdict === 'deny');
}
