/**
 * Console → Reserves. Decisive facts first: is every asset covered? Then the latest liabilities
 * root and its totals, the ratio per asset, its history (chart and the same numbers as a table),
 * and the user-side verification of a proof, in the browser.
 */
import { useEffect, useState } from 'react';
import { utcTime } from '../format.ts';
import { ProofVerifier } from './ProofVerifier.tsx';
import { assetsOf, RatioChart } from './RatioChart.tsx';
import {
  type AttestationStatementView,
  type AttestationSummary,
  fetchHistory,
  fetchRatio,
  fetchStatement,
  type RatioView,
} from './reservesApi.ts';
import './reserves.css';

type Load =
  | { state: 'loading' }
  | { state: 'error'; code: string; message: string }
  | { state: 'ok'; ratio: RatioView; history: AttestationSummary[] };

function isShort(ratio: string | null): boolean {
  return ratio !== null && ratio.startsWith('0');
}

export function ReservesPage() {
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  useEffect(() => {
    const ac = new AbortController();
    Promise.all([fetchRatio(ac.signal), fetchHistory(ac.signal)])
      .then(([ratio, history]) => setLoad({ state: 'ok', ratio, history }))
      .catch((e: { code?: string; message: string; name?: string }) => {
        if (e.name === 'AbortError') return;
        setLoad({ state: 'error', code: e.code ?? 'ERROR', message: e.message });
      });
    return () => ac.abort();
  }, []);

  return (
    <>
      <header className="page-head">
        <h1>Reserves</h1>
        <p>
          Proof of reserves: liabilities published as a Merkle-sum root, reserves proven by address ownership.
        </p>
      </header>
      {load.state === 'loading' && <p aria-busy="true">Loading…</p>}
      {load.state === 'error' && (
        <p className="verdict failed" role="alert">
          Cannot load the reserves: {load.message} <code>{load.code}</code>
        </p>
      )}
      {load.state === 'ok' && <Overview ratio={load.ratio} history={load.history} />}
      <section className="panel">
        <ProofVerifier defaultRoot={load.state === 'ok' ? (load.ratio.liabilities?.root ?? '') : ''} />
        <p>
          <a href="/rampart-verify.html" download="rampart-verify.html">
            Download the standalone verifier
          </a>{' '}
          <span className="muted">(one HTML file: users open it from disk, it makes no network request)</span>
        </p>
      </section>
    </>
  );
}

function Overview({ ratio, history }: { ratio: RatioView; history: AttestationSummary[] }) {
  const a = ratio.attestation;
  const short = a ? a.assets.filter((l) => isShort(l.ratio)) : [];
  return (
    <>
      <section className="panel" aria-labelledby="reserves-status">
        <h2 id="reserves-status" className="visually-hidden">
          Status
        </h2>
        {!a ? (
          <p className="verdict pending" data-testid="reserves-status">
            No reserves attestation yet. Publish one with <code>rampart reserves attest &lt;file&gt;</code>.
          </p>
        ) : short.length > 0 ? (
          <p
            className="verdict failed"
            data-testid="reserves-status"
            data-short={short.map((l) => l.asset).join(',')}
          >
            ✗ Reserves do not cover liabilities for{' '}
            {short.map((l) => `${l.asset} (ratio ${l.ratio})`).join(', ')}
          </p>
        ) : (
          <p className="verdict verified" data-testid="reserves-status">
            ✓ Reserves cover liabilities for every asset
          </p>
        )}
        {a && !ratio.current && (
          <p className="warning">
            A newer liabilities root has been published since attestation #{a.seq}: its ratios are against an
            older root.
          </p>
        )}
      </section>

      {a && (
        <section className="panel" aria-labelledby="ratio-h">
          <h2 id="ratio-h">
            Reserve ratio, {a.date}{' '}
            <span className="muted">
              (attestation #{a.seq}, ledger entry {a.ledgerIndex})
            </span>
          </h2>
          <table className="ratios" data-testid="ratio-table">
            <caption>Reserves ÷ liabilities per asset, in base units, rounded down to 6 decimals</caption>
            <thead>
              <tr>
                <th scope="col">Asset</th>
                <th scope="col">Ratio</th>
                <th scope="col">Reserves</th>
                <th scope="col">Liabilities</th>
              </tr>
            </thead>
            <tbody>
              {a.assets.map((l) => (
                <tr key={l.asset}>
                  <th scope="row">{l.asset}</th>
                  <td
                    className={`num ${l.ratio === null ? '' : isShort(l.ratio) ? 'ratio-short' : 'ratio-ok'}`}
                  >
                    {l.ratio ?? '—'} {l.ratio !== null && (isShort(l.ratio) ? 'short' : 'covered')}
                  </td>
                  <td className="num mono">{l.reserves}</td>
                  <td className="num mono">{l.liabilities}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted mono">statement sha256 {a.digest}</p>
          <ProvenAt seq={a.seq} />
        </section>
      )}

      {ratio.liabilities && (
        <section className="panel" aria-labelledby="root-h">
          <h2 id="root-h">Latest liabilities root</h2>
          <dl className="facts">
            <dt>Root hash</dt>
            <dd className="mono" data-testid="liabilities-root">
              {ratio.liabilities.root}
            </dd>
            <dt>Snapshot</dt>
            <dd>{ratio.liabilities.snapshotTime ? utcTime(ratio.liabilities.snapshotTime) : '—'}</dd>
            <dt>Ledger entry</dt>
            <dd>{ratio.liabilities.ledgerIndex ?? '—'}</dd>
            {Object.entries(ratio.liabilities.totals).map(([asset, total]) => (
              <FactRow key={asset} label={`Total ${asset}`} value={total} />
            ))}
          </dl>
        </section>
      )}

      {history.length > 0 && (
        <section className="panel" aria-labelledby="history-h">
          <h2 id="history-h">Ratio history</h2>
          <div className="chart-and-table">
            <RatioChart history={history} />
            <RatioHistoryTable history={history} />
          </div>
        </section>
      )}
    </>
  );
}

function FactRow({ label, value }: { label: string; value: string }) {
  return (
    <>
      <dt>{label}</dt>
      <dd className="mono">{value}</dd>
    </>
  );
}

function RatioHistoryTable({ history }: { history: AttestationSummary[] }) {
  const assets = assetsOf(history);
  return (
    <table className="history" data-testid="ratio-history-table">
      <caption>The chart's numbers: reserve ratio per attestation</caption>
      <thead>
        <tr>
          <th scope="col">Date</th>
          {assets.map((a) => (
            <th key={a} scope="col">
              {a}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {[...history].reverse().map((h) => (
          <tr key={h.seq}>
            <th scope="row">{h.date}</th>
            {assets.map((asset) => {
              const r = h.assets.find((l) => l.asset === asset)?.ratio ?? null;
              return (
                <td key={asset} className={`num ${r !== null && isShort(r) ? 'ratio-short' : ''}`}>
                  {r ?? '—'}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Where the reserves were proven: each chain's block, and every address with its balances. */
function ProvenAt({ seq }: { seq: number }) {
  const [st, setSt] = useState<AttestationStatementView | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const ac = new AbortController();
    fetchStatement(seq, ac.signal)
      .then(setSt)
      .catch((e: { name?: string; message: string }) => {
        if (e.name !== 'AbortError') setError(e.message);
      });
    return () => ac.abort();
  }, [seq]);
  if (error) return <p className="muted">Cannot load the statement: {error}</p>;
  if (!st) return null;
  return (
    <>
      <p data-testid="proven-at">
        Proven at{' '}
        {st.chains.map((c, i) => (
          <span key={c.chain}>
            {i > 0 && ', '}
            <code>{c.chain}</code> block {c.number}
          </span>
        ))}{' '}
        by {st.addresses.length} address{st.addresses.length === 1 ? '' : 'es'} with an ownership signature.
      </p>
      <details>
        <summary>Addresses and balances</summary>
        <table className="history" data-testid="proven-addresses">
          <caption>
            Every address of the statement, with its ownership proof and balances (base units)
          </caption>
          <thead>
            <tr>
              <th scope="col">Chain</th>
              <th scope="col">Address</th>
              <th scope="col">Proof</th>
              <th scope="col">Balances</th>
            </tr>
          </thead>
          <tbody>
            {st.addresses.map((x) => (
              <tr key={`${x.chain}/${x.address}`}>
                <td className="mono">{x.chain}</td>
                <td className="mono">{x.address}</td>
                <td>{x.scheme}</td>
                <td className="mono">
                  {Object.entries(x.balances)
                    .map(([k, v]) => `${k} ${v}`)
                    .join(' · ')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </>
  );
}
