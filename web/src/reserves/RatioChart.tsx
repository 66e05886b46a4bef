/**
 * The reserve ratio per asset over time: plain SVG, one line per asset, the 1.0 line (reserves equal
 * liabilities) dashed. Accessible: the SVG has a title and a description that states the latest
 * values, and the page shows the same numbers as a table beside it (RatioHistoryTable).
 */
import { useId } from 'react';
import type { AttestationSummary } from './reservesApi.ts';

const COLORS = ['#1f5fbf', '#b35900', '#0b7a4b', '#7a2fa3', '#a3111f', '#2f7a8c'];
const W = 560;
const H = 260;
const PAD = { left: 48, right: 16, top: 16, bottom: 40 };

export function assetsOf(history: AttestationSummary[]): string[] {
  return [...new Set(history.flatMap((a) => a.assets.map((l) => l.asset)))].sort();
}

export function colorOf(i: number): string {
  return COLORS[i % COLORS.length]!;
}

export function RatioChart({ history }: { history: AttestationSummary[] }) {
  const id = useId();
  const assets = assetsOf(history);
  const points = history.map(
    (a) => new Map(a.assets.filter((l) => l.ratio !== null).map((l) => [l.asset, Number(l.ratio)])),
  );
  const max = Math.max(1.2, ...points.flatMap((p) => [...p.values()])) * 1.05;
  const n = history.length;
  const x = (i: number) =>
    PAD.left + (n === 1 ? (W - PAD.left - PAD.right) / 2 : (i * (W - PAD.left - PAD.right)) / (n - 1));
  const y = (v: number) => PAD.top + (1 - v / max) * (H - PAD.top - PAD.bottom);
  const ticks = [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 3, 5].filter((t) => t <= max);
  const latest = history.at(-1);
  const desc = latest
    ? `${n} attestation${n === 1 ? '' : 's'} from ${history[0]!.date} to ${latest.date}. Latest ratios: ${latest.assets
        .map((l) => `${l.asset} ${l.ratio ?? 'no liabilities'}`)
        .join(', ')}. A ratio below 1 means the reserves do not cover the liabilities.`
    : 'No attestation yet.';
  return (
    <figure className="chart">
      <svg
        className="ratio-chart"
        viewBox={`0 0 ${W} ${H}`}
        width={W}
        height={H}
        role="img"
        aria-labelledby={`${id}-t ${id}-d`}
        data-testid="ratio-chart"
      >
        <title id={`${id}-t`}>Reserve ratio per asset over time</title>
        <desc id={`${id}-d`}>{desc}</desc>
        {ticks.map((t) => (
          <g key={t}>
            <line className={t === 1 ? 'par' : 'grid'} x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} />
            <text x={PAD.left - 6} y={y(t) + 4} textAnchor="end">
              {t.toFixed(2)}
            </text>
          </g>
        ))}
        <line className="axis" x1={PAD.left} x2={PAD.left} y1={PAD.top} y2={H - PAD.bottom} />
        <line className="axis" x1={PAD.left} x2={W - PAD.right} y1={H - PAD.bottom} y2={H - PAD.bottom} />
        {history.map((a, i) => (
          <text key={a.seq} x={x(i)} y={H - PAD.bottom + 16} textAnchor="middle">
            {n <= 8 || i % Math.ceil(n / 8) === 0 || i === n - 1 ? a.date.slice(5) : ''}
          </text>
        ))}
        {assets.map((asset, k) => {
          const pts = points
            .map((p, i) => (p.has(asset) ? `${x(i)},${y(p.get(asset)!)}` : null))
            .filter((s): s is string => s !== null);
          return (
            <g key={asset} data-asset={asset}>
              <polyline fill="none" stroke={colorOf(k)} strokeWidth={2} points={pts.join(' ')} />
              {pts.map((p) => {
                const [cx, cy] = p.split(',');
                return <circle key={p} cx={cx} cy={cy} r={3} fill={colorOf(k)} />;
              })}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <ul className="legend" aria-label="Assets">
          {assets.map((a, k) => (
            <li key={a}>
              <span className="swatch" style={{ background: colorOf(k) }} aria-hidden="true" />
              {a}
            </li>
          ))}
          <li>
            <span className="swatch" style={{ background: 'var(--bad)' }} aria-hidden="true" />
            1.00 = reserves equal liabilities
          </li>
        </ul>
      </figcaption>
    </figure>
  );
}
