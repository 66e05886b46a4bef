/** The signed-in person, shared by the nav and the pages (loaded once, refreshed on demand). */
import { useEffect, useState } from 'react';
import { fetchSession, type SessionState } from './accessApi.ts';

type Listener = (s: SessionState | undefined) => void;
let current: SessionState | undefined;
let loading: Promise<void> | undefined;
const listeners = new Set<Listener>();

export function refreshSession(): Promise<void> {
  loading = fetchSession()
    .then((s) => {
      current = s;
    })
    .catch(() => {
      current = { signedIn: false, reason: 'NETWORK_ERROR' };
    })
    .then(() => {
      for (const l of listeners) l(current);
    });
  return loading;
}

export function useSession(): SessionState | undefined {
  const [s, set] = useState(current);
  useEffect(() => {
    listeners.add(set);
    if (!loading) void refreshSession();
    else set(current);
    return () => {
      listeners.delete(set);
    };
  }, []);
  return s;
}
