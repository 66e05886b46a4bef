/**
 * One custody request in the approvals queue, decisive facts first: what it does and what changes
 * (a write to the wallet's own configuration flagged in words, not only colour), the hash to
 * compare on the hardware device, why the policy asks for this quorum, who initiated it and the
 * approvals so far against the quorum; then the approve button (a passkey step-up), or why this
 * person cannot approve.
 */
import { useState } from 'react';
import { Address } from '../custody/Address.tsx';
import { type AddressLabels, eth, sortBySeverity } from '../custody/display.ts';
import { EffectsView } from '../custody/EffectsView.tsx';
import { GroupedHex } from '../custody/Hash.tsx';
import { errorInfo } from '../errorInfo.ts';
import { utcTime } from '../format.ts';
import { approveWithPasskey, type CustodyRequest } from './approvalsApi.ts';
import { ExportBundle } from './ExportBundle.tsx';

const BOOKKEEPING = new Set(['nonce', 'approved_hashes', 'signed_messages']);

function headline(r: CustodyRequest, labels: AddressLabels) {
  const tx = r.analysis.tx;
  const fn = r.analysis.decoded?.function;
  const kind = tx.operation === 1 ? 'DELEGATECALL' : 'call';
  if (tx.data === '0x' || tx.data === '')
    return (
      <>
        Send {eth(tx.value)} to <Address value={tx.to} labels={labels} />
      </>
    );
  return (
    <>
      {kind === 'DELEGATECALL' ? <strong className="bad-text">DELEGATECALL </strong> : null}
      {fn ? fn.name : `unknown function ${r.analysis.decoded?.selector ?? ''}`} on{' '}
      <Address value={tx.to} labels={labels} />
      {tx.value !== '0' ? <> with {eth(tx.value)}</> : null}
    </>
  );
}

export function RequestCard(props: {
  request: CustodyRequest;
  me: string | undefined;
  canApprove: boolean;
  canExport: boolean;
  labels: AddressLabels;
  onChanged: (r: CustodyRequest) => void;
}) {
  const { request: r, me, canApprove, labels } = props;
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string; code?: string }>();
  const current = r.approvals.filter((a) => a.digest === r.digest);
  const need = r.decision.requiredApprovals;
  const mine = me !== undefined && r.initiator === me;
  const approvedByMe = current.some((a) => a.approver === me);
  const configWrites = (r.analysis.effects?.walletStorageWrites ?? []).filter(
    (w) => !BOOKKEEPING.has(w.kind),
  );
  const titleId = `req-${r.id}`;
  const showButton = r.status === 'pending' && !mine && !approvedByMe && canApprove;

  async function approve() {
    setBusy(true);
    setResult(undefined);
    try {
      const updated = await approveWithPasskey(r);
      setResult({ ok: true, text: 'Approved with your passkey.' });
      props.onChanged(updated);
    } catch (e) {
      const err = errorInfo(e);
      setResult({ ok: false, text: err.message, code: err.code });
    } finally {
      setBusy(false);
    }
  }

  return (
    <article
      className={`request-card v-${r.analysis.verdict}`}
      aria-labelledby={titleId}
      data-testid="request"
      data-request-id={r.id}
    >
      <header className="request-head">
        <h2 id={titleId}>{headline(r, labels)}</h2>
        <p className="request-meta">
          <span className={`badge status-${r.status}`}>{r.status.toUpperCase()}</span>{' '}
          <span data-testid="quorum">
            Approvals <strong>{current.length}</strong> of <strong>{need}</strong>
          </span>{' '}
          · verdict <strong>{r.analysis.verdict.toUpperCase()}</strong> · wallet{' '}
          <Address value={r.wallet} labels={labels} /> on chain {r.chainId}
        </p>
        {configWrites.length > 0 && (
          <p className="status bad" role="note" data-testid="config-write-warning">
            ⚠ Changes the wallet's own configuration: {configWrites.map((w) => w.kind).join(', ')}. This is
            how the 2025 theft replaced a wallet's implementation.
          </p>
        )}
      </header>

      <section className="tx-section" aria-label="What changes">
        <h3>What changes</h3>
        <EffectsView
          effects={r.analysis.effects}
          simulation={r.analysis.simulation}
          simulationError={r.analysis.simulationError}
          labels={labels}
        />
      </section>

      <section className="tx-section" aria-label="Compare on your device">
        <h3>Compare on your hardware device</h3>
        <dl className="hashes">
          <dt>Safe transaction hash</dt>
          <dd>
            <GroupedHex value={r.analysis.safeTxHash} testId="safe-tx-hash" />
          </dd>
          <dt>Rampart analysis digest (what you approve)</dt>
          <dd>
            <GroupedHex value={`0x${r.digest}`} testId="digest" />
          </dd>
        </dl>
      </section>

      <section className="tx-section" aria-label="Why">
        <h3>Why the policy says so</h3>
        <p data-testid="policy-reason">
          {r.decision.decision === 'deny'
            ? 'Denied: '
            : `${need} approval${need === 1 ? '' : 's'} required: `}
          {r.decision.reason}
          {r.decision.ruleId && !r.decision.reason.includes(r.decision.ruleId) ? (
            <>
              {' '}
              (rule <code>{r.decision.ruleId}</code>)
            </>
          ) : null}
        </p>
        {r.analysis.findings.length > 0 && (
          <ul className="findings">
            {sortBySeverity(r.analysis.findings).map((f) => (
              <li key={`${f.code}@${f.path}`} className={`finding sev-${f.severity}`}>
                <span className="sev">{f.severity.toUpperCase()}</span> <code className="code">{f.code}</code>{' '}
                <span className="message">{f.message}</span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="tx-section" aria-label="Who">
        <h3>Who</h3>
        <p>
          Initiated by <code data-testid="initiator">{r.initiator}</code>
          {mine ? <strong> (you)</strong> : null} at {utcTime(r.createdAt)}
        </p>
        {current.length === 0 ? (
          <p className="none">No approvals of this digest yet.</p>
        ) : (
          <ol className="approvals-list">
            {current.map((a) => (
              <li key={a.approver}>
                <code>{a.approver}</code>
                {a.approver === me ? <strong> (you)</strong> : null} at {utcTime(a.createdAt)}{' '}
                {a.via === 'passkey' ? 'with a passkey' : 'with an approval key'}
              </li>
            ))}
          </ol>
        )}
      </section>

      <footer className="request-actions">
        {r.status === 'approved' && props.canExport ? (
          <ExportBundle request={r} />
        ) : r.status !== 'pending' ? (
          <p className="muted">This request is {r.status}; nothing to approve.</p>
        ) : mine ? (
          <p className="status warn" data-testid="initiator-cannot-approve">
            You initiated this request, so you cannot approve it: another approver must.
          </p>
        ) : approvedByMe ? (
          <p className="status ok" data-testid="already-approved">
            You approved this digest.
          </p>
        ) : !canApprove ? (
          <p className="muted">You cannot approve transfers (your roles lack custody:approve).</p>
        ) : (
          <button
            type="button"
            className="primary"
            onClick={approve}
            disabled={busy}
            aria-describedby={`${titleId}-hint`}
          >
            {busy ? 'Waiting for your passkey…' : 'Approve with passkey'}
          </button>
        )}
        {showButton && (
          <p id={`${titleId}-hint`} className="hint">
            Your passkey signs this request's id and digest only; it cannot approve anything else.
          </p>
        )}
        {result && (
          <p
            role={result.ok ? 'status' : 'alert'}
            className={result.ok ? 'status ok' : 'access-error'}
            data-testid="approve-result"
          >
            {result.text} {result.code ? <code>{result.code}</code> : null}
          </p>
        )}
      </footer>
    </article>
  );
}
