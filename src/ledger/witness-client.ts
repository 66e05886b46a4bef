/**
 * The log's side of C2SP tlog-witness: POST <witness>/add-checkpoint with the old size, a
 * consistency proof from it, and the signed checkpoint; a 200 carries cosignature lines, which we
 * keep only if they verify under the witness key we were configured with.
 */
import { bytesToBase64 } from '../core/index.ts';
import { openNote, parseCosignerVerifierKey } from './note/index.ts';

export interface WitnessEndpoint {
  name: string;
  /** Submission prefix: add-checkpoint is POSTed to `${url}/add-checkpoint`. */
  url: string;
  /** The witness's cosigner verifier key (`name+hash+base64`, type 0x04). */
  key: string;
}

export type CosignResult =
  | { ok: true; line: string }
  | { ok: false; status: number; message: string; conflictSize?: number };

export async function requestCosignature(
  w: WitnessEndpoint,
  req: { oldSize: number; proof: Uint8Array[]; note: string; origin: string },
  timeoutMs = 10_000,
): Promise<CosignResult> {
  const body = `old ${req.oldSize}\n${req.proof.map((p) => `${bytesToBase64(p)}\n`).join('')}\n${req.note}`;
  const res = await fetch(`${w.url.replace(/\/$/, '')}/add-checkpoint`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  if (res.status === 409 && (res.headers.get('content-type') ?? '').startsWith('text/x.tlog.size')) {
    const n = /^(0|[1-9]\d*)\n$/.exec(text);
    return {
      ok: false,
      status: 409,
      message: 'witness has another old size',
      conflictSize: n ? Number(n[1]) : undefined,
    };
  }
  if (res.status !== 200) return { ok: false, status: res.status, message: text.slice(0, 200) };
  const verifier = parseCosignerVerifierKey(w.key);
  const lines = text.split('\n').filter((l) => l.length > 0);
  // Keep only lines that are valid cosignatures by this witness's key over this checkpoint.
  for (const l of lines) {
    const candidate = `${req.note}${l}\n`;
    try {
      const opened = openNote(candidate, [verifier]);
      if (opened.signatures.some((s) => s.verified && s.name === verifier.name))
        return { ok: true, line: `${l}\n` };
    } catch {
      // not ours or not valid: ignored, as the spec says for unknown keys
    }
  }
  return {
    ok: false,
    status: 200,
    message: 'witness returned no valid cosignature under its configured key',
  };
}
