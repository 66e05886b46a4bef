/**
 * Export an approved request's execution bundle (owner signatures packed, execTransaction calldata)
 * with a passkey step-up over exactly { custody.request.export, requestId }; the bundle is offered
 * as a JSON download and its Safe transaction hash shown to compare once more.
 */
import { useState } from 'react';
import { GroupedHex } from '../custody/Hash.tsx';
import { errorInfo } from '../errorInfo.ts';
import { type CustodyRequest, type ExecutionBundle, exportWithPasskey } from './approvalsApi.ts';

export function ExportBundle({ request }: { request: CustodyRequest }) {
  const [busy, setBusy] = useState(false);
  const [bundle, setBundle] = useState<{ b: ExecutionBundle; url: string }>();
  const [error, setError] = useState<{ code: string; message: string }>();

  async function run() {
    setBusy(true);
    setError(undefined);
    try {
      const b = await exportWithPasskey(request);
      const url = URL.createObjectURL(new Blob([JSON.stringify(b, null, 2)], { type: 'application/json' }));
      setBundle({ b, url });
    } catch (e) {
      setError(errorInfo(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="export-bundle">
      {!bundle && (
        <button type="button" className="primary" onClick={run} disabled={busy}>
          {busy ? 'Waiting for your passkey…' : 'Export execution bundle with passkey'}
        </button>
      )}
      {bundle && (
        <p role="status" className="status ok" data-testid="export-done">
          Exported: Safe transaction hash <GroupedHex value={bundle.b.safeTxHash} testId="export-hash" />.{' '}
          <a href={bundle.url} download={`${request.id}.bundle.json`}>
            Download the bundle (JSON)
          </a>
        </p>
      )}
      {error && (
        <p role="alert" className="access-error" data-testid="export-error">
          {error.message} <code>{error.code}</code>
        </p>
      )}
    </div>
  );
}
