/** The signatures that came with the transaction and who they recover to, over Rampart's own hash. */
import { Address } from './Address.tsx';
import type { AddressLabels } from './display.ts';
import type { SignatureCheck } from './types.ts';

const KIND: Record<string, string> = {
  ecdsa: 'ECDSA (EIP-712)',
  eth_sign: 'eth_sign',
  approved_hash: 'approved hash',
  contract: 'contract (EIP-1271)',
};

export function SignaturesView(props: {
  check: SignatureCheck | null;
  requiredApprovals: number;
  safeTxHash: string;
  labels: AddressLabels;
}) {
  const { check, requiredApprovals, safeTxHash, labels } = props;
  if (!check) return <p className="muted none">No signatures came with this transaction.</p>;
  const valid = check.validOwners.length;
  return (
    <>
      <p className={check.thresholdMet ? 'ok-text' : 'warn-text'}>
        {valid} of {requiredApprovals} required owner signatures recover to owners over{' '}
        <code>{safeTxHash}</code>
        {check.thresholdMet ? ' — threshold met.' : ' — threshold not met.'}
      </p>
      <table className="effects signatures">
        <thead>
          <tr>
            <th>#</th>
            <th>kind</th>
            <th>recovers to</th>
            <th>owner?</th>
          </tr>
        </thead>
        <tbody>
          {check.signatures.map((s) => (
            <tr key={s.index} data-status={s.status}>
              <td className="num">{s.index}</td>
              <td>{KIND[s.kind] ?? s.kind}</td>
              <td>
                <Address value={s.signer} labels={labels} />
                {s.reason && <div className="muted">{s.reason}</div>}
              </td>
              <td>
                {s.isOwner ? (
                  <span className="pill ok">
                    owner{s.status !== 'valid' ? ` · ${s.status.replace('_', ' ')}` : ''}
                  </span>
                ) : (
                  <span className="pill bad">
                    NOT AN OWNER{s.status !== 'not_owner' ? ` · ${s.status.replace('_', ' ')}` : ''}
                  </span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {check.problems.length > 0 && (
        <ul className="problems warn-text">
          {check.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
    </>
  );
}
