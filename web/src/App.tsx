/** Layout and the (tiny) router: the path picks the page; `/` is the ledger for now. */

import { AccessPage } from './access/AccessPage.tsx';
import { EnrollPage } from './access/EnrollPage.tsx';
import { SignInPage } from './access/SignInPage.tsx';
import { AlliancePage } from './alliance/AlliancePage.tsx';
import { ApprovalsPage } from './approvals/ApprovalsPage.tsx';
import { AnalysePage } from './custody/AnalysePage.tsx';
import { LedgerPage } from './ledger/LedgerPage.tsx';
import { Nav } from './Nav.tsx';
import { ReservesPage } from './reserves/ReservesPage.tsx';

export function App() {
  const path = window.location.pathname.replace(/\/+$/, '') || '/';
  const current = path === '/' ? '/ledger' : path === '/custody' ? '/custody/analyze' : path;
  return (
    <div className="layout">
      <Nav current={current} />
      <main className="content">
        {current === '/ledger' ? (
          <LedgerPage />
        ) : current === '/custody/analyze' ? (
          <AnalysePage />
        ) : current === '/approvals' ? (
          <ApprovalsPage />
        ) : current === '/access' ? (
          <AccessPage />
        ) : current === '/alliance' ? (
          <AlliancePage />
        ) : current === '/reserves' ? (
          <ReservesPage />
        ) : current === '/signin' ? (
          <SignInPage />
        ) : current === '/enroll' ? (
          <EnrollPage />
        ) : (
          <NotFound path={path} />
        )}
      </main>
    </div>
  );
}

function NotFound({ path }: { path: string }) {
  return (
    <>
      <h1>Not found</h1>
      <p>
        There is no console page at <code>{path}</code>. <a href="/ledger">Go to the ledger</a>.
      </p>
    </>
  );
}
