/**
 * Enrollment from a one-time link (`/enroll#<token>`): the token is read from the fragment (never
 * sent in a URL to any server), removed from the address bar, and used once to register a passkey.
 */
import { useState } from 'react';
import { enrollWithPasskey } from './ceremonies.ts';
import { refreshSession } from './useSession.ts';

function takeToken(): string {
  const token = window.location.hash.replace(/^#/, '');
  if (token) window.history.replaceState(null, '', window.location.pathname);
  return token;
}

export function EnrollPage() {
  const [token] = useState(takeToken);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string>();
  const [error, setError] = useState<{ code: string; message: string }>();

  async function enroll(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const person = await enrollWithPasskey(token, name);
      await refreshSession();
      setDone(person.name);
    } catch (err) {
      const x = err as { code?: string; message: string };
      setError({ code: x.code ?? 'ERROR', message: x.message });
    } finally {
      setBusy(false);
    }
  }

  if (done)
    return (
      <section className="access-card" aria-labelledby="enroll-title">
        <h1 id="enroll-title">Welcome, {done}</h1>
        <p data-testid="enroll-done">Your passkey is registered and you are signed in.</p>
        <p>
          <a href="/">Go to the console</a>
        </p>
      </section>
    );
  return (
    <section className="access-card" aria-labelledby="enroll-title">
      <h1 id="enroll-title">Enroll</h1>
      {!token ? (
        <p role="alert" className="access-error">
          This page needs the one-time link Rampart printed (it ends in <code>#…</code>).
        </p>
      ) : (
        <form onSubmit={enroll}>
          <p className="muted">Register a passkey for your account. The link works once.</p>
          <label htmlFor="enroll-name">Your name</label>
          <input
            id="enroll-name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            maxLength={100}
            autoComplete="name"
          />
          <button type="submit" className="primary" disabled={busy || name.trim() === ''}>
            {busy ? 'Waiting for your passkey…' : 'Register a passkey'}
          </button>
        </form>
      )}
      {error && (
        <p role="alert" className="access-error" data-testid="access-error">
          {error.message} <code>{error.code}</code>
        </p>
      )}
    </section>
  );
}
