/**
 * Signed notes (c2sp.org/signed-note, "Format" and "Signatures"): a text ending in a newline, a
 * blank line, then one or more lines `— <key name> base64(uint32 key ID || signature)\n`.
 * The text is separated from the signatures by the last empty line of the note.
 */
import {
  base64ToBytes,
  bytesToBase64,
  concatBytes,
  fromUtf8,
  InvalidInputError,
  utf8,
  VerificationError,
} from '../../core/index.ts';
import type { NoteSigner, NoteVerifier } from './keys.ts';
import { formatKeyId, hasControlChar, isValidKeyName } from './vkey.ts';

/** U+2014 EM DASH then a space: the start of every signature line. */
export const SIGNATURE_PREFIX = '\u2014 ';

/** signed-note: verifiers MUST accept at least 16 signatures; like Go's sumdb/note we stop at 100. */
export const MAX_NOTE_SIGNATURES = 100;

/** One signature line of a note, not yet checked against any key. */
export interface NoteSignature {
  name: string;
  keyId: number;
  /** The signature bytes after the 4-byte key ID. */
  signature: Uint8Array;
  /** The whole line, prefix and final newline included, exactly as it appeared. */
  line: string;
}

export interface ParsedNote {
  /** The note text, final newline included, blank separator line excluded. */
  text: string;
  signatures: NoteSignature[];
}

export interface OpenedSignature extends NoteSignature {
  /** True if a given verifier matched name and key ID and the signature verified. */
  verified: boolean;
}

export interface OpenedNote {
  text: string;
  signatures: OpenedSignature[];
}

function malformed(message: string, reason: string): InvalidInputError {
  return new InvalidInputError('NOTE_MALFORMED', message, { reason });
}

/** signed-note "Format": valid UTF-8 (no unpaired surrogate here), no control character but newline. */
function checkNoteChars(s: string): void {
  if (/\p{Cs}/u.test(s)) throw malformed('note is not valid UTF-8', 'utf8');
  if (hasControlChar(s, true)) throw malformed('note has a control character other than newline', 'control');
}

/** Build `— <name> base64(keyId || sig)\n`. */
export function formatSignatureLine(name: string, keyId: number, signature: Uint8Array): string {
  if (!isValidKeyName(name)) throw malformed('signature key name is invalid', 'name');
  const id = new Uint8Array(4);
  new DataView(id.buffer).setUint32(0, keyId >>> 0, false);
  return `${SIGNATURE_PREFIX}${name} ${bytesToBase64(concatBytes(id, signature))}\n`;
}

/** Parse one signature line (with or without its final newline). */
export function parseSignatureLine(line: string): NoteSignature {
  const body = line.endsWith('\n') ? line.slice(0, -1) : line;
  if (!body.startsWith(SIGNATURE_PREFIX))
    throw malformed('signature line does not start with "— "', 'signature-line');
  const rest = body.slice(SIGNATURE_PREFIX.length);
  const space = rest.indexOf(' ');
  if (space < 0) throw malformed('signature line has no signature', 'signature-line');
  const name = rest.slice(0, space);
  const b64 = rest.slice(space + 1);
  if (!isValidKeyName(name)) throw malformed('signature key name is invalid', 'name');
  let raw: Uint8Array;
  try {
    raw = base64ToBytes(b64);
  } catch {
    throw malformed('signature is not standard base64', 'base64');
  }
  if (raw.length < 5) throw malformed('signature is shorter than a key ID and one byte', 'signature-length');
  const keyId = new DataView(raw.buffer, raw.byteOffset, 4).getUint32(0, false);
  return { name, keyId, signature: raw.subarray(4), line: `${body}\n` };
}

/** Split a note into text and signature lines, checking only its form (signed-note "Format"). */
export function parseNote(note: string | Uint8Array): ParsedNote {
  let s: string;
  if (typeof note === 'string') {
    s = note;
  } else {
    try {
      s = fromUtf8(note);
    } catch {
      throw malformed('note is not valid UTF-8', 'utf8');
    }
  }
  checkNoteChars(s);
  if (!s.endsWith('\n')) throw malformed('note does not end in a newline', 'final-newline');
  const split = s.lastIndexOf('\n\n');
  if (split < 0) throw malformed('note has no blank line before its signatures', 'no-signatures');
  const text = s.slice(0, split + 1);
  const sigBlock = s.slice(split + 2);
  if (sigBlock === '') throw malformed('note has no signature lines', 'no-signatures');
  const lines = sigBlock.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES)
    throw malformed('note has too many signatures', 'too-many-signatures');
  return { text, signatures: lines.map(parseSignatureLine) };
}

function verifierIndex(verifiers: readonly NoteVerifier[]): Map<string, NoteVerifier> {
  const byKey = new Map<string, NoteVerifier>();
  for (const v of verifiers) {
    const k = `${v.name}+${formatKeyId(v.keyId)}`;
    if (byKey.has(k)) {
      throw new InvalidInputError('NOTE_KEY_INVALID', 'two verifiers share a key name and key ID', {
        reason: 'ambiguous',
        key: k,
      });
    }
    byKey.set(k, v);
  }
  return byKey;
}

/**
 * Open a note with the keys the caller trusts (signed-note "Signatures"): signatures from unknown
 * keys (name and ID not both matching) are kept but unverified; a signature from a known key that
 * fails rejects the whole note (NOTE_SIGNATURE_INVALID); with no verified signature the note is
 * rejected (NOTE_UNVERIFIED). Repeated identical lines are reported once.
 */
export function openNote(note: string | Uint8Array, verifiers: readonly NoteVerifier[]): OpenedNote {
  const parsed = parseNote(note);
  const known = verifierIndex(verifiers);
  const msg = utf8(parsed.text);
  const seen = new Set<string>();
  const signatures: OpenedSignature[] = [];
  for (const sig of parsed.signatures) {
    if (seen.has(sig.line)) continue;
    seen.add(sig.line);
    const v = known.get(`${sig.name}+${formatKeyId(sig.keyId)}`);
    if (v !== undefined && !v.verify(msg, sig.signature)) {
      throw new VerificationError('NOTE_SIGNATURE_INVALID', 'a signature from a known key does not verify', {
        name: sig.name,
        keyId: formatKeyId(sig.keyId),
      });
    }
    signatures.push({ ...sig, verified: v !== undefined });
  }
  if (!signatures.some((s) => s.verified)) {
    throw new VerificationError('NOTE_UNVERIFIED', 'the note has no signature from a known key');
  }
  return { text: parsed.text, signatures };
}

/**
 * Sign `text` (which must end in a newline) with each signer, in order, and return the note:
 * text, blank line, one signature line per signer.
 */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  checkNoteChars(text);
  if (!text.endsWith('\n')) throw malformed('note text does not end in a newline', 'final-newline');
  if (signers.length === 0) throw malformed('a note needs at least one signature', 'no-signatures');
  if (signers.length > MAX_NOTE_SIGNATURES) throw malformed('too many signers', 'too-many-signatures');
  const seen = new Set<string>();
  const msg = utf8(text);
  let out = `${text}\n`;
  for (const s of signers) {
    const k = `${s.name}+${formatKeyId(s.keyId)}`;
    if (seen.has(k)) throw malformed('the same key signs twice', 'duplicate-signer');
    seen.add(k);
    const sig = s.sign(msg);
    if (sig.length === 0) throw malformed('a signer returned an empty signature', 'signature-length');
    out += formatSignatureLine(s.name, s.keyId, sig);
  }
  return out;
}
