/**
 * The audit ledger: the latest signed checkpoint (signature checked here), then the entries,
 * each verifiable against that checkpoint in this browser. The page shown is kept in the URL
 * (`?at=<top index>`) so a reload or a shared link lands on the same entries.
 */
import { useCallback, useEffect, useState } from 'react';
import { CheckpointPanel } from './CheckpointPanel.tsx';
import { EntriesTable } from './EntriesTable.tsx';
import { Pager } from './Pager.tsx';
import { type CheckpointState, useCheckpoint } from './useCheckpoint.ts';
import { pageTopFor, useEntriesPage } from './useEntriesPage.ts';

function topFromUrl(): number | null {
  const at = new URLSearchParams(window.location.search).get('at');
  return at !== null && /^\d+$/.test(at) ? Number(at) : null;
}

export function LedgerPage() {
  const [top, setTop] = useState<number | null>(topFromUrl);
  const [highlight, setHighlight] = useState<number | null>(null);
  const [generation, setGeneration] = useState(0);
  const checkpoint = useCheckpoint();
  const entries = useEntriesPage(top, generation);

  useEffect(() => {
    const onPop = () => setTop(topFromUrl());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  const goTo = useCallback((next: number | null, mark: number | null = null) => {
    const url = new URL(window.location.href);
    if (next === null) url.searchParams.delete('at');
    else url.searchParams.set('at', String(next));
    window.history.pushState(null, '', url);
    setTop(next);
    setHighlight(mark);
  }, []);

  const { reload: reloadCheckpoint } = checkpoint;
  const reload = useCallback(() => {
    reloadCheckpoint();
    setGeneration((g) => g + 1);
  }, [reloadCheckpoint]);

  const cpSize = coveredSize(checkpoint.state);
  const page = entries.page;
  const logSize = page?.size ?? null;

  return (
    <>
      <header className="page-head">
        <h1>Audit ledger</h1>
        <p className="muted">
          Append-only Merkle log (RFC 6962). Signatures and inclusion proofs are checked in this browser, with
          the same code the server runs.
        </p>
        <button type="button" onClick={reload}>
          Reload
        </button>
      </header>

      <CheckpointPanel state={checkpoint.state} />

      <section className="panel" aria-labelledby="entries-title">
        <div className="section-head">
          <h2 id="entries-title">Entries</h2>
          {logSize !== null && (
            <span className="muted">
              {logSize.toLocaleString('en-US')} in the log
              {cpSize !== null &&
                logSize > cpSize &&
                ` · ${(logSize - cpSize).toLocaleString('en-US')} not yet in a checkpoint`}
            </span>
          )}
        </div>
        {entries.error && (
          <p className="status bad" role="alert">
            ✗ Cannot load entries: <code>{entries.error.code}</code> {entries.error.message}
          </p>
        )}
        {page === null && entries.loading && <p className="muted">Loading…</p>}
        {page !== null && (
          <div aria-busy={entries.loading}>
            <Pager
              size={page.size}
              top={page.top}
              onPage={(t) => goTo(t)}
              onJump={(i) => goTo(pageTopFor(i, page.size), i)}
            />
            <EntriesTable entries={page.entries} checkpointSize={cpSize} highlight={highlight} />
          </div>
        )}
      </section>
    </>
  );
}

/** Entries below this index are covered by a verified checkpoint; null when not known. */
function coveredSize(state: CheckpointState): number | null {
  if (state.status === 'verified') return state.verified.size;
  if (state.status === 'none') return 0;
  return null;
}
