/**
 * JSON over the same origin. A non-2xx answer becomes an ApiError carrying the server's
 * `{ error: { code, message } }`; anything unreadable becomes an ApiError with a code of our own.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

let csrfToken: string | undefined;

/** The signed-in session's CSRF token (set on sign-in, cleared on sign-out). */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** Headers every state-changing request of a signed-in console must carry. */
export function csrfHeaders(): Record<string, string> {
  return csrfToken ? { 'x-csrf-token': csrfToken } : {};
}

async function requestJson(path: string, init: RequestInit): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(path, { credentials: 'same-origin', ...init });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError('NETWORK_ERROR', `cannot reach the server for ${path}: ${(e as Error).message}`, 0);
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    throw new ApiError(
      'BAD_RESPONSE',
      `${path} answered ${res.status} with a body that is not JSON`,
      res.status,
    );
  }
  if (!res.ok) {
    const err = isRecord(body) && isRecord(body['error']) ? body['error'] : undefined;
    const code = typeof err?.['code'] === 'string' ? err['code'] : `HTTP_${res.status}`;
    const message = typeof err?.['message'] === 'string' ? err['message'] : `${path} answered ${res.status}`;
    throw new ApiError(code, message, res.status);
  }
  return body;
}

export function getJson(path: string, signal?: AbortSignal): Promise<unknown> {
  return requestJson(path, { headers: { accept: 'application/json' }, signal: signal ?? null });
}

/** A state-changing request: it carries the session's CSRF token. */
export function postJson(path: string, body: unknown, signal?: AbortSignal): Promise<unknown> {
  return requestJson(path, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json', ...csrfHeaders() },
    body: JSON.stringify(body),
    signal: signal ?? null,
  });
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads one field of a response and checks its type, so a malformed answer fails loudly. */
export function field<T extends 'string' | 'number'>(
  obj: unknown,
  key: string,
  type: T,
  what: string,
): T extends 'string' ? string : number {
  const v = isRecord(obj) ? obj[key] : undefined;
  const ok =
    type === 'number' ? typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 : typeof v === 'string';
  if (!ok) throw new ApiError('BAD_RESPONSE', `${what}: "${key}" is missing or not a ${type}`, 200);
  return v as T extends 'string' ? string : number;
}
