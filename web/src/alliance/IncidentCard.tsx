/** One incident: status, marking, addresses, and per member when it received and acknowledged. */
import { fmt, Tlp } from './AlliancePage.tsx';
import type { Incident } from './allianceApi.ts';

export function IncidentCard({ incident: i }: { incident: Incident }) {
  const acked = i.members.filter((m) => m.acknowledgedAt).length;
  const local = i.origin === 'local';
  return (
    <article
      className={`incident incident-${i.status}`}
      aria-labelledby={`inc-${i.id}`}
      data-testid="incident"
    >
      <header>
        <h3 id={`inc-${i.id}`}>{i.title}</h3>
        <p className="incident-facts">
          <span className="status">{i.status}</span> <Tlp level={i.tlp} /> · {i.addresses.length} addresses ·{' '}
          {local ? (
            <strong data-testid="ack-count">
              {acked} of {i.members.length} members acknowledged
            </strong>
          ) : (
            <>
              from {i.origin},{' '}
              {i.acknowledgedAt ? `acknowledged ${fmt(i.acknowledgedAt)}` : 'not acknowledged yet'}
            </>
          )}{' '}
          · declared {fmt(i.declaredAt)}
        </p>
      </header>
      {local && i.members.length > 0 && (
        <table className="acks">
          <caption>Acknowledgements per member</caption>
          <thead>
            <tr>
              <th scope="col">Member</th>
              <th scope="col">Received</th>
              <th scope="col">Acknowledged</th>
            </tr>
          </thead>
          <tbody>
            {i.members.map((m) => (
              <tr key={m.member} className={m.acknowledgedAt ? 'ok' : 'waiting'}>
                <th scope="row">{m.member}</th>
                <td>{fmt(m.receivedAt)}</td>
                <td>{m.acknowledgedAt ? fmt(m.acknowledgedAt) : 'waiting'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <details>
        <summary>Addresses ({i.addresses.length})</summary>
        <ul className="addresses">
          {i.addresses.map((a) => (
            <li key={a}>
              <code>{a}</code>
            </li>
          ))}
        </ul>
      </details>
    </article>
  );
}
