/**
 * Analysis of transactions for a registered wallet: the stored registration, the current
 * screening list, and a real-EVM simulation (one warm simulator per chain).
 */
import type { Ledger } from '../../ledger/index.ts';
import { analyzeSafeTxList, type ListEntry } from '../analysis/analyze-list.ts';
import { parseExtraState } from '../evm/simulate/extra-state.ts';
import { SafeSimulator } from '../evm/simulate/simulator.ts';
import { screeningFor } from './screening.ts';
import { getWallet } from './wallets.ts';

const simulators = new Map<number, Promise<SafeSimulator>>();

function simulatorFor(chainId: number): Promise<SafeSimulator> {
  let s = simulators.get(chainId);
  if (!s) {
    s = SafeSimulator.create(chainId);
    simulators.set(chainId, s);
    s.catch(() => simulators.delete(chainId));
  }
  return s;
}

export async function analyzeForWallet(
  ledger: Ledger,
  opts: {
    wallet: string;
    chainId?: number;
    input: unknown;
    simulate?: boolean;
    /** Code, storage and balances of contracts the transaction touches, for an offline fork. */
    extraState?: unknown;
  },
): Promise<ListEntry[]> {
  const wallet = await getWallet(ledger, opts.wallet, opts.chainId);
  // The injected screening set (fail closed when none is wired), brought up to date first.
  const screening = screeningFor(ledger);
  await screening.prepare();
  const simulator = opts.simulate === false ? undefined : await simulatorFor(wallet.chainId);
  const extraState = parseExtraState(opts.extraState);
  return analyzeSafeTxList(wallet, opts.input, {
    screening: { has: (a) => screening.isListed(a) },
    ...(simulator ? { simulator, ...(extraState.length ? { extraState } : {}) } : {}),
  });
}

/** JSON for output: bigints as decimal strings. */
export function jsonSafe<T>(v: T): unknown {
  return JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)));
}
