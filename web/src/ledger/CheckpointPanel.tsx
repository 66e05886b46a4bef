/** The latest signed checkpoint: the verdict on its signature first, then the signed facts. */
import { age, utcTime } from '../format.ts';
import type { CheckpointState } from './useCheckpoint.ts';
import { keyName } from './verifyCheckpoint.ts';

export function CheckpointPanel({ state }: { state: CheckpointState }) {
  return (
    <section className="panel" aria-labelledby="checkpoint-title">
      <h2 id="checkpoint-title">Latest signed checkpoint</h2>
      <CheckpointBody state={state} />
    </section>
  );
}

function CheckpointBody({ state }: { state: CheckpointState }) {
  switch (state.status) {
    case 'loading':
      return <p className="muted">Loading…</p>;
    case 'error':
      return (
        <p className="status bad" role="alert">
          ✗ Cannot load the checkpoint: <code>{state.code}</code> {state.message}
        </p>
      );
    case 'none':
      return (
        <>
          <p className="status warn">
            No checkpoint signed yet. Entries cannot be verified until the log signs one.
          </p>
          {state.key && <KeyLine logKey={state.key.key} />}
        </>
      );
    case 'verified':
    case 'invalid': {
      const verified = state.status === 'verified';
      const size = verified ? state.verified.size : state.dto.size;
      const root = verified ? state.verified.rootBase64 : state.dto.root;
      const origin = verified ? state.verified.origin : state.dto.origin;
      return (
        <>
          {verified ? (
            <p className="status ok" data-testid="checkpoint-status">
              ✓ Signature verified in this browser (Ed25519, key <code>{keyName(state.key.key)}</code>)
              {state.verified.otherSignatures.length > 0 && (
                <span className="muted">
                  {' '}
                  · also signed by {state.verified.otherSignatures.join(', ')} (cosignatures, not checked
                  here)
                </span>
              )}
            </p>
          ) : (
            <p className="status bad" role="alert" data-testid="checkpoint-status">
              ✗ Signature NOT verified: <code>{state.code}</code> {state.message}. The values below are the
              server's claims only.
            </p>
          )}
          <dl className="facts">
            <dt>Tree size</dt>
            <dd>
              <strong className="big">{size.toLocaleString('en-US')}</strong>
              {size > 0 && <span className="muted"> · indices 0–{size - 1}</span>}
            </dd>
            <dt>Root hash</dt>
            <dd className="mono">{root}</dd>
            <dt>Origin</dt>
            <dd className="mono">{origin}</dd>
            <dt>Time</dt>
            <dd>
              <span title={state.dto.time}>{utcTime(state.dto.time)}</span>{' '}
              <span className="muted">
                · {age(state.dto.time)} · recorded by the server, not part of the signed note
              </span>
            </dd>
          </dl>
          <KeyLine logKey={state.key.key} />
          <h3>Signed note</h3>
          <pre className="note" data-testid="checkpoint-note">
            {state.dto.note}
          </pre>
        </>
      );
    }
  }
}

function KeyLine({ logKey }: { logKey: string }) {
  return (
    <p className="keyline">
      <span className="label">Verifier key</span> <code className="mono">{logKey}</code>
      <span className="muted"> · served by this server: compare it with the key you hold out of band</span>
    </p>
  );
}
