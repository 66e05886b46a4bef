/**
 * The witness's decision on an add-checkpoint request (c2sp.org/tlog-witness, "add-checkpoint"),
 * as pure logic: the caller loads the latest cosigned state for the checkpoint's origin (see
 * `checkpointOrigin`), calls this, and on `ok` persists `newState` atomically with that load
 * before answering (the spec's rollback race), then returns `cosignatureLine` with status 200.
 *
 * Checks, in the order of the spec, each with its own status and code:
 *   400 NOTE_MALFORMED / CHECKPOINT_MALFORMED   the note or its checkpoint body is malformed
 *   404 WITNESS_UNKNOWN_LOG                     no trusted keys for the origin
 *   403 NOTE_UNVERIFIED                         no signature from a trusted key
 *   403 NOTE_SIGNATURE_INVALID                  a trusted key's signature does not verify
 *   400 WITNESS_OLD_SIZE_TOO_LARGE              old size > checkpoint size
 *   409 WITNESS_OLD_SIZE_CONFLICT               old size ≠ latest cosigned size (body "<size>\n")
 *   422 WITNESS_EMPTY_TREE_ROOT                 size 0 without the empty-tree root SHA-256("")
 *   422 WITNESS_UNEXPECTED_PROOF                old size 0 with a non-empty proof
 *   422 WITNESS_FORK                            same size as the latest, different root
 *   422 WITNESS_CONSISTENCY_FAILED              the consistency proof does not verify
 */
import { equalBytes, isRampartError, sha256 } from '../../core/index.ts';
import {
  type Checkpoint,
  type Cosigner,
  cosignCheckpoint,
  type NoteVerifier,
  type OpenedNote,
  openNote,
  parseCheckpoint,
  parseNote,
} from '../note/index.ts';
import type { AddCheckpointRequest } from './request.ts';

/** The latest checkpoint the witness cosigned for one origin. */
export interface WitnessState {
  size: number;
  root: Uint8Array;
}

/** RFC 6962 §2.1.2 consistency check, injected (src/ledger/merkle); throws if the proof fails. */
export type ConsistencyVerifier = (args: {
  size1: number;
  size2: number;
  root1: Uint8Array;
  root2: Uint8Array;
  proof: Uint8Array[];
}) => void;

export interface AddCheckpointInput {
  request: AddCheckpointRequest;
  /** Trusted log keys by checkpoint origin. */
  trustedLogs: ReadonlyMap<string, readonly NoteVerifier[]>;
  /** Latest cosigned state for this request's origin, or null if never cosigned. */
  state: WitnessState | null;
  verifyConsistency: ConsistencyVerifier;
  witnessSigner: Cosigner;
  now: Date;
}

export type AddCheckpointRefusal = {
  ok: false;
  status: 400 | 403 | 404 | 409 | 422;
  code: string;
  message: string;
  body?: string;
  contentType?: string;
};

export type AddCheckpointDecision =
  | {
      ok: true;
      /** The 200 response body: one cosignature line, final newline included. */
      cosignatureLine: string;
      newState: WitnessState;
      origin: string;
      checkpoint: Checkpoint;
      /** Checkpoint with the verified log signatures and this cosignature, for the monitoring API. */
      cosignedNote: string;
    }
  | AddCheckpointRefusal;

/** RFC 6962 §2.1: the hash of an empty tree is SHA-256 of the empty string. */
export const EMPTY_TREE_ROOT: Uint8Array = sha256(new Uint8Array(0));

/** tlog-witness "Monitor Retrieval Mechanism" and the conflict response use this content type. */
export const TLOG_SIZE_CONTENT_TYPE = 'text/x.tlog.size';

function refuse(status: AddCheckpointRefusal['status'], code: string, message: string): AddCheckpointRefusal {
  return { ok: false, status, code, message };
}

/**
 * The origin line of a submitted checkpoint note, before any verification, so the caller can
 * load that origin's state; undefined if the note is malformed.
 */
export function checkpointOrigin(checkpointNote: string): string | undefined {
  try {
    const { text } = parseNote(checkpointNote);
    return text.slice(0, text.indexOf('\n'));
  } catch {
    return undefined;
  }
}

/**
 * Decide an add-checkpoint request. Refusals are returned, not thrown; what still throws is a
 * configuration fault (two trusted keys with one name and key ID: NOTE_KEY_INVALID) or a clock
 * before 1970 (no valid cosignature time), which the server answers with a 500.
 */
export function decideAddCheckpoint(input: AddCheckpointInput): AddCheckpointDecision {
  const { request, state } = input;
  let text: string;
  try {
    text = parseNote(request.checkpointNote).text;
  } catch (e) {
    if (isRampartError(e)) return refuse(400, e.code, e.message);
    throw e;
  }
  const origin = text.slice(0, text.indexOf('\n'));
  const verifiers = input.trustedLogs.get(origin);
  if (verifiers === undefined || verifiers.length === 0) {
    return refuse(404, 'WITNESS_UNKNOWN_LOG', 'the checkpoint origin is not a log this witness knows');
  }
  let opened: OpenedNote;
  try {
    opened = openNote(request.checkpointNote, verifiers);
  } catch (e) {
    if (isRampartError(e) && (e.code === 'NOTE_UNVERIFIED' || e.code === 'NOTE_SIGNATURE_INVALID')) {
      return refuse(403, e.code, e.message);
    }
    throw e;
  }
  let cp: Checkpoint;
  try {
    cp = parseCheckpoint(opened.text);
  } catch (e) {
    if (isRampartError(e)) return refuse(400, e.code, e.message);
    throw e;
  }
  const { oldSize, proof } = request;
  if (oldSize > cp.size) {
    return refuse(400, 'WITNESS_OLD_SIZE_TOO_LARGE', 'old size is larger than the checkpoint size');
  }
  const latest = state?.size ?? 0;
  if (oldSize !== latest) {
    return {
      ...refuse(
        409,
        'WITNESS_OLD_SIZE_CONFLICT',
        'old size is not the size of the latest cosigned checkpoint',
      ),
      body: `${latest}\n`,
      contentType: TLOG_SIZE_CONTENT_TYPE,
    };
  }
  if (cp.size === 0 && !equalBytes(cp.root, EMPTY_TREE_ROOT)) {
    return refuse(422, 'WITNESS_EMPTY_TREE_ROOT', 'a checkpoint of size 0 must have the empty tree root');
  }
  if (oldSize === 0 && proof.length > 0) {
    return refuse(422, 'WITNESS_UNEXPECTED_PROOF', 'old size is 0, so the consistency proof must be empty');
  }
  if (oldSize === cp.size) {
    if (state !== null && !equalBytes(state.root, cp.root)) {
      return refuse(422, 'WITNESS_FORK', 'same size as the latest cosigned checkpoint but a different root');
    }
    if (proof.length > 0) {
      return refuse(
        422,
        'WITNESS_CONSISTENCY_FAILED',
        'the consistency proof between equal sizes must be empty',
      );
    }
  } else if (oldSize > 0) {
    try {
      input.verifyConsistency({ size1: oldSize, size2: cp.size, root1: state!.root, root2: cp.root, proof });
    } catch {
      return refuse(422, 'WITNESS_CONSISTENCY_FAILED', 'the consistency proof does not verify');
    }
  }
  const time = Math.floor(input.now.getTime() / 1000);
  const cosignatureLine = cosignCheckpoint(opened.text, input.witnessSigner, time);
  const logLines = opened.signatures.filter((s) => s.verified).map((s) => s.line);
  return {
    ok: true,
    cosignatureLine,
    newState: { size: cp.size, root: cp.root },
    origin,
    checkpoint: cp,
    cosignedNote: `${opened.text}\n${logLines.join('')}${cosignatureLine}`,
  };
}
