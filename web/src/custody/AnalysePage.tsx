/**
 * Custody → Analyse transaction. Choose a registered wallet, paste or drop the transaction JSON
 * (a Safe Transaction Service record, a list response, or an array), Analyse. Rampart decodes,
 * hashes and simulates it from the raw fields; each transaction is then shown verdict first.
 * Bad input never leaves a blank page: what was wrong is named.
 */
import { type DragEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { errorInfo, isAbort } from '../errorInfo.ts';
import { analyze, fetchWallets } from './custodyApi.ts';
import { addressLabels } from './display.ts';
import { parseTransactionJson } from './parseInput.ts';
import { ResultBoundary } from './ResultBoundary.tsx';
import { TransactionResult } from './TransactionResult.tsx';
import './custody.css';
import { type AnalyzeResponse, isRecordError, type Wallet } from './types.ts';

type Problem = { code: string; message: string };

function walletKey(w: { chainId: number; address: string }): string {
  return `${w.chainId}:${w.address.toLowerCase()}`;
}

/** `?wallet=0x…` (and `&chain=1`) preselects a wallet, registered or not (the server decides). */
function walletFromUrl(): string {
  const q = new URLSearchParams(window.location.search);
  const w = q.get('wallet');
  if (!w) return '';
  return `${Number(q.get('chain') ?? 1) || 1}:${w.toLowerCase()}`;
}

export function AnalysePage() {
  const [wallets, setWallets] = useState<Wallet[] | null>(null);
  const [walletsError, setWalletsError] = useState<Problem | null>(null);
  const [selected, setSelected] = useState<string>(walletFromUrl);
  const [text, setText] = useState('');
  const [fileName, setFileName] = useState<string | null>(null);
  const [simulate, setSimulate] = useState(true);
  const [dragging, setDragging] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [response, setResponse] = useState<{ res: AnalyzeResponse; wallet: string } | null>(null);
  /** completed analyses (answers and refusals alike), so a test or a screen reader can tell a new one arrived */
  const [runs, setRuns] = useState(0);
  const inflight = useRef<AbortController | null>(null);

  useEffect(() => {
    const ctl = new AbortController();
    fetchWallets(ctl.signal)
      .then((ws) => {
        setWallets(ws);
        setSelected((cur) => cur || (ws.length === 1 ? walletKey(ws[0]!) : ''));
      })
      .catch((e) => {
        if (!isAbort(e)) setWalletsError(errorInfo(e));
      });
    return () => ctl.abort();
  }, []);

  const wallet = useMemo(() => wallets?.find((w) => walletKey(w) === selected), [wallets, selected]);
  const labels = useMemo(
    () => addressLabels(response ? wallets?.find((w) => walletKey(w) === response.wallet) : undefined),
    [wallets, response],
  );

  const run = useCallback(async () => {
    setProblem(null);
    setResponse(null);
    if (!selected) {
      setProblem({ code: 'NO_WALLET', message: 'Choose the wallet this transaction is for.' });
      setRuns((n) => n + 1);
      return;
    }
    const parsed = parseTransactionJson(text);
    if (!parsed.ok) {
      setProblem(parsed.problem);
      setRuns((n) => n + 1);
      return;
    }
    const [chain, address] = selected.split(':') as [string, string];
    inflight.current?.abort();
    const ctl = new AbortController();
    inflight.current = ctl;
    setBusy(true);
    try {
      const res = await analyze(
        { wallet: address, chainId: Number(chain), transaction: parsed.value, simulate },
        ctl.signal,
      );
      setResponse({ res, wallet: selected });
    } catch (e) {
      if (!isAbort(e)) setProblem(errorInfo(e));
    } finally {
      if (inflight.current === ctl) {
        setBusy(false);
        setRuns((n) => n + 1);
      }
    }
  }, [selected, text, simulate]);

  const readFile = useCallback((file: File) => {
    file
      .text()
      .then((t) => {
        setText(t);
        setFileName(file.name);
        setProblem(null);
        setResponse(null);
      })
      .catch((e) =>
        setProblem({ code: 'FILE_UNREADABLE', message: `${file.name}: ${errorInfo(e).message}` }),
      );
  }, []);

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    const file = e.dataTransfer.files[0];
    if (file) readFile(file);
    else {
      const t = e.dataTransfer.getData('text/plain');
      if (t) setText(t);
    }
  };

  const unregistered = selected !== '' && wallets !== null && !wallet;
  const results = response?.res.results ?? [];
  const counts = { deny: 0, review: 0, allow: 0, error: 0 };
  for (const r of results) counts[isRecordError(r) ? 'error' : r.verdict] += 1;

  return (
    <>
      <header className="page-head">
        <h1>
          <span className="crumb">Custody ›</span> Analyse transaction
        </h1>
        <p className="muted">
          Rampart decodes, hashes and simulates the transaction itself, from its raw fields: trust this page,
          not the screen that asked you to sign.
        </p>
      </header>

      <section className="panel analyse-form" aria-label="Transaction to analyse" data-runs={runs}>
        <div className="form-row">
          <label htmlFor="wallet">Wallet</label>
          <div className="form-field">
            <select
              id="wallet"
              value={selected}
              onChange={(e) => {
                setSelected(e.target.value);
                setResponse(null);
              }}
            >
              <option value="">
                {wallets === null && !walletsError ? 'Loading wallets…' : 'Choose a wallet…'}
              </option>
              {unregistered && <option value={selected}>{selected.split(':')[1]} (not registered)</option>}
              {wallets?.map((w) => (
                <option key={walletKey(w)} value={walletKey(w)}>
                  {w.address} · chain {w.chainId} · Safe {w.version} · {w.threshold} of {w.owners.length}
                </option>
              ))}
            </select>
            {walletsError && (
              <p className="status bad" role="alert">
                ✗ Cannot load the registered wallets: <code>{walletsError.code}</code> {walletsError.message}
              </p>
            )}
            {wallets?.length === 0 && (
              <p className="status warn">
                No wallet is registered yet: register one with{' '}
                <code>
                  rampart custody wallet add --chain 1 --address 0x… --version 1.3.0 --owners … --threshold 2
                </code>
                .
              </p>
            )}
            {unregistered && (
              <p className="status warn">
                <code>{selected.split(':')[1]}</code> is not among the registered wallets.
              </p>
            )}
          </div>
        </div>
        <div className="form-row">
          <label htmlFor="tx-json">Transaction JSON</label>
          <div className="form-field">
            <textarea
              id="tx-json"
              className={dragging ? 'dropzone dragging' : 'dropzone'}
              spellCheck={false}
              placeholder="Paste a Safe Transaction Service record or list response here, or drop a .json file."
              value={text}
              onChange={(e) => {
                setText(e.target.value);
                setFileName(null);
              }}
              onDragOver={(e) => {
                e.preventDefault();
                setDragging(true);
              }}
              onDragLeave={() => setDragging(false)}
              onDrop={onDrop}
            />
            <div className="form-actions">
              <label className="file-pick">
                <input
                  type="file"
                  accept="application/json,.json"
                  onChange={(e) => {
                    const f = e.target.files?.[0];
                    if (f) readFile(f);
                    e.target.value = '';
                  }}
                />
                Open file…
              </label>
              {fileName && <span className="muted">{fileName}</span>}
              <label className="check">
                <input type="checkbox" checked={simulate} onChange={(e) => setSimulate(e.target.checked)} />{' '}
                Simulate in a real EVM
              </label>
              <button type="button" className="primary" onClick={run} disabled={busy}>
                {busy ? 'Analysing…' : 'Analyse'}
              </button>
            </div>
          </div>
        </div>
      </section>

      {problem && (
        <p className="status bad input-error" role="alert" data-testid="analyse-error">
          ✗ <code>{problem.code}</code> {problem.message}
        </p>
      )}

      {response && (
        <section aria-label="Analysis" data-testid="analysis">
          <p className={`summary ${response.res.denied ? 'bad-text' : 'ok-text'}`} data-testid="summary">
            {results.length} transaction{results.length === 1 ? '' : 's'} analysed:{' '}
            {(['deny', 'review', 'allow', 'error'] as const)
              .filter((k) => counts[k] > 0)
              .map((k) => `${counts[k]} ${k === 'error' ? 'invalid' : k.toUpperCase()}`)
              .join(', ')}
            {results.length === 0 && 'the input held no transaction.'}
          </p>
          {results.map((r, i) => {
            const position = `Transaction ${i + 1} of ${results.length}`;
            return isRecordError(r) ? (
              <article
                className="tx-result v-error"
                key={r.index}
                data-testid="tx-result"
                data-verdict="error"
              >
                <header className="tx-verdict">
                  <div className="verdict-word">INVALID</div>
                  <div className="verdict-text">
                    <p className="verdict-line">
                      {position} (record {r.index}) could not be analysed: <code>{r.error.code}</code>{' '}
                      {r.error.message}
                    </p>
                    <p className="verdict-meta">
                      Nothing about this record has been checked. Do not sign it.
                    </p>
                  </div>
                </header>
              </article>
            ) : (
              <ResultBoundary key={r.index} position={position}>
                <TransactionResult result={r} position={position} labels={labels} />
              </ResultBoundary>
            );
          })}
        </section>
      )}
    </>
  );
}
