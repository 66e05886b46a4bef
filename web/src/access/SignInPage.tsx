/** Sign in with a passkey: no user name, no password; the authenticator offers the person's passkeys. */
import { useState } from 'react';
import { signInWithPasskey } from './ceremonies.ts';
import { refreshSession, useSession } from './useSession.ts';

export function SignInPage() {
  const session = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ code: string; message: string }>();

  async function signIn() {
    setBusy(true);
    setError(undefined);
    try {
      await signInWithPasskey();
      await refreshSession();
      window.location.assign('/');
    } catch (e) {
      const err = e as { code?: string; message: string };
      setError({ code: err.code ?? 'ERROR', message: err.message });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="access-card" aria-labelledby="signin-title">
      <h1 id="signin-title">Sign in</h1>
      {session?.signedIn ? (
        <p data-testid="signin-state">
          You are signed in as <strong>{session.person.name}</strong>.
        </p>
      ) : (
        <>
          <p className="muted">Use the passkey you registered (security key, phone or this device).</p>
          <button type="button" className="primary" onClick={signIn} disabled={busy}>
            {busy ? 'Waiting for your passkey…' : 'Sign in with a passkey'}
          </button>
        </>
      )}
      {error && (
        <p role="alert" className="access-error" data-testid="access-error">
          {error.message} <code>{error.code}</code>
        </p>
      )}
    </section>
  );
}
