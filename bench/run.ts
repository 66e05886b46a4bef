/** `npm run bench -- <name> [--json]`: run one benchmark and print its table (or its JSON). */
import { printTable, type Report } from './report.ts';

const benches: Record<string, () => Promise<{ run: (log: (s: string) => void) => Promise<Report> }>> = {
  ledger: () => import('./ledger.ts'),
  alliance: () => import('./alliance.ts'),
  access: () => import('./access.ts'),
  authz: () => import('./authz.ts'),
  custody: () => import('./custody.ts'),
  reserves: () => import('./reserves.ts'),
  'reserves-attest': () => import('./reserves-attest.ts'),
  signing: () => import('./signing.ts'),
};

const args = process.argv.slice(2);
const json = args.includes('--json');
// Bare words are benchmark names; `--flag value` pairs belong to the benchmark.
const names = args.filter(
  (a, i) => !a.startsWith('--') && !(args[i - 1]?.startsWith('--') && args[i - 1] !== '--json'),
);
if (names.length === 0 || names.some((n) => !benches[n])) {
  process.stderr.write(`usage: npm run bench -- <${Object.keys(benches).join('|')}> [--json]\n`);
  process.exit(2);
}
for (const name of names) {
  const mod = await benches[name]!();
  const report = await mod.run((s) => process.stderr.write(`${s}\n`));
  if (json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else printTable(report);
}
