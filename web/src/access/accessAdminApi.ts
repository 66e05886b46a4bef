/**
 * The access administration API as the Access page reads it (people, grants, the review, one's
 * own passkeys). A route that is not there (404) or not allowed (403) is reported as such, so the
 * page leaves that part out instead of showing made-up data.
 */
import { ApiError, getJson, isRecord, postJson } from '../api.ts';
import { stepUpFor } from './stepUp.ts';

export interface PersonRow {
  id: string;
  name: string;
  roles: string[];
  status: string;
  createdAt: string;
}

export interface GrantRow {
  id: string;
  principal: string;
  role: string;
  status: 'pending' | 'active' | 'revoked' | 'expired' | 'rejected';
  privileged: boolean;
  reason: string | null;
  requestedBy: string;
  requestedAt: string;
  approvedBy: string | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
  principalName?: string | null;
  flags?: string[];
}

export interface Review {
  generatedAt: string;
  unusedDays: number;
  expiringDays: number;
  summary: { grants: number; unused: number; expiring: number; pending: number; breakGlassUses: number };
  grants: GrantRow[];
}

export interface PasskeyRow {
  id: string;
  label: string;
  createdAt: string;
  lastUsedAt: string | null;
  backedUp: boolean;
}

/** The answer, or why it is missing (a code the page can show). */
export type Part<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

async function part<T>(path: string, check: (v: unknown) => T, signal?: AbortSignal): Promise<Part<T>> {
  try {
    return { ok: true, value: check(await getJson(path, signal)) };
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    const err = e as { code?: string; message?: string };
    return { ok: false, code: err.code ?? 'ERROR', message: err.message ?? String(e) };
  }
}

function list<T>(what: string, keys: string[]) {
  return (v: unknown): T[] => {
    if (!Array.isArray(v)) throw new ApiError('BAD_RESPONSE', `${what} is not a list`, 200);
    for (const [i, x] of v.entries())
      for (const k of keys)
        if (!isRecord(x) || x[k] === undefined)
          throw new ApiError('BAD_RESPONSE', `${what} ${i} has no "${k}"`, 200);
    return v as T[];
  };
}

export const fetchPeople = (s?: AbortSignal) =>
  part('/api/v1/access/people', list<PersonRow>('person', ['id', 'name', 'roles']), s);
export const fetchGrants = (s?: AbortSignal) =>
  part('/api/v1/access/grants', list<GrantRow>('grant', ['id', 'principal', 'role', 'status']), s);
export const fetchPasskeys = (s?: AbortSignal) =>
  part('/api/v1/access/passkeys', list<PasskeyRow>('passkey', ['id', 'label']), s);
export const fetchReview = (s?: AbortSignal) =>
  part(
    '/api/v1/access/review',
    (v) => {
      if (!isRecord(v) || !isRecord(v['summary']) || !Array.isArray(v['grants']))
        throw new ApiError('BAD_RESPONSE', 'the access review has no summary or grants', 200);
      return v as unknown as Review;
    },
    s,
  );

/** A second administrator approves a pending grant, with a passkey step-up over exactly that grant. */
export async function approveGrant(id: string): Promise<GrantRow> {
  const stepUp = await stepUpFor({ action: 'access.grant.approve', grant: id });
  const r = await postJson(`/api/v1/access/grants/${encodeURIComponent(id)}/approve`, { stepUp });
  if (!isRecord(r) || typeof r['status'] !== 'string')
    throw new ApiError('BAD_RESPONSE', 'the grant answer has no status', 200);
  return r as unknown as GrantRow;
}
