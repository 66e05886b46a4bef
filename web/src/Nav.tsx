/** The console's left navigation. Pages not built yet are listed, disabled, as "coming". */
import { UserBadge } from './access/UserBadge.tsx';
import './access/access.css';

const PAGES: { path: string; label: string; ready: boolean }[] = [
  { path: '/ledger', label: 'Ledger', ready: true },
  { path: '/approvals', label: 'Approvals', ready: true },
  { path: '/custody/analyze', label: 'Custody', ready: true },
  { path: '/access', label: 'Access', ready: true },
  { path: '/alliance', label: 'Alliance', ready: true },
  { path: '/reserves', label: 'Reserves', ready: true },
  { path: '/tracing', label: 'Tracing', ready: false },
];

export function Nav({ current }: { current: string }) {
  return (
    <nav className="sidenav" aria-label="Console">
      <a className="brand" href="/">
        Rampart
      </a>
      <ul>
        {PAGES.map((p) => (
          <li key={p.path}>
            {p.ready ? (
              <a href={p.path} aria-current={current === p.path ? 'page' : undefined}>
                {p.label}
              </a>
            ) : (
              <span className="disabled" aria-disabled="true" title="Not built yet">
                {p.label} <small>coming</small>
              </span>
            )}
          </li>
        ))}
      </ul>
      <UserBadge />
    </nav>
  );
}
