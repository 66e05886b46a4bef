/** One ledger entry: its columns, an expandable payload, and Verify. */
import { useEffect, useRef, useState } from 'react';
import { errorInfo, isAbort } from '../errorInfo.ts';
import { utcTime } from '../format.ts';
import type { EntryDto } from './types.ts';
import { VerifyResult } from './VerifyResult.tsx';
import { type EntryVerdict, verifyEntry } from './verifyEntry.ts';

export const COLUMNS = 7;

interface Props {
  entry: EntryDto;
  /** Size of the verified checkpoint on screen (0 when none is signed yet); null when unknown. */
  checkpointSize: number | null;
  highlighted: boolean;
}

export function EntryRow({ entry, checkpointSize, highlighted }: Props) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [verdict, setVerdict] = useState<EntryVerdict | null>(null);
  const ctl = useRef<AbortController | null>(null);
  useEffect(() => () => ctl.current?.abort(), []);

  // Unknown size (checkpoint loading, unreadable or invalid): let Verify run and say why it fails.
  const canVerify = checkpointSize === null || entry.index < checkpointSize;

  async function verify() {
    ctl.current?.abort();
    const c = new AbortController();
    ctl.current = c;
    setBusy(true);
    try {
      const v = await verifyEntry(entry, c.signal);
      if (!c.signal.aborted) setVerdict(v);
    } catch (e) {
      if (!isAbort(e)) setVerdict({ kind: 'failed', ...errorInfo(e), checks: [] });
    } finally {
      if (!c.signal.aborted) setBusy(false);
    }
  }

  const detailId = `entry-${entry.index}-detail`;
  return (
    <>
      <tr data-index={entry.index} className={highlighted ? 'highlight' : undefined}>
        <td className="num mono">{entry.index}</td>
        <td title={entry.time}>{utcTime(entry.time, false)}</td>
        <td title={entry.actor}>{entry.actor}</td>
        <td className="mono" title={entry.action}>
          {entry.action}
        </td>
        <td className="mono" title={entry.subject}>
          {entry.subject}
        </td>
        <td className="payload">
          <button
            type="button"
            className="linkish"
            aria-expanded={open}
            aria-controls={open ? detailId : undefined}
            onClick={() => setOpen(!open)}
            title={open ? 'Hide payload' : 'Show payload'}
          >
            <span aria-hidden="true">{open ? '▾' : '▸'}</span> {preview(entry.payload)}
          </button>
        </td>
        <td>
          {canVerify ? (
            <button type="button" onClick={verify} disabled={busy}>
              {busy ? 'Verifying…' : 'Verify'}
            </button>
          ) : (
            <span className="muted">not yet in a checkpoint</span>
          )}
          {verdict && <Badge verdict={verdict} />}
        </td>
      </tr>
      {(open || verdict) && (
        <tr className="detail" id={detailId}>
          <td colSpan={COLUMNS}>
            {verdict && <VerifyResult verdict={verdict} />}
            {open && <Payload entry={entry} />}
          </td>
        </tr>
      )}
    </>
  );
}

function Badge({ verdict }: { verdict: EntryVerdict }) {
  if (verdict.kind === 'verified') return <span className="badge ok">✓ verified</span>;
  if (verdict.kind === 'failed') return <span className="badge bad">✗ failed</span>;
  return <span className="badge warn">pending</span>;
}

function Payload({ entry }: { entry: EntryDto }) {
  return (
    <div className="payload-detail">
      <div>
        <h4>Payload</h4>
        <pre>{JSON.stringify(entry.payload, null, 2) ?? 'none'}</pre>
      </div>
      <div>
        <h4>Canonical entry (the leaf data, RFC 8785)</h4>
        <pre className="wrap">{entry.entry}</pre>
      </div>
    </div>
  );
}

function preview(payload: unknown): string {
  const s = JSON.stringify(payload) ?? 'none';
  return s.length > 200 ? `${s.slice(0, 199)}…` : s;
}
