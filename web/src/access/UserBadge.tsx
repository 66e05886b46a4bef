/** The signed-in person in the nav, with a sign-out button; or a link to sign in. */
import { useState } from 'react';
import { signOut } from './accessApi.ts';
import { refreshSession, useSession } from './useSession.ts';

export function UserBadge() {
  const session = useSession();
  const [busy, setBusy] = useState(false);
  if (!session) return null;
  if (!session.signedIn)
    return (
      <div className="user-badge">
        <a href="/signin">Sign in</a>
      </div>
    );
  async function out() {
    setBusy(true);
    try {
      await signOut();
    } finally {
      await refreshSession();
      setBusy(false);
      window.location.assign('/signin');
    }
  }
  return (
    <div className="user-badge" data-testid="signed-in-person">
      <span className="user-name">{session.person.name}</span>
      <span className="muted user-roles">{session.person.roles.join(', ')}</span>
      <button type="button" onClick={out} disabled={busy}>
        Sign out
      </button>
    </div>
  );
}
