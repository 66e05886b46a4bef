/** Declare an incident: title, attacker addresses, TLP marking, optional description. */
import { type FormEvent, useState } from 'react';
import { errorInfo } from '../errorInfo.ts';
import { declareIncident, type Incident, parseAddresses } from './allianceApi.ts';

const TLPS = ['clear', 'green', 'amber', 'amber+strict', 'red'];

export function DeclareForm({ onDeclared }: { onDeclared: (i: Incident) => void }) {
  const [title, setTitle] = useState('');
  const [addresses, setAddresses] = useState('');
  const [description, setDescription] = useState('');
  const [tlp, setTlp] = useState('amber');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const list = parseAddresses(addresses);
    if (list.length === 0) return setProblem('Give at least one attacker address.');
    setBusy(true);
    setProblem(null);
    try {
      const i = await declareIncident({
        title,
        addresses: list,
        tlp,
        ...(description ? { description } : {}),
      });
      setDone(`Declared: ${list.length} addresses published to the alliance as TLP:${tlp.toUpperCase()}.`);
      setTitle('');
      setAddresses('');
      setDescription('');
      onDeclared(i);
    } catch (err) {
      const { code, message } = errorInfo(err);
      setProblem(`${message} (${code})`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="declare-h" className="panel">
      <h2 id="declare-h">Declare an incident</h2>
      <form onSubmit={submit}>
        <label htmlFor="inc-title">What happened</label>
        <input
          id="inc-title"
          required
          maxLength={300}
          value={title}
          onChange={(e) => setTitle(e.target.value)}
        />
        <label htmlFor="inc-addresses">Attacker addresses (one per line)</label>
        <textarea
          id="inc-addresses"
          rows={5}
          required
          value={addresses}
          onChange={(e) => setAddresses(e.target.value)}
        />
        <label htmlFor="inc-tlp">Marking</label>
        <select id="inc-tlp" value={tlp} onChange={(e) => setTlp(e.target.value)}>
          {TLPS.map((t) => (
            <option key={t} value={t}>
              TLP:{t.toUpperCase()}
            </option>
          ))}
        </select>
        <label htmlFor="inc-description">Details (optional)</label>
        <textarea
          id="inc-description"
          rows={2}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
        />
        <button type="submit" disabled={busy}>
          {busy ? 'Declaring…' : 'Declare and publish'}
        </button>
      </form>
      {problem && (
        <p role="alert" className="bad">
          {problem}
        </p>
      )}
      {done && <p role="status">{done}</p>}
    </section>
  );
}
