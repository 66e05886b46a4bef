/**
 * Alliance: incidents first (what is happening, and which members have acknowledged it, with
 * times), then the declare form, the screen box, and the feed of what members shared, by source.
 * Refreshes every five seconds so acknowledgements appear as they arrive.
 */
import { useCallback, useEffect, useState } from 'react';
import { errorInfo, isAbort } from '../errorInfo.ts';
import { type FeedObject, type FeedSource, fetchFeed, fetchIncidents, type Incident } from './allianceApi.ts';
import { DeclareForm } from './DeclareForm.tsx';
import { IncidentCard } from './IncidentCard.tsx';
import { ScreenBox } from './ScreenBox.tsx';
import './alliance.css';

export function AlliancePage() {
  const [incidents, setIncidents] = useState<Incident[] | null>(null);
  const [feed, setFeed] = useState<{ objects: FeedObject[]; sources: FeedSource[] }>({
    objects: [],
    sources: [],
  });
  const [problem, setProblem] = useState<{ code: string; message: string } | null>(null);
  const [tick, setTick] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `tick` is the refresh trigger
  useEffect(() => {
    const ctl = new AbortController();
    fetchIncidents(ctl.signal)
      .then((i) => {
        setIncidents(i);
        setProblem(null);
      })
      .catch((e) => {
        if (!isAbort(e)) setProblem(errorInfo(e));
      });
    fetchFeed(ctl.signal)
      .then(setFeed)
      .catch(() => {});
    return () => ctl.abort();
  }, [tick]);

  useEffect(() => {
    const t = setInterval(() => setTick((n) => n + 1), 5000);
    return () => clearInterval(t);
  }, []);

  const declared = useCallback((i: Incident) => {
    setIncidents((list) => [{ ...i, members: [] }, ...(list ?? []).filter((x) => x.id !== i.id)]);
    setTick((n) => n + 1);
  }, []);

  return (
    <>
      <h1>Alliance</h1>
      {problem && (
        <p role="alert" className="alliance-problem">
          {problem.code === 'AUTH_REQUIRED' ? (
            <>
              <a href="/signin">Sign in</a> to see the alliance.
            </>
          ) : (
            <>
              {problem.message} <code>{problem.code}</code>
            </>
          )}
        </p>
      )}
      <section aria-labelledby="incidents-h">
        <h2 id="incidents-h">Incidents</h2>
        {incidents === null && !problem && <p>Loading…</p>}
        {incidents?.length === 0 && <p>No incidents declared or received.</p>}
        <ul className="incident-list">
          {incidents?.map((i) => (
            <li key={i.id}>
              <IncidentCard incident={i} />
            </li>
          ))}
        </ul>
      </section>
      <div className="alliance-columns">
        <DeclareForm onDeclared={declared} />
        <ScreenBox />
      </div>
      <section aria-labelledby="feed-h">
        <h2 id="feed-h">Feed</h2>
        {feed.sources.length > 0 && (
          <ul className="feed-sources">
            {feed.sources.map((s) => (
              <li key={s.source}>
                <strong>{s.source}</strong>{' '}
                {s.lastError ? (
                  <span className="bad">failing: {s.lastError}</span>
                ) : (
                  <span>last poll {fmt(s.lastPollAt)}</span>
                )}
              </li>
            ))}
          </ul>
        )}
        {feed.objects.length === 0 ? (
          <p>Nothing received from members yet.</p>
        ) : (
          <table className="feed">
            <caption>Recent objects received, newest first</caption>
            <thead>
              <tr>
                <th scope="col">From</th>
                <th scope="col">Type</th>
                <th scope="col">Name</th>
                <th scope="col">TLP</th>
                <th scope="col">Received</th>
              </tr>
            </thead>
            <tbody>
              {feed.objects.map((o) => (
                <tr key={`${o.source} ${o.id}`}>
                  <td>{o.source}</td>
                  <td>{o.type}</td>
                  <td title={o.id}>{o.name ?? o.id}</td>
                  <td>
                    <Tlp level={o.tlp} />
                  </td>
                  <td>{fmt(o.receivedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

export function Tlp({ level }: { level: string }) {
  return <span className={`tlp tlp-${level.replace('+', '-')}`}>TLP:{level.toUpperCase()}</span>;
}

export function fmt(t: string | null): string {
  return t ? new Date(t).toISOString().replace('T', ' ').slice(0, 19) : '—';
}
