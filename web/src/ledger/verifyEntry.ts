/**
 * "Verify" on one entry, done entirely in this browser with the server's own code:
 *   1. fetch the latest checkpoint and the log's verifier key, and check the note's signature;
 *   2. fetch the inclusion proof of the entry against that checkpoint's size;
 *   3. recompute the RFC 6962 leaf hash from the entry's canonical bytes (never the server's hash);
 *   4. verify the proof from that leaf hash up to the signed root;
 *   5. check that what the row displays is what the verified entry says.
 * Every step that passed is listed in `checks`, so the result says exactly what was checked.
 */
import { base64ToBytes, bytesToBase64, equalBytes, utf8 } from '../../../src/core/bytes.ts';
import { canonicalJson } from '../../../src/core/canonical-json.ts';
import { VerificationError } from '../../../src/core/errors.ts';
import { leafHash, verifyInclusion } from '../../../src/ledger/merkle/index.ts';
import { isRecord } from '../api.ts';
import { errorInfo, isAbort } from '../errorInfo.ts';
import { plural } from '../format.ts';
import { fetchCheckpoint, fetchInclusionProof, fetchLogKey } from './ledgerApi.ts';
import type { EntryDto } from './types.ts';
import { keyName, verifyCheckpoint } from './verifyCheckpoint.ts';

export type EntryVerdict =
  | { kind: 'verified'; checkpointSize: number; checks: string[] }
  | { kind: 'pending'; checkpointSize: number | null; checks: string[] }
  | { kind: 'failed'; code: string; message: string; diagnosis?: string; checks: string[] };

export async function verifyEntry(entry: EntryDto, signal?: AbortSignal): Promise<EntryVerdict> {
  const checks: string[] = [];
  let diagnosis: string | undefined;
  try {
    const [dto, logKey] = await Promise.all([fetchCheckpoint(signal), fetchLogKey(signal)]);
    if (dto === null)
      return { kind: 'pending', checkpointSize: null, checks: ['the log has not signed a checkpoint yet'] };
    const cp = verifyCheckpoint(dto, logKey);
    checks.push(
      `checkpoint ${cp.size} (${cp.origin}): Ed25519 signature verified with key ${keyName(cp.key)}`,
    );
    if (entry.index >= cp.size) {
      checks.push(`checkpoint ${cp.size} covers indices 0–${cp.size - 1}; this entry is ${entry.index}`);
      return { kind: 'pending', checkpointSize: cp.size, checks };
    }

    const proof = await fetchInclusionProof(entry.index, cp.size, signal);
    if (proof.index !== entry.index || proof.size !== cp.size) {
      throw new VerificationError(
        'PROOF_FOR_WRONG_LEAF',
        `asked for the proof of ${entry.index} in ${cp.size}, got one for ${proof.index} in ${proof.size}`,
      );
    }
    const bytes = utf8(entry.entry);
    const leaf = leafHash(bytes);
    checks.push(
      `leaf hash recomputed from the entry's ${plural(bytes.length, 'canonical byte')}: ${bytesToBase64(leaf)}`,
    );
    for (const [where, recorded] of [
      ['in the entries listing', entry.leafHash],
      ['in the inclusion proof', proof.leafHash],
    ] as const) {
      if (diagnosis === undefined && !sameBase64(recorded, leaf)) {
        diagnosis =
          `The entry's canonical bytes hash to ${bytesToBase64(leaf)}, but the leaf hash the server recorded ` +
          `for index ${entry.index} is ${recorded} (${where}): the stored entry is not the one that was logged.`;
      }
    }

    verifyInclusion({
      index: entry.index,
      size: cp.size,
      leafHash: leaf,
      proof: proof.proof.map(proofHash),
      root: cp.root,
    });
    checks.push(
      `inclusion proof (${plural(proof.proof.length, 'hash', 'hashes')}) leads to the signed root ${cp.rootBase64}`,
    );
    if (diagnosis !== undefined) {
      // Included, yet the server reported a different leaf hash: something is inconsistent. Fail closed.
      throw new VerificationError(
        'LEAF_HASH_MISMATCH',
        'the entry is in the checkpoint, but the server reported a different leaf hash for it',
      );
    }

    checks.push(crossCheck(entry));
    return { kind: 'verified', checkpointSize: cp.size, checks };
  } catch (e) {
    if (isAbort(e)) throw e;
    const failure = errorInfo(e);
    return diagnosis === undefined
      ? { kind: 'failed', ...failure, checks }
      : { kind: 'failed', ...failure, diagnosis, checks };
  }
}

/**
 * The row's columns come from the server separately from the canonical entry. Compare every
 * column the canonical entry also carries, so the screen cannot show something other than what
 * was verified. Throws on a difference; returns the line for `checks`.
 */
function crossCheck(entry: EntryDto): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(entry.entry);
  } catch {
    throw new VerificationError('ENTRY_NOT_JSON', 'the canonical entry is not JSON');
  }
  if (!isRecord(parsed))
    throw new VerificationError('ENTRY_NOT_JSON', 'the canonical entry is not a JSON object');
  const shown: Record<string, unknown> = {
    index: entry.index,
    time: entry.time,
    actor: entry.actor,
    action: entry.action,
    subject: entry.subject,
    payload: entry.payload,
  };
  const compared: string[] = [];
  for (const [name, value] of Object.entries(shown)) {
    if (!(name in parsed)) continue;
    if (!sameValue(name, value, parsed[name])) {
      throw new VerificationError(
        'DISPLAY_MISMATCH',
        `the row shows ${name} ${short(value)}, but the verified entry says ${short(parsed[name])}`,
      );
    }
    compared.push(name);
  }
  return compared.length > 0
    ? `displayed ${compared.join(', ')} match the verified entry`
    : 'displayed columns not cross-checked: the canonical entry carries none of them by name';
}

function sameValue(name: string, a: unknown, b: unknown): boolean {
  if (name === 'time' && typeof a === 'string' && typeof b === 'string') {
    const ta = Date.parse(a);
    return a === b || (!Number.isNaN(ta) && ta === Date.parse(b));
  }
  try {
    return canonicalJson(a) === canonicalJson(b);
  } catch {
    return false;
  }
}

function short(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}

function sameBase64(b64: string, bytes: Uint8Array): boolean {
  try {
    return equalBytes(base64ToBytes(b64), bytes);
  } catch {
    return false;
  }
}

function proofHash(b64: string, i: number): Uint8Array {
  try {
    return base64ToBytes(b64);
  } catch {
    throw new VerificationError('PROOF_MALFORMED', `inclusion proof hash ${i} is not standard base64`);
  }
}
