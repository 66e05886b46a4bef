/** The reserves API as the console reads it; answers are checked before they are drawn. */
import { ApiError, getJson, isRecord } from '../api.ts';

export interface AssetLine {
  asset: string;
  reserves: string;
  liabilities: string;
  ratio: string | null;
}

export interface AttestationSummary {
  seq: number;
  exchange: string;
  date: string;
  digest: string;
  liabilitiesRoot: string;
  ledgerIndex: number;
  publishedAt: string;
  publishedBy: string;
  assets: AssetLine[];
}

export interface RatioView {
  attestation: AttestationSummary | null;
  liabilities: {
    root: string;
    snapshotTime: string | null;
    ledgerIndex: number | null;
    totals: Record<string, string>;
  } | null;
  current: boolean;
}

function checkSummary(v: unknown, where: string): AttestationSummary {
  if (
    !isRecord(v) ||
    typeof v['seq'] !== 'number' ||
    typeof v['date'] !== 'string' ||
    typeof v['liabilitiesRoot'] !== 'string' ||
    !Array.isArray(v['assets']) ||
    !v['assets'].every(
      (a) =>
        isRecord(a) &&
        typeof a['asset'] === 'string' &&
        typeof a['reserves'] === 'string' &&
        (typeof a['ratio'] === 'string' || a['ratio'] === null),
    )
  )
    throw new ApiError('BAD_RESPONSE', `${where} is malformed`, 200);
  return v as unknown as AttestationSummary;
}

export async function fetchRatio(signal?: AbortSignal): Promise<RatioView> {
  const body = await getJson('/api/v1/reserves/ratio', signal);
  if (!isRecord(body) || typeof body['current'] !== 'boolean')
    throw new ApiError('BAD_RESPONSE', 'the ratio answer is malformed', 200);
  const l = body['liabilities'];
  if (l !== null && (!isRecord(l) || typeof l['root'] !== 'string' || !isRecord(l['totals'])))
    throw new ApiError('BAD_RESPONSE', 'the liabilities root in the ratio answer is malformed', 200);
  return {
    attestation:
      body['attestation'] === null ? null : checkSummary(body['attestation'], 'the latest attestation'),
    liabilities: l as RatioView['liabilities'],
    current: body['current'],
  };
}

export async function fetchHistory(signal?: AbortSignal): Promise<AttestationSummary[]> {
  const body = await getJson('/api/v1/reserves/attestations', signal);
  if (!Array.isArray(body)) throw new ApiError('BAD_RESPONSE', 'the attestation history is not a list', 200);
  return body.map((a, i) => checkSummary(a, `attestation ${i} of the history`));
}

export interface AttestationStatementView {
  chains: { chain: string; number: string; hash: string }[];
  addresses: { chain: string; address: string; scheme: string; balances: Record<string, string> }[];
}

/** The full statement of an attestation: where and at which blocks the reserves were proven. */
export async function fetchStatement(seq: number, signal?: AbortSignal): Promise<AttestationStatementView> {
  const body = await getJson(`/api/v1/reserves/attestations/${seq}`, signal);
  const st = isRecord(body) ? body['statement'] : undefined;
  if (!isRecord(st) || !Array.isArray(st['chains']) || !Array.isArray(st['addresses']))
    throw new ApiError('BAD_RESPONSE', `attestation #${seq} has no statement`, 200);
  return st as unknown as AttestationStatementView;
}
