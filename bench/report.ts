/**
 * The benchmark convention (bench/README.md): every benchmark returns results and ratios, printed
 * as a side-by-side table, or with --json as one document
 * {"benchmark", "results": [{subject, metric, value, unit}], "ratios": {name: value}}.
 */
export interface Result {
  subject: string;
  metric: string;
  value: number;
  unit: string;
}

export interface Report {
  benchmark: string;
  /** Conditions that make the numbers comparable (durability settings, sizes, machine). */
  conditions: Record<string, string | number>;
  results: Result[];
  ratios: Record<string, number>;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en-US');
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toPrecision(3);
}

export function printTable(r: Report): void {
  const rows = r.results.map((x) => [x.subject, x.metric, fmt(x.value), x.unit]);
  const head = ['subject', 'metric', 'value', 'unit'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 2 ? c.padStart(w[i]!) : c.padEnd(w[i]!))).join(' | ')} |`;
  const out = [
    `## ${r.benchmark}`,
    '',
    ...Object.entries(r.conditions).map(([k, v]) => `- ${k}: ${v}`),
    '',
    line(head),
    `|${w.map((n, i) => (i === 2 ? `${'-'.repeat(n + 1)}:` : '-'.repeat(n + 2))).join('|')}|`,
    ...rows.map(line),
    '',
    '| ratio | value |',
    '|---|---:|',
    ...Object.entries(r.ratios).map(([k, v]) => `| ${k} | ${fmt(v)} |`),
    '',
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}
