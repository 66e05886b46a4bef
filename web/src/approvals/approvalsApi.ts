/** The custody requests API as the approvals queue reads it; answers are checked before use. */

import { stepUpFor } from '../access/stepUp.ts';
import { ApiError, getJson, isRecord, postJson } from '../api.ts';
import type { Analysis } from '../custody/types.ts';

export interface Decision {
  decision: 'deny' | 'require';
  requiredApprovals: number;
  fromRoles: string[];
  ruleId: string | null;
  reason: string;
}

export interface ApprovalRow {
  approver: string;
  digest: string;
  createdAt: string;
  via?: 'passkey' | 'key';
}

export interface CustodyRequest {
  id: string;
  chainId: number;
  wallet: string;
  status: 'pending' | 'denied' | 'approved' | 'exported';
  initiator: string;
  digest: string;
  decision: Decision;
  analysis: Analysis;
  approvals: ApprovalRow[];
  createdAt: string;
  updatedAt: string;
}

function check(r: unknown, i: number): CustodyRequest {
  const bad = (what: string) =>
    new ApiError('BAD_RESPONSE', `request ${i} of the queue is malformed: ${what}`, 200);
  if (!isRecord(r)) throw bad('not an object');
  for (const k of ['id', 'wallet', 'status', 'initiator', 'digest', 'createdAt'])
    if (typeof r[k] !== 'string') throw bad(`"${k}" is missing`);
  if (!isRecord(r['decision']) || typeof r['decision']['requiredApprovals'] !== 'number')
    throw bad('"decision" is missing');
  if (!isRecord(r['analysis']) || typeof r['analysis']['safeTxHash'] !== 'string')
    throw bad('"analysis" is missing');
  if (!Array.isArray(r['approvals'])) throw bad('"approvals" is not a list');
  return r as unknown as CustodyRequest;
}

export async function fetchRequests(status: string, signal?: AbortSignal): Promise<CustodyRequest[]> {
  const q = status === 'all' ? '' : `?status=${encodeURIComponent(status)}`;
  const body = await getJson(`/api/v1/custody/requests${q}`, signal);
  if (!Array.isArray(body)) throw new ApiError('BAD_RESPONSE', 'the request list is not a list', 200);
  return body.map(check);
}

/**
 * Approve the request's current digest: a passkey step-up over exactly
 * { action: 'custody.request.approve', requestId, digest }, then the approval carrying it.
 */
export async function approveWithPasskey(req: CustodyRequest): Promise<CustodyRequest> {
  const stepUp = await stepUpFor({
    action: 'custody.request.approve',
    requestId: req.id,
    digest: req.digest,
  });
  return check(
    await postJson(`/api/v1/custody/requests/${encodeURIComponent(req.id)}/approvals`, {
      digest: req.digest,
      stepUp,
    }),
    0,
  );
}

/** The execution bundle (for the wallet's execTransaction), exported with a passkey step-up over exactly this request. */
export interface ExecutionBundle {
  chainId: number;
  safe: string;
  safeTxHash: string;
  digest: string;
  signatures: string;
  execTransactionData: string;
}

export async function exportWithPasskey(req: CustodyRequest): Promise<ExecutionBundle> {
  const stepUp = await stepUpFor({ action: 'custody.request.export', requestId: req.id });
  const b = await postJson(`/api/v1/custody/requests/${encodeURIComponent(req.id)}/export`, { stepUp });
  if (!isRecord(b) || typeof b['execTransactionData'] !== 'string' || typeof b['safeTxHash'] !== 'string')
    throw new ApiError('BAD_RESPONSE', 'the export answer has no execTransaction data', 200);
  return b as unknown as ExecutionBundle;
}
