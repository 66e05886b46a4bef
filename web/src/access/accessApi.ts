/**
 * The people API as the console calls it. State-changing calls made while signed in carry the
 * session's CSRF token in `X-CSRF-Token` (`csrfHeaders()`; other pages' POSTs should add it too).
 */
import { ApiError, csrfHeaders, getJson, isRecord, postJson as post, setCsrfToken } from '../api.ts';

export { csrfHeaders };

export interface Person {
  id: string;
  name: string;
  roles: string[];
}

export type SessionState =
  | { signedIn: false; reason?: string }
  | { signedIn: true; person: Person; permissions: string[]; csrfToken: string; expiresAt: string };

export async function fetchSession(): Promise<SessionState> {
  const s = (await getJson('/api/v1/access/session')) as SessionState;
  setCsrfToken(s.signedIn ? s.csrfToken : undefined);
  return s;
}

export async function postJson(path: string, body: unknown): Promise<Record<string, unknown>> {
  const parsed = await post(path, body);
  if (!isRecord(parsed))
    throw new ApiError('BAD_RESPONSE', `${path} answered with something that is not an object`, 200);
  return parsed;
}

/** After enrollment or sign-in: remember the new session's CSRF token. */
export function signedIn(answer: Record<string, unknown>): Person {
  if (typeof answer['csrfToken'] !== 'string' || !isRecord(answer['person']))
    throw new ApiError('BAD_RESPONSE', 'the sign-in answer has no person or CSRF token', 200);
  setCsrfToken(answer['csrfToken']);
  return answer['person'] as unknown as Person;
}

export async function signOut(): Promise<void> {
  await postJson('/api/v1/access/signout', {});
  setCsrfToken(undefined);
}
