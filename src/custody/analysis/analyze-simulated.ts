/** Simulate, then analyse: the whole pipeline for one transaction. */
import type { SafeSimulator, SimulateInput } from '../evm/simulate/simulator.ts';
import { type Analysis, type AnalyzeInput, analyzeSafeTx } from './analyze.ts';

/**
 * Runs the simulation for `input.record` on `simulator` and analyses with its result. A
 * simulation that cannot be set up is not an error of the analysis: it is analysed as not
 * simulated (SIMULATION_INCOMPLETE) and the reason is returned beside it.
 */
export async function analyzeWithSimulation(
  simulator: SafeSimulator,
  input: Omit<AnalyzeInput, 'simulation'> & {
    extraState?: SimulateInput['extraState'];
    walletBalance?: bigint;
  },
): Promise<{ analysis: Analysis; simulationError?: unknown }> {
  const { extraState, walletBalance, ...rest } = input;
  try {
    const simulation = await simulator.simulate({
      wallet: input.wallet,
      tx: input.record.tx,
      ...(extraState ? { extraState } : {}),
      ...(walletBalance !== undefined ? { walletBalance } : {}),
    });
    return { analysis: analyzeSafeTx({ ...rest, simulation }) };
  } catch (simulationError) {
    return { analysis: analyzeSafeTx({ ...rest, simulation: null }), simulationError };
  }
}
