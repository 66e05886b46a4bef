/** The four ledger endpoints, each answer checked for shape before anything reads it. */
import { ApiError, field, getJson, isRecord } from '../api.ts';
import type { CheckpointDto, EntriesPageDto, EntryDto, InclusionProofDto, LogKeyDto } from './types.ts';

const BASE = '/api/v1/ledger';

export const PAGE_SIZE = 25;

/** The latest signed checkpoint, or null when the log has not signed one yet. */
export async function fetchCheckpoint(signal?: AbortSignal): Promise<CheckpointDto | null> {
  let body: unknown;
  try {
    body = await getJson(`${BASE}/checkpoint`, signal);
  } catch (e) {
    if (e instanceof ApiError && e.code === 'NO_CHECKPOINT') return null;
    throw e;
  }
  const what = 'checkpoint';
  return {
    origin: field(body, 'origin', 'string', what),
    size: field(body, 'size', 'number', what),
    root: field(body, 'root', 'string', what),
    note: field(body, 'note', 'string', what),
    time: field(body, 'time', 'string', what),
  };
}

export async function fetchLogKey(signal?: AbortSignal): Promise<LogKeyDto> {
  const body = await getJson(`${BASE}/key`, signal);
  return { origin: field(body, 'origin', 'string', 'log key'), key: field(body, 'key', 'string', 'log key') };
}

export async function fetchEntries(
  from: number,
  limit: number,
  signal?: AbortSignal,
): Promise<EntriesPageDto> {
  const body = await getJson(`${BASE}/entries?from=${from}&limit=${limit}`, signal);
  const size = field(body, 'size', 'number', 'entries');
  const list = isRecord(body) ? body['entries'] : undefined;
  if (!Array.isArray(list)) throw new ApiError('BAD_RESPONSE', 'entries: "entries" is not a list', 200);
  const entries = list.map((e: unknown, i): EntryDto => {
    const what = `entries[${i}]`;
    return {
      index: field(e, 'index', 'number', what),
      time: field(e, 'time', 'string', what),
      actor: field(e, 'actor', 'string', what),
      action: field(e, 'action', 'string', what),
      subject: field(e, 'subject', 'string', what),
      payload: isRecord(e) ? e['payload'] : undefined,
      entry: field(e, 'entry', 'string', what),
      leafHash: field(e, 'leafHash', 'string', what),
    };
  });
  return { size, entries };
}

export async function fetchInclusionProof(
  index: number,
  size: number,
  signal?: AbortSignal,
): Promise<InclusionProofDto> {
  const body = await getJson(`${BASE}/proof/inclusion?index=${index}&size=${size}`, signal);
  const what = 'inclusion proof';
  const proof = isRecord(body) ? body['proof'] : undefined;
  if (!Array.isArray(proof) || !proof.every((p) => typeof p === 'string')) {
    throw new ApiError('BAD_RESPONSE', `${what}: "proof" is not a list of base64 strings`, 200);
  }
  return {
    index: field(body, 'index', 'number', what),
    size: field(body, 'size', 'number', what),
    leafHash: field(body, 'leafHash', 'string', what),
    proof: proof as string[],
  };
}
