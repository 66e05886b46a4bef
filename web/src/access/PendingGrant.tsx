/** One grant waiting for a second administrator: who gets what, who asked, why; approve with a passkey. */
import { useState } from 'react';
import { errorInfo } from '../errorInfo.ts';
import { utcTime } from '../format.ts';
import { approveGrant, type GrantRow } from './accessAdminApi.ts';

export function PendingGrant(props: {
  grant: GrantRow;
  nameOf: (principal: string) => string;
  me: string | undefined;
  canApprove: boolean;
  onApproved: () => void;
}) {
  const { grant: g, nameOf, me } = props;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ code: string; message: string }>();
  const id = `grant-${g.id}`;
  const askedByMe = g.requestedBy === me;
  const forMe = g.principal === me;

  async function approve() {
    setBusy(true);
    setError(undefined);
    try {
      await approveGrant(g.id);
      props.onApproved();
    } catch (e) {
      setError(errorInfo(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <li className="pending-grant" aria-labelledby={id} data-testid="pending-grant" data-grant-id={g.id}>
      <p id={id}>
        <strong>{nameOf(g.principal)}</strong> to get the role <strong>{g.role}</strong>
        {g.privileged ? ' (privileged: needs a second administrator)' : ''}
        {g.expiresAt ? `, until ${utcTime(g.expiresAt)}` : ', with no end date'}
      </p>
      <p className="muted">
        Asked by {nameOf(g.requestedBy)}
        {askedByMe ? ' (you)' : ''} at {utcTime(g.requestedAt)}
        {g.reason ? `: “${g.reason}”` : ''}
      </p>
      {askedByMe ? (
        <p className="status warn" data-testid="grant-own-request">
          You asked for this grant, so another administrator must approve it.
        </p>
      ) : forMe ? (
        <p className="status warn">This grant is for you: another administrator must approve it.</p>
      ) : props.canApprove ? (
        <button type="button" className="primary" onClick={approve} disabled={busy}>
          {busy ? 'Waiting for your passkey…' : `Approve ${g.role} for ${nameOf(g.principal)}`}
        </button>
      ) : (
        <p className="muted">Approving grants needs the access:roles:write permission.</p>
      )}
      {error && (
        <p role="alert" className="access-error" data-testid="grant-error">
          {error.message} <code>{error.code}</code>
        </p>
      )}
    </li>
  );
}
