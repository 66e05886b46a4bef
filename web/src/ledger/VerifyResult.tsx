/** The outcome of "Verify" on one entry, with the list of what was actually checked. */
import type { EntryVerdict } from './verifyEntry.ts';

export function VerifyResult({ verdict }: { verdict: EntryVerdict }) {
  return (
    <div className={`verdict ${verdict.kind}`} data-testid="verify-result" data-verdict={verdict.kind}>
      <p className="verdict-head">
        {verdict.kind === 'verified' && (
          <>✓ Verified in this browser: included in checkpoint {verdict.checkpointSize}</>
        )}
        {verdict.kind === 'pending' && (
          <>
            Not yet in a checkpoint
            {verdict.checkpointSize !== null &&
              ` (the latest checkpoint, ${verdict.checkpointSize}, ends before it)`}
          </>
        )}
        {verdict.kind === 'failed' && (
          <>
            ✗ Verification failed: <code>{verdict.code}</code> {verdict.message}
          </>
        )}
      </p>
      {verdict.kind === 'failed' && verdict.diagnosis && <p className="diagnosis">{verdict.diagnosis}</p>}
      {verdict.checks.length > 0 && (
        <ul className="checks">
          {verdict.kind === 'failed' && <li className="checks-title">Checked before the failure:</li>}
          {verdict.checks.map((c) => (
            <li key={c}>{c}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
