/**
 * Access: who may do what. Decisive first: grants waiting for a second administrator (with the
 * Approve button, a passkey step-up), then grants that expire soon, the access review's flags,
 * everyone and their roles, and one's own passkeys. Parts the caller may not read, or that the
 * server does not offer, are named as missing rather than drawn empty.
 */
import { useCallback, useEffect, useState } from 'react';
import { isAbort } from '../errorInfo.ts';
import { utcTime } from '../format.ts';
import {
  fetchGrants,
  fetchPasskeys,
  fetchPeople,
  fetchReview,
  type GrantRow,
  type Part,
  type PasskeyRow,
  type PersonRow,
  type Review,
} from './accessAdminApi.ts';
import { PendingGrant } from './PendingGrant.tsx';
import { useSession } from './useSession.ts';
import './access.css';
import './accessAdmin.css';

const SOON_MS = 7 * 24 * 3600_000;

/** `in 2 d`, `in 5 h`: how long a grant has left. */
function timeLeft(iso: string, now: number): string {
  const s = Math.round((Date.parse(iso) - now) / 1000);
  if (s <= 0) return 'now';
  if (s < 3600) return `in ${Math.max(1, Math.floor(s / 60))} min`;
  if (s < 86_400) return `in ${Math.floor(s / 3600)} h`;
  return `in ${Math.floor(s / 86_400)} d`;
}

interface Data {
  people?: Part<PersonRow[]>;
  grants?: Part<GrantRow[]>;
  review?: Part<Review>;
  passkeys?: Part<PasskeyRow[]>;
}

function Missing({ part, what }: { part: Part<unknown> | undefined; what: string }) {
  if (!part) return <p aria-busy="true">Loading {what}…</p>;
  if (part.ok) return null;
  return (
    <p className="muted" data-testid="part-missing">
      {part.code === 'PERMISSION_DENIED'
        ? `Your roles do not include reading ${what}.`
        : part.code === 'NOT_FOUND' || part.code === 'HTTP_404'
          ? `This server does not offer ${what}.`
          : `${what} could not be loaded: ${part.message}`}{' '}
      <code>{part.code}</code>
    </p>
  );
}

export function AccessPage() {
  const session = useSession();
  const [data, setData] = useState<Data>({});
  const [reloads, setReloads] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `reloads` re-reads after a change
  useEffect(() => {
    const ctl = new AbortController();
    const set =
      <K extends keyof Data>(k: K) =>
      (v: NonNullable<Data[K]>) =>
        setData((d) => ({ ...d, [k]: v }));
    const fail = (e: unknown) => {
      if (!isAbort(e)) throw e;
    };
    fetchPeople(ctl.signal).then(set('people'), fail);
    fetchGrants(ctl.signal).then(set('grants'), fail);
    fetchReview(ctl.signal).then(set('review'), fail);
    fetchPasskeys(ctl.signal).then(set('passkeys'), fail);
    return () => ctl.abort();
  }, [reloads]);
  const changed = useCallback(() => setReloads((n) => n + 1), []);

  if (session && !session.signedIn)
    return (
      <>
        <h1>Access</h1>
        <p>
          <a href="/signin">Sign in</a> to administer access.
        </p>
      </>
    );

  const me = session?.signedIn ? `user:${session.person.id}` : undefined;
  const canApprove = session?.signedIn ? session.permissions.includes('access:roles:write') : false;
  const names = new Map<string, string>();
  if (data.people?.ok) for (const p of data.people.value) names.set(`user:${p.id}`, p.name);
  const nameOf = (principal: string) => names.get(principal) ?? principal;
  const grants = data.grants?.ok ? data.grants.value : [];
  const pending = grants.filter((g) => g.status === 'pending');
  const now = Date.now();
  const live = grants.filter((g) => g.status === 'active');
  const expiringSoon = (g: GrantRow) => g.expiresAt !== null && Date.parse(g.expiresAt) - now < SOON_MS;

  return (
    <>
      <h1>Access</h1>

      <section aria-labelledby="pending-title" className="access-section">
        <h2 id="pending-title">Grants waiting for a second administrator</h2>
        <Missing part={data.grants} what="grants" />
        {data.grants?.ok && pending.length === 0 && <p className="none">None waiting.</p>}
        <ul className="pending-grants">
          {pending.map((g) => (
            <PendingGrant
              key={g.id}
              grant={g}
              nameOf={nameOf}
              me={me}
              canApprove={canApprove}
              onApproved={changed}
            />
          ))}
        </ul>
      </section>

      <section aria-labelledby="grants-title" className="access-section">
        <h2 id="grants-title">Grants in force</h2>
        {data.grants?.ok && (
          <table className="grants" data-testid="grants-table">
            <thead>
              <tr>
                <th scope="col">Who</th>
                <th scope="col">Role</th>
                <th scope="col">Ends</th>
                <th scope="col">Last used</th>
                <th scope="col">Approved by</th>
              </tr>
            </thead>
            <tbody>
              {live.map((g) => (
                <tr key={g.id} className={expiringSoon(g) ? 'expiring' : undefined} data-grant-id={g.id}>
                  <td>{nameOf(g.principal)}</td>
                  <td>
                    {g.role}
                    {g.privileged ? <strong> (privileged)</strong> : null}
                  </td>
                  <td>
                    {g.expiresAt === null ? (
                      'no end'
                    ) : expiringSoon(g) ? (
                      <strong data-testid="expiring">
                        ⚠ expires {timeLeft(g.expiresAt, now)}: {utcTime(g.expiresAt)}
                      </strong>
                    ) : (
                      utcTime(g.expiresAt)
                    )}
                  </td>
                  <td>{g.lastUsedAt ? utcTime(g.lastUsedAt) : 'never'}</td>
                  <td>{g.approvedBy ? nameOf(g.approvedBy) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section aria-labelledby="review-title" className="access-section">
        <h2 id="review-title">Access review</h2>
        <Missing part={data.review} what="the access review" />
        {data.review?.ok && (
          <>
            <p data-testid="review-summary">
              {data.review.value.summary.grants} grants:{' '}
              <strong>{data.review.value.summary.unused} unused</strong> for {data.review.value.unusedDays}{' '}
              days, <strong>{data.review.value.summary.expiring} expiring</strong> within{' '}
              {data.review.value.expiringDays} days, {data.review.value.summary.pending} pending,{' '}
              <strong>{data.review.value.summary.breakGlassUses} break-glass uses</strong>.
            </p>
            <ul className="review-flags">
              {data.review.value.grants
                .filter((g) => (g.flags ?? []).some((f) => f !== 'privileged'))
                .map((g) => (
                  <li key={g.id}>
                    {g.principalName ?? nameOf(g.principal)} — {g.role}:{' '}
                    <strong>{(g.flags ?? []).join(', ')}</strong>
                  </li>
                ))}
            </ul>
          </>
        )}
      </section>

      <section aria-labelledby="people-title" className="access-section">
        <h2 id="people-title">People</h2>
        <Missing part={data.people} what="people" />
        {data.people?.ok && (
          <table className="grants" data-testid="people-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Roles</th>
                <th scope="col">Status</th>
                <th scope="col">Enrolled</th>
              </tr>
            </thead>
            <tbody>
              {data.people.value.map((p) => (
                <tr key={p.id}>
                  <td>
                    {p.name}
                    {me === `user:${p.id}` ? <strong> (you)</strong> : null}
                  </td>
                  <td>{p.roles.length ? p.roles.join(', ') : 'none'}</td>
                  <td>{p.status}</td>
                  <td>{utcTime(p.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <p className="hint">
          Invite someone with <code>rampart access invite --roles operator</code>: it prints a one-time
          enrollment link.
        </p>
      </section>

      <section aria-labelledby="passkeys-title" className="access-section">
        <h2 id="passkeys-title">Your passkeys</h2>
        <Missing part={data.passkeys} what="your passkeys" />
        {data.passkeys?.ok && (
          <ul>
            {data.passkeys.value.map((k) => (
              <li key={k.id}>
                <strong>{k.label}</strong>, registered {utcTime(k.createdAt)}, last used{' '}
                {k.lastUsedAt ? utcTime(k.lastUsedAt) : 'never'}
                {k.backedUp ? ' (synced)' : ''}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
