/** Shared by the attestation tests: a liabilities root statement as the builder publishes it. */
import type { RootStatement } from '../../src/reserves/verify/index.ts';

/** docs/proof-of-reserves.md §7: the payload of `reserves.liabilities.published`. */
export function rootStatement(totals: Record<string, bigint>, hash = 'cd'.repeat(32)): RootStatement {
  const assets = Object.keys(totals);
  return {
    version: 1,
    buildId: 'test-build',
    snapshotTime: '2026-11-25T00:00:00.000Z',
    assets,
    height: 4,
    userCountBound: '16',
    root: { hash, totals: assets.map((a) => totals[a]!.toString()) },
  };
}
