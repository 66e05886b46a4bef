/** The standalone verifier's page: what it is, then the verifier. No server behind it. */
import { ProofVerifier } from './ProofVerifier.tsx';

export function StandalonePage() {
  return (
    <main className="content standalone">
      <header className="page-head">
        <h1>Proof of reserves: check your balance</h1>
        <p>
          This page works offline, from your disk: it makes no network request and trusts nothing the exchange
          serves. Drop the proof file the exchange gave you, and paste the root the exchange published (in its
          signed ledger) to have the proof checked against it.
        </p>
      </header>
      <ProofVerifier />
      <footer className="muted">
        <p>
          Rampart standalone verifier. Specification: docs/proof-of-reserves.md (§8, what the verifier
          checks).
        </p>
      </footer>
    </main>
  );
}
