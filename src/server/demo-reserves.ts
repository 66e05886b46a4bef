/**
 * Demo proof of reserves for a first look (`rampart serve --demo` on an empty store): a liabilities
 * tree of 2,000 made-up users built and published through the real code (src/reserves), then a
 * week of reserve attestations signed with the example's public, worthless keys, so that the
 * console's reserves page has a root to check proofs against and a ratio history to chart.
 * The users are `demo-user-0001`…; the balances come from a fixed sequence, so every demo is alike.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Ledger } from '../ledger/index.ts';
import { exampleAttestationText, publishAttestation, publishLiabilities } from '../reserves/index.ts';

export const DEMO_USERS = 2_000;
const ASSETS = ['BTC', 'ETH', 'USDT'] as const;
/** What the users hold in total, in base units: under the example attestation's reserves on most days. */
const TOTALS = { BTC: 32n * 10n ** 8n, ETH: 1_600n * 10n ** 18n, USDT: 4_700_000n * 10n ** 6n };

/** The demo snapshot as `rampart reserves build` reads it (CSV, base units). */
export function demoSnapshotCsv(users = DEMO_USERS): string {
  // A fixed linear congruential sequence: weights per user and asset, then each total shared out
  // by weight (the last user takes the rounding), so the totals are exact.
  let seed = 20_250_221;
  const next = () => {
    seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0;
    return BigInt(seed % 1000) + 1n;
  };
  const weights = Array.from({ length: users }, () => ASSETS.map(() => next()));
  const sums = ASSETS.map((_, a) => weights.reduce((s, w) => s + w[a]!, 0n));
  const given = ASSETS.map(() => 0n);
  const lines = [`user,${ASSETS.join(',')}`];
  weights.forEach((w, u) => {
    const cells = ASSETS.map((asset, a) => {
      const amount = u === users - 1 ? TOTALS[asset] - given[a]! : (TOTALS[asset] * w[a]!) / sums[a]!;
      given[a]! += amount;
      return amount.toString();
    });
    lines.push(`demo-user-${String(u + 1).padStart(4, '0')},${cells.join(',')}`);
  });
  return `${lines.join('\n')}\n`;
}

/** A week of attestations, ending on `last`; the ETH reserve dips under the liabilities on one day. */
const WEEK: Array<{ eth: [bigint, bigint]; usdt: [bigint, bigint] }> = [
  { eth: [1_500n, 250n], usdt: [4_000_000n, 1_000_000n] },
  { eth: [1_480n, 250n], usdt: [3_900_000n, 1_000_000n] },
  { eth: [1_300n, 250n], usdt: [3_950_000n, 1_000_000n] },
  { eth: [1_450n, 200n], usdt: [4_100_000n, 900_000n] },
  { eth: [1_450n, 250n], usdt: [4_000_000n, 950_000n] },
  { eth: [1_500n, 260n], usdt: [4_050_000n, 1_000_000n] },
  { eth: [1_500n, 250n], usdt: [4_000_000n, 1_000_000n] },
];

/** The actor of the demo's reserves entries (the demo history's entries carry `"demo": true`). */
export const DEMO_RESERVES_ACTOR = 'cli:demo';
export const DEMO_ATTESTATIONS = WEEK.length;

/**
 * Builds and publishes the demo liabilities and attestations; returns how many entries it wrote.
 * `done` finishes an interrupted seeding: the liabilities only if none were published, and the
 * attestations after the ones already there.
 */
export async function seedReservesDemo(
  ledger: Ledger,
  dataDir: string,
  last = new Date(),
  done: { liabilities: boolean; attestations: number } = { liabilities: false, attestations: 0 },
): Promise<number> {
  let written = 0;
  if (!done.liabilities) {
    const dir = mkdtempSync(join(tmpdir(), 'rampart-demo-'));
    try {
      const snapshot = join(dir, 'demo-balances.csv');
      writeFileSync(snapshot, demoSnapshotCsv(), { mode: 0o600 });
      await publishLiabilities(ledger, dataDir, {
        snapshot,
        assets: [...ASSETS],
        format: 'csv',
        actor: DEMO_RESERVES_ACTOR,
        workers: 1,
      });
      written++;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  for (let d = done.attestations; d < WEEK.length; d++) {
    const day = new Date(last.getTime() - (WEEK.length - 1 - d) * 86_400_000).toISOString().slice(0, 10);
    const w = WEEK[d]!;
    const text = await exampleAttestationText({
      exchange: 'Demo Exchange',
      date: day,
      eth: [w.eth[0] * 10n ** 18n, w.eth[1] * 10n ** 18n],
      usdt: [w.usdt[0] * 10n ** 6n, w.usdt[1] * 10n ** 6n],
    });
    await publishAttestation(ledger, text, DEMO_RESERVES_ACTOR, 'demo attestation');
    written++;
  }
  return written;
}
