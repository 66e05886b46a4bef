/** Screen addresses against the alliance set: listed or not, by whom, why, confidence, marking. */
import { type FormEvent, useState } from 'react';
import { errorInfo } from '../errorInfo.ts';
import { Tlp } from './AlliancePage.tsx';
import { parseAddresses, type ScreenResult, screen } from './allianceApi.ts';

export function ScreenBox() {
  const [text, setText] = useState('');
  const [results, setResults] = useState<ScreenResult[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setProblem(null);
    try {
      setResults(await screen(parseAddresses(text)));
    } catch (err) {
      const { code, message } = errorInfo(err);
      setProblem(`${message} (${code})`);
    }
  }

  return (
    <section aria-labelledby="screen-h" className="panel">
      <h2 id="screen-h">Screen addresses</h2>
      <form onSubmit={submit}>
        <label htmlFor="screen-input">Addresses</label>
        <textarea
          id="screen-input"
          rows={3}
          required
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit">Screen</button>
      </form>
      {problem && (
        <p role="alert" className="bad">
          {problem}
        </p>
      )}
      {results && (
        <ul className="screen-results" aria-live="polite">
          {results.map((r) => (
            <li key={r.input} className={r.listed ? 'listed' : r.valid ? 'clear' : 'invalid'}>
              <code>{r.canonical ?? r.input}</code>{' '}
              {!r.valid ? (
                <strong>invalid: {r.error?.message}</strong>
              ) : r.listed ? (
                <>
                  <strong>LISTED</strong>
                  <ul>
                    {r.listings?.map((l) => (
                      <li key={l.source}>
                        by {l.source}: {l.reason}
                        {l.confidence !== null ? `, confidence ${l.confidence}` : ''}{' '}
                        {l.tlp && <Tlp level={l.tlp} />}
                      </li>
                    ))}
                  </ul>
                </>
              ) : (
                <span>not listed</span>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
