/**
 * The custody API as the console calls it. Answers are checked before they are shown: a
 * malformed answer becomes an ApiError (or, for one result of a list, an error entry for that
 * result), never a half-drawn page.
 */
import { ApiError, getJson, isRecord, postJson } from '../api.ts';
import type { AnalysisResult, AnalyzeResponse, Wallet } from './types.ts';

const VERDICTS = new Set(['deny', 'review', 'allow']);
const HEX = /^0x[0-9a-fA-F]*$/;

export async function fetchWallets(signal?: AbortSignal): Promise<Wallet[]> {
  const body = await getJson('/api/v1/custody/wallets', signal);
  if (!Array.isArray(body)) throw new ApiError('BAD_RESPONSE', 'the wallet list is not a list', 200);
  return body.map((w, i) => {
    if (
      !isRecord(w) ||
      typeof w['address'] !== 'string' ||
      typeof w['chainId'] !== 'number' ||
      typeof w['version'] !== 'string' ||
      !Array.isArray(w['owners']) ||
      typeof w['threshold'] !== 'number'
    ) {
      throw new ApiError('BAD_RESPONSE', `wallet ${i} of the list is malformed`, 200);
    }
    return w as unknown as Wallet;
  });
}

export interface AnalyzeRequest {
  wallet: string;
  chainId?: number;
  transaction: unknown;
  simulate: boolean;
}

export async function analyze(req: AnalyzeRequest, signal?: AbortSignal): Promise<AnalyzeResponse> {
  const body = await postJson('/api/v1/custody/analyze', req, signal);
  if (!isRecord(body) || typeof body['denied'] !== 'boolean' || !Array.isArray(body['results'])) {
    throw new ApiError('BAD_RESPONSE', 'the analysis answer has no "denied" flag or no "results" list', 200);
  }
  return { denied: body['denied'], results: body['results'].map(checkResult) };
}

/** One result, checked; a malformed one becomes an error entry naming what is missing. */
function checkResult(r: unknown, i: number): AnalysisResult {
  const index = isRecord(r) && typeof r['index'] === 'number' ? r['index'] : i;
  const bad = (what: string): AnalysisResult => ({
    index,
    error: { code: 'BAD_RESPONSE', message: `the server's result ${index} is malformed: ${what}` },
  });
  if (!isRecord(r)) return bad('not an object');
  if (isRecord(r['error'])) {
    const e = r['error'];
    return {
      index,
      error: {
        code: typeof e['code'] === 'string' ? e['code'] : 'ERROR',
        message: typeof e['message'] === 'string' ? e['message'] : 'no message',
        details: e['details'],
      },
    };
  }
  if (typeof r['verdict'] !== 'string' || !VERDICTS.has(r['verdict'])) return bad('no verdict');
  for (const k of ['safeTxHash', 'domainHash', 'messageHash']) {
    if (typeof r[k] !== 'string' || !HEX.test(r[k] as string)) return bad(`"${k}" is not hex`);
  }
  if (typeof r['digest'] !== 'string') return bad('no digest');
  if (!Array.isArray(r['findings'])) return bad('no findings list');
  if (!isRecord(r['decoded'])) return bad('no decoded call');
  if (!isRecord(r['tx'])) return bad('no transaction fields');
  return r as unknown as AnalysisResult;
}
