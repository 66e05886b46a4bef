/**
 * Drop (or pick, or paste) an inclusion proof, optionally give the published root, read the answer.
 * Everything happens in this browser: nothing is sent anywhere. Used by the standalone page
 * (web/verifier/) and by the console's Reserves page.
 */
import { type DragEvent, useEffect, useId, useState } from 'react';
import { type ProofReport, proofReport } from './proofReport.ts';

const MARK: Record<string, string> = { passed: '✓', failed: '✗', 'not-run': '·', skipped: '–' };
const STATE_TEXT: Record<string, string> = {
  passed: 'passed',
  failed: 'failed',
  'not-run': 'not run',
  skipped: 'skipped: no published root given',
};

export function ProofVerifier({ defaultRoot = '' }: { defaultRoot?: string }) {
  const id = useId();
  const [proofText, setProofText] = useState('');
  const [fileName, setFileName] = useState<string | null>(null);
  const [rootText, setRootText] = useState(defaultRoot);
  const [report, setReport] = useState<ProofReport | null>(null);
  const [dragging, setDragging] = useState(false);
  const [rootEdited, setRootEdited] = useState(false);
  // The console learns the published root after the first render: fill it in unless the user typed.
  useEffect(() => {
    if (!rootEdited) setRootText(defaultRoot);
  }, [defaultRoot, rootEdited]);

  const run = (text = proofText, root = rootText) => setReport(proofReport(text, root));
  const load = async (file: File) => {
    const text = await file.text();
    setFileName(file.name);
    setProofText(text);
    run(text);
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    const f = e.dataTransfer.files[0];
    if (f) void load(f);
  };

  return (
    <section className="proof-verifier" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Check your proof</h2>
      <p className="muted">
        Checked here, in this browser, by the same verifier as <code>rampart reserves verify</code>. Nothing
        is sent anywhere.
      </p>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: a drop target for the mouse; the file input inside it is the keyboard path */}
      <div
        className={`dropzone${dragging ? ' dragging' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        data-testid="dropzone"
      >
        <label htmlFor={`${id}-file`}>
          <strong>Drop your proof file here</strong>, or choose it:
        </label>{' '}
        <input
          id={`${id}-file`}
          type="file"
          accept=".json,application/json"
          onChange={(e) => {
            const f = e.currentTarget.files?.[0];
            if (f) void load(f);
          }}
        />
        {fileName && <p className="muted">Loaded {fileName}</p>}
      </div>
      <details>
        <summary>…or paste the proof (JSON)</summary>
        <label htmlFor={`${id}-text`} className="visually-hidden">
          Proof JSON
        </label>
        <textarea
          id={`${id}-text`}
          rows={6}
          spellCheck={false}
          value={proofText}
          onChange={(e) => setProofText(e.currentTarget.value)}
        />
      </details>
      <label htmlFor={`${id}-root`}>
        Published root{' '}
        <span className="muted">
          (optional: the root hash, or the whole root statement, as the exchange published it)
        </span>
      </label>
      <textarea
        id={`${id}-root`}
        rows={2}
        spellCheck={false}
        className="mono"
        value={rootText}
        onChange={(e) => {
          setRootEdited(true);
          setRootText(e.currentTarget.value);
        }}
      />
      <p>
        <button type="button" onClick={() => run()} disabled={proofText.trim() === ''}>
          Verify
        </button>
      </p>
      <div role="status" aria-live="polite">
        {report && <ReportView report={report} />}
      </div>
    </section>
  );
}

export function ReportView({ report }: { report: ProofReport }) {
  return (
    <div
      className={`verdict ${report.ok ? 'verified' : 'failed'}`}
      data-testid="proof-verdict"
      data-ok={String(report.ok)}
    >
      <p className="verdict-head">
        {report.ok ? (
          <>✓ Your balances are counted in the liabilities</>
        ) : (
          <>
            ✗ This proof does not verify: {report.message} <code>{report.code}</code>
          </>
        )}
      </p>
      {report.ok && !report.againstPublishedRoot && (
        <p className="warning" data-testid="no-root-warning">
          The proof is consistent with its own root, but no published root was given: compare the root hash
          below with the one the exchange published, or paste it above and verify again.
        </p>
      )}
      {report.ok && (
        <>
          <dl className="facts">
            <dt>User</dt>
            <dd className="mono">{report.user}</dd>
            <dt>Snapshot</dt>
            <dd>{report.snapshotTime}</dd>
            <dt>Root hash</dt>
            <dd className="mono" data-testid="proof-root">
              {report.rootHash}
            </dd>
          </dl>
          <table className="balances">
            <caption>Your balances and the total liabilities (base units: satoshi, wei, …)</caption>
            <thead>
              <tr>
                <th scope="col">Asset</th>
                <th scope="col">Your balance</th>
                <th scope="col">Total of all users</th>
              </tr>
            </thead>
            <tbody>
              {report.balances.map((b) => (
                <tr key={b.asset}>
                  <th scope="row">{b.asset}</th>
                  <td className="num mono">{b.balance}</td>
                  <td className="num mono">{b.total}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <ol className="proof-checks" aria-label="Checks">
        {report.checks.map((c) => (
          <li key={c.code} className={c.state} data-state={c.state}>
            <span aria-hidden="true">{MARK[c.state]}</span> {c.label}{' '}
            <span className="muted">
              ({STATE_TEXT[c.state]}
              {c.state === 'failed' ? `, ${c.code}` : ''})
            </span>
          </li>
        ))}
      </ol>
    </div>
  );
}
