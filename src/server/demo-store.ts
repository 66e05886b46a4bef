/**
 * The demo of `rampart serve --demo` as one unit: the ledger history (demo.ts), then the proof of
 * reserves (demo-reserves.ts), then a `demo.seeded` entry that says it is whole.
 *
 * Why a unit: each step is its own ledger transaction, so a stop in the middle of a first start (a
 * Ctrl-C while the liabilities tree is built) leaves a consistent but partial demo, and "seed only
 * an empty store" would then never finish it. Here a store holding exactly a prefix of the demo's
 * steps, and nothing else, is finished where it stopped; a store holding anything that is not the
 * demo, or the finished demo, is never touched.
 */
import type { Ledger, StoredEntry } from '../ledger/index.ts';
import { ATTESTATION_ACTION, LIABILITIES_PUBLISHED } from '../reserves/index.ts';
import { DEMO_HISTORY, seedDemo } from './demo.ts';
import { DEMO_ATTESTATIONS, DEMO_RESERVES_ACTOR, DEMO_USERS, seedReservesDemo } from './demo-reserves.ts';

export const DEMO_SEEDED = 'demo.seeded';
/** The whole demo: history, liabilities, attestations, the mark; a larger store cannot be an unfinished one. */
const DEMO_MAX_ENTRIES = DEMO_HISTORY + 1 + DEMO_ATTESTATIONS + 1;

export interface DemoSeeded {
  /** Entries written by this call. */
  entries: number;
  /** True when an interrupted demo was finished rather than a new one written. */
  resumed: boolean;
  users: number;
  attestations: number;
}

/** How far an unfinished demo got, or undefined when the store holds something else. */
interface DemoProgress {
  history: number;
  liabilities: boolean;
  attestations: number;
}

/**
 * Reads the store's entries as the demo's steps, in order: history entries (`"demo": true`), then
 * at most one liabilities publication and the attestations, both by the demo's actor.
 */
export function demoProgress(entries: readonly StoredEntry[]): DemoProgress | undefined {
  const p: DemoProgress = { history: 0, liabilities: false, attestations: 0 };
  for (const e of entries) {
    const reserves = e.actor === DEMO_RESERVES_ACTOR;
    if (e.payload?.demo === true && e.action !== DEMO_SEEDED && !reserves) {
      // History comes first and is at most its fixed length (a `rampart demo --stream` store is not it).
      if (p.liabilities || p.history >= DEMO_HISTORY) return undefined;
      p.history++;
    } else if (reserves && e.action === LIABILITIES_PUBLISHED) {
      if (p.history < DEMO_HISTORY || p.liabilities) return undefined;
      p.liabilities = true;
    } else if (reserves && e.action === ATTESTATION_ACTION) {
      if (!p.liabilities || p.attestations >= DEMO_ATTESTATIONS) return undefined;
      p.attestations++;
    } else return undefined;
  }
  return p;
}

/**
 * Seeds the demo into an empty store or finishes an interrupted one; undefined when the store holds
 * anything else (real data, or a finished demo).
 */
export async function seedDemoStore(
  ledger: Ledger,
  dataDir: string,
  last = new Date(),
): Promise<DemoSeeded | undefined> {
  const size = await ledger.size();
  if (size > DEMO_MAX_ENTRIES) return undefined;
  const progress = demoProgress(size === 0 ? [] : await ledger.entries(0, size));
  if (!progress) return undefined;
  let entries = await seedDemo(ledger, { entries: DEMO_HISTORY, done: progress.history });
  entries += await seedReservesDemo(ledger, dataDir, last, {
    liabilities: progress.liabilities,
    attestations: progress.attestations,
  });
  await ledger.record({
    actor: 'system',
    action: DEMO_SEEDED,
    payload: { demo: true, history: DEMO_HISTORY, users: DEMO_USERS, attestations: DEMO_ATTESTATIONS },
  });
  return {
    entries: entries + 1,
    resumed: size > 0,
    users: DEMO_USERS,
    attestations: DEMO_ATTESTATIONS,
  };
}
