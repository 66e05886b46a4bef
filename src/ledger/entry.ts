/**
 * A ledger entry and its one encoding.
 *
 * Encoding (the RFC 6962 leaf data): the RFC 8785 canonical JSON of
 *   { "action", "actor", "payload", "subject", "time" }
 * with `time` an ISO 8601 UTC timestamp with milliseconds, `payload` a JSON object. The leaf hash is
 * SHA-256(0x00 || those bytes) (RFC 6962 §2.1). An entry is at most 65,535 bytes so that it fits a
 * C2SP tlog-tiles entry bundle (uint16 length prefix).
 */
import { canonicalJson, fromUtf8, InvalidInputError, utf8, VerificationError } from '../core/index.ts';

export const MAX_ENTRY_BYTES = 65_535;

export interface EntryInput {
  /** Who did it: `user:<id>`, `service:<id>`, `system`. */
  actor: string;
  /** What was done, dotted lower case: `ledger.checkpoint`, `custody.request.approved`. */
  action: string;
  /** What it was done to (an id, an address); empty when nothing in particular. */
  subject?: string;
  payload?: Record<string, unknown>;
}

export interface Entry {
  time: string;
  actor: string;
  action: string;
  subject: string;
  payload: Record<string, unknown>;
}

const ACTION = /^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*$/;
const ACTOR = /^(system|(user|service|node|cli):[^\s]{1,200})$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function checkEntryInput(e: EntryInput): void {
  if (typeof e.action !== 'string' || !ACTION.test(e.action) || e.action.length > 200)
    throw new InvalidInputError(
      'LEDGER_ENTRY_INVALID',
      `action must be dotted lower case (got ${JSON.stringify(e.action)})`,
    );
  if (typeof e.actor !== 'string' || !ACTOR.test(e.actor))
    throw new InvalidInputError(
      'LEDGER_ENTRY_INVALID',
      `actor must be "system" or "user:…", "service:…", "node:…", "cli:…" (got ${JSON.stringify(e.actor)})`,
    );
  if (e.subject !== undefined && (typeof e.subject !== 'string' || e.subject.length > 1000))
    throw new InvalidInputError(
      'LEDGER_ENTRY_INVALID',
      'subject must be a string of at most 1000 characters',
    );
  if (
    e.payload !== undefined &&
    (typeof e.payload !== 'object' || e.payload === null || Array.isArray(e.payload))
  )
    throw new InvalidInputError('LEDGER_ENTRY_INVALID', 'payload must be a JSON object');
}

export function makeEntry(input: EntryInput, time: Date): Entry {
  checkEntryInput(input);
  return {
    time: time.toISOString(),
    actor: input.actor,
    action: input.action,
    subject: input.subject ?? '',
    payload: input.payload ?? {},
  };
}

/** The canonical text; throws LEDGER_ENTRY_TOO_LARGE past 65,535 bytes. */
export function encodeEntry(e: Entry): { text: string; bytes: Uint8Array } {
  const text = canonicalJson(e);
  const bytes = utf8(text);
  if (bytes.length > MAX_ENTRY_BYTES)
    throw new InvalidInputError(
      'LEDGER_ENTRY_TOO_LARGE',
      `entry is ${bytes.length} bytes; the limit is ${MAX_ENTRY_BYTES}`,
      {
        bytes: bytes.length,
      },
    );
  return { text, bytes };
}

/** Parse stored or downloaded leaf data back into an entry, insisting that it is canonical. */
export function decodeEntry(data: Uint8Array | string): Entry {
  const text = typeof data === 'string' ? data : fromUtf8(data);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new VerificationError('LEDGER_ENTRY_MALFORMED', 'entry is not JSON');
  }
  const o = v as Record<string, unknown>;
  const keys = v && typeof v === 'object' && !Array.isArray(v) ? Object.keys(o).sort().join(',') : '';
  if (keys !== 'action,actor,payload,subject,time')
    throw new VerificationError(
      'LEDGER_ENTRY_MALFORMED',
      `entry has fields [${keys}], expected action, actor, payload, subject, time`,
    );
  if (typeof o['time'] !== 'string' || !ISO_TIME.test(o['time']))
    throw new VerificationError(
      'LEDGER_ENTRY_MALFORMED',
      'entry time is not an ISO 8601 UTC timestamp with milliseconds',
    );
  if (typeof o['subject'] !== 'string')
    throw new VerificationError('LEDGER_ENTRY_MALFORMED', 'entry subject is not a string');
  try {
    checkEntryInput(o as unknown as EntryInput);
  } catch (e) {
    throw new VerificationError('LEDGER_ENTRY_MALFORMED', (e as Error).message);
  }
  if (canonicalJson(v) !== text)
    throw new VerificationError('LEDGER_ENTRY_NOT_CANONICAL', 'entry is not in RFC 8785 canonical form');
  return o as unknown as Entry;
}
