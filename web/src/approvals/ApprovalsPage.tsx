/**
 * Approvals: the queue of custody requests. Pending first; each shows what changes, the hash to
 * compare on the device, why, who, and approvals against the quorum. Approving takes a passkey
 * step-up bound to that request and digest.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useSession } from '../access/useSession.ts';
import { fetchWallets } from '../custody/custodyApi.ts';
import { type AddressLabels, addressLabels } from '../custody/display.ts';
import type { Wallet } from '../custody/types.ts';
import { errorInfo, isAbort } from '../errorInfo.ts';
import { type CustodyRequest, fetchRequests } from './approvalsApi.ts';
import { RequestCard } from './RequestCard.tsx';
import '../custody/custody.css';
import './approvals.css';

const FILTERS = [
  { value: 'pending', label: 'Waiting for approval' },
  { value: 'approved', label: 'Approved' },
  { value: 'denied', label: 'Denied' },
  { value: 'all', label: 'All' },
];

export function ApprovalsPage() {
  const session = useSession();
  const [status, setStatus] = useState('pending');
  const [requests, setRequests] = useState<CustodyRequest[] | null>(null);
  const [wallets, setWallets] = useState<Wallet[]>([]);
  const [problem, setProblem] = useState<{ code: string; message: string } | null>(null);
  const [reloads, setReloads] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `reloads` is the Refresh button's trigger
  useEffect(() => {
    const ctl = new AbortController();
    setProblem(null);
    fetchRequests(status, ctl.signal)
      .then(setRequests)
      .catch((e) => {
        if (!isAbort(e)) setProblem(errorInfo(e));
      });
    fetchWallets(ctl.signal)
      .then(setWallets)
      .catch(() => {});
    return () => ctl.abort();
  }, [status, reloads]);

  const me = session?.signedIn ? `user:${session.person.id}` : undefined;
  const canApprove = session?.signedIn ? session.permissions.includes('custody:approve') : false;
  const canExport = session?.signedIn ? session.permissions.includes('custody:request:submit') : false;
  const labelsFor = useMemo(() => {
    const cache = new Map<string, AddressLabels>();
    return (r: CustodyRequest) => {
      const k = `${r.chainId}:${r.wallet.toLowerCase()}`;
      if (!cache.has(k))
        cache.set(k, addressLabels(wallets.find((w) => `${w.chainId}:${w.address.toLowerCase()}` === k)));
      return cache.get(k)!;
    };
  }, [wallets]);
  const replace = useCallback((u: CustodyRequest) => {
    setRequests((rs) => rs?.map((r) => (r.id === u.id ? u : r)) ?? null);
  }, []);

  if (session && !session.signedIn)
    return (
      <>
        <h1>Approvals</h1>
        <p>
          <a href="/signin">Sign in</a> to see the requests waiting for approval.
        </p>
      </>
    );

  return (
    <>
      <h1>Approvals</h1>
      <div className="approvals-toolbar">
        <label htmlFor="approvals-filter">Show</label>
        <select id="approvals-filter" value={status} onChange={(e) => setStatus(e.target.value)}>
          {FILTERS.map((f) => (
            <option key={f.value} value={f.value}>
              {f.label}
            </option>
          ))}
        </select>
        <button type="button" onClick={() => setReloads((n) => n + 1)}>
          Refresh
        </button>
      </div>
      {problem && (
        <p role="alert" className="access-error">
          {problem.message} <code>{problem.code}</code>
        </p>
      )}
      {requests === null && !problem && <p aria-busy="true">Loading the queue…</p>}
      {requests?.length === 0 && (
        <p className="none" data-testid="queue-empty">
          Nothing {status === 'all' ? 'here' : status} right now.
        </p>
      )}
      <div className="request-list">
        {requests?.map((r) => (
          <RequestCard
            key={`${r.id}:${r.digest}`}
            request={r}
            me={me}
            canApprove={canApprove}
            canExport={canExport}
            labels={labelsFor(r)}
            onChanged={replace}
          />
        ))}
      </div>
    </>
  );
}
