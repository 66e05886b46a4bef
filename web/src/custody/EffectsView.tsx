/**
 * What the simulation did: native and token balance changes, approvals, and every write to the
 * wallet's own storage with its kind. A write to the wallet's configuration (implementation,
 * owners, threshold, modules, guard, fallback handler, or a slot nothing explains) is red.
 */
import { Address } from './Address.tsx';
import { type AddressLabels, eth, signed, units } from './display.ts';
import type { Effects, SimulationSummary } from './types.ts';

/** Writes every execTransaction makes as bookkeeping; anything else in the wallet's storage is alarming. */
const BOOKKEEPING = new Set(['nonce', 'approved_hashes', 'signed_messages']);

const KIND_LABEL: Record<string, string> = {
  implementation: 'IMPLEMENTATION (singleton / masterCopy)',
  owners: 'owners',
  owner_count: 'owner count',
  threshold: 'threshold',
  modules: 'modules',
  guard: 'guard',
  fallback_handler: 'fallback handler',
  nonce: 'nonce',
  approved_hashes: 'approved hashes',
  signed_messages: 'signed messages',
  domain_separator: 'domain separator',
  unknown: 'UNKNOWN SLOT',
};

export function EffectsView(props: {
  effects: Effects | null;
  simulation: SimulationSummary | null | undefined;
  simulationError: { code: string; message: string } | undefined;
  labels: AddressLabels;
}) {
  const { effects, simulation, simulationError, labels } = props;
  if (!effects) {
    return (
      <p className="status warn" data-testid="not-simulated">
        Not simulated
        {simulationError ? (
          <>
            : <code>{simulationError.code}</code> {simulationError.message}
          </>
        ) : (
          ': nothing below comes from executing the transaction.'
        )}
      </p>
    );
  }
  const { balanceChanges = [], approvals = [], walletStorageWrites = [] } = effects;
  return (
    <>
      {simulation && <SimulationLine sim={simulation} labels={labels} />}
      <h4>Balance changes</h4>
      {balanceChanges.length === 0 ? (
        <p className="muted none">No balance changes.</p>
      ) : (
        <table className="effects">
          <thead>
            <tr>
              <th>account</th>
              <th>asset</th>
              <th className="num">change</th>
            </tr>
          </thead>
          <tbody>
            {balanceChanges.map((b) => (
              <tr key={`${b.address}|${b.asset}|${b.tokenId ?? ''}`}>
                <td>
                  <Address value={b.address} labels={labels} />
                </td>
                <td>
                  {b.asset === 'native' ? 'ETH' : <Address value={b.asset} labels={labels} />}
                  {b.tokenId !== undefined && <span className="muted"> id {b.tokenId}</span>}
                </td>
                <td className={`num strong ${b.delta.startsWith('-') ? 'bad-text' : 'ok-text'}`}>
                  {b.asset === 'native' ? signed(eth(b.delta)) : signed(`${units(b.delta, 0)} units`)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h4>Approvals</h4>
      {approvals.length === 0 ? (
        <p className="muted none">No approvals.</p>
      ) : (
        <table className="effects">
          <thead>
            <tr>
              <th>token</th>
              <th>owner</th>
              <th>spender</th>
              <th className="num">amount</th>
            </tr>
          </thead>
          <tbody>
            {approvals.map((a) => (
              <tr key={`${a.token}|${a.owner}|${a.spender}|${a.amount}`}>
                <td>
                  <Address value={a.token} labels={labels} />
                </td>
                <td>
                  <Address value={a.owner} labels={labels} />
                </td>
                <td>
                  <Address value={a.spender} labels={labels} />
                </td>
                <td className="num">
                  <code>{a.amount}</code> <span className="muted">{a.standard}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h4>Writes to the wallet's own storage</h4>
      {walletStorageWrites.length === 0 ? (
        <p className="muted none">No writes to the wallet's storage.</p>
      ) : (
        <table className="effects storage">
          <colgroup>
            <col className="c-kind" />
            <col className="c-slot" />
            <col className="c-value" />
          </colgroup>
          <thead>
            <tr>
              <th>kind</th>
              <th>slot</th>
              <th>before → after</th>
            </tr>
          </thead>
          <tbody>
            {walletStorageWrites.map((w) => {
              const alarming = !BOOKKEEPING.has(w.kind);
              return (
                <tr key={w.slot} className={alarming ? 'alarm' : 'bookkeeping'} data-kind={w.kind}>
                  <td className="kind">
                    {KIND_LABEL[w.kind] ?? w.kind}
                    {!alarming && <span className="muted"> (bookkeeping)</span>}
                    {w.key && <SlotKey value={w.key} labels={labels} />}
                  </td>
                  <td>
                    <code className="slot">{w.slot}</code>
                  </td>
                  <td>
                    <code className="slot" title={`${w.before} → ${w.after}`}>
                      {word(w.before)} → {word(w.after)}
                    </code>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}

/**
 * A 32-byte storage word, short: leading zeros dropped (`0x47`), and a value that looks like an
 * address shown as one (an implementation or owner written to a slot).
 */
function word(hex: string): string {
  const digits = hex.replace(/^0x/, '').replace(/^0+/, '');
  if (digits === '') return '0x0';
  if (digits.length > 30 && digits.length <= 40) return `0x${digits.padStart(40, '0')}`;
  return `0x${digits}`;
}

/** The key of a mapping slot: an address (owner, module) when it is one. */
function SlotKey({ value, labels }: { value: string; labels: AddressLabels }) {
  const m = /^0x0{24}([0-9a-fA-F]{40})$/.exec(value);
  return (
    <div className="slot-key">
      <span className="muted">key </span>
      {m ? <Address value={`0x${m[1]}`} labels={labels} /> : <code className="slot">{value}</code>}
    </div>
  );
}

function SimulationLine({ sim, labels }: { sim: SimulationSummary; labels: AddressLabels }) {
  // Neutral when it ran: a call that succeeds is not a reason to sign (the Bybit one succeeded).
  const ok = sim.executed && sim.success;
  return (
    <div className={`sim-line ${ok ? '' : 'bad-text'}`}>
      {sim.executed
        ? sim.success
          ? 'Simulated in a real EVM: execTransaction ran and the call succeeded'
          : '✗ Simulated: execTransaction ran but the Safe reported its call as failed'
        : '✗ Simulated: execTransaction reverted'}
      {sim.revertReason && `: ${sim.revertReason}`}
      <span className="muted"> · gas used {Number(sim.gasUsed).toLocaleString('en-US')}</span>
      {sim.missingCode.length > 0 && (
        <div className="warn-text">
          Called but with no code in the simulated state (its effects are unknown):{' '}
          {sim.missingCode.map((a) => (
            <Address key={a} value={a} labels={labels} />
          ))}
        </div>
      )}
    </div>
  );
}
