/**
 * The people API as the console calls it. State-changing calls made while signed in carry the
 * session's CSRF token in `X-CSRF-Token` (`csrfHeaders()`; other pages' POSTs should add it too).
 */
import { ApiError, getJson, isRecord } from '../api.ts';

export interface Person {
  id: string;
  name: string;
  roles: string[];
}

export type SessionState =
  | { signedIn: false; reason?: string }
  | { signedIn: true; person: Person; permissions: string[]; csrfToken: string; expiresAt: string };

let csrfToken: string | undefined;

/** Headers every state-changing request of a signed-in console must carry. */
export function csrfHeaders(): Record<string, string> {
  return csrfToken ? { 'x-csrf-token': csrfToken } : {};
}

export async function fetchSession(): Promise<SessionState> {
  const s = (await getJson('/api/v1/access/session')) as SessionState;
  csrfToken = s.signedIn ? s.csrfToken : undefined;
  return s;
}

export async function postJson(path: string, body: unknown): Promise<Record<string, unknown>> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json', ...csrfHeaders() },
      credentials: 'same-origin',
      body: JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError('NETWORK_ERROR', `cannot reach the server for ${path}: ${(e as Error).message}`, 0);
  }
  const parsed: unknown = await res.json().catch(() => undefined);
  if (!res.ok || !isRecord(parsed)) {
    const err = isRecord(parsed) && isRecord(parsed['error']) ? parsed['error'] : undefined;
    throw new ApiError(
      typeof err?.['code'] === 'string' ? err['code'] : `HTTP_${res.status}`,
      typeof err?.['message'] === 'string' ? err['message'] : `${path} answered ${res.status}`,
      res.status,
    );
  }
  return parsed;
}

/** After enrollment or sign-in: remember the new session's CSRF token. */
export function signedIn(answer: Record<string, unknown>): Person {
  if (typeof answer['csrfToken'] !== 'string' || !isRecord(answer['person']))
    throw new ApiError('BAD_RESPONSE', 'the sign-in answer has no person or CSRF token', 200);
  csrfToken = answer['csrfToken'];
  return answer['person'] as unknown as Person;
}

export async function signOut(): Promise<void> {
  await postJson('/api/v1/access/signout', {});
  csrfToken = undefined;
}
