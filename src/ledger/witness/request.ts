/**
 * The add-checkpoint request body (c2sp.org/tlog-witness, "add-checkpoint"):
 *
 *   old <size>\n            ASCII decimal, no leading zeroes ("0" for zero)
 *   <base64 hash>\n         zero to 63 consistency proof lines
 *   \n                      an empty line
 *   <checkpoint note>       the signed checkpoint, any number of signatures
 */
import { base64ToBytes, InvalidInputError } from '../../core/index.ts';
import { parseDecimal } from '../note/index.ts';

/** tlog-witness: the client MUST NOT send more than 63 consistency proof lines. */
export const MAX_PROOF_LINES = 63;
const HASH_BYTES = 32;

export interface AddCheckpointRequest {
  oldSize: number;
  proof: Uint8Array[];
  /** The signed checkpoint note, verbatim (not yet verified). */
  checkpointNote: string;
}

function malformed(message: string, reason: string): InvalidInputError {
  return new InvalidInputError('WITNESS_REQUEST_MALFORMED', message, { reason });
}

/** Parse a request body strictly; any deviation is WITNESS_REQUEST_MALFORMED (HTTP 400). */
export function parseAddCheckpointRequest(body: string): AddCheckpointRequest {
  const sep = body.indexOf('\n\n');
  if (sep < 0) throw malformed('request has no empty line before the checkpoint', 'no-separator');
  const head = body.slice(0, sep).split('\n');
  const checkpointNote = body.slice(sep + 2);
  const oldLine = head[0]!;
  if (!oldLine.startsWith('old '))
    throw malformed('request does not start with an "old <size>" line', 'old-line');
  const oldSize = parseDecimal(oldLine.slice(4));
  if (oldSize === undefined) throw malformed('old size is not a decimal without leading zeroes', 'old-line');
  const proofLines = head.slice(1);
  if (proofLines.length > MAX_PROOF_LINES)
    throw malformed('more than 63 consistency proof lines', 'proof-too-long');
  const proof = proofLines.map((l) => {
    let h: Uint8Array;
    try {
      h = base64ToBytes(l);
    } catch {
      throw malformed('a consistency proof line is not standard base64', 'proof-line');
    }
    if (h.length !== HASH_BYTES)
      throw malformed('a consistency proof line is not a 32-byte hash', 'proof-line');
    return h;
  });
  if (checkpointNote === '') throw malformed('request has no checkpoint', 'no-checkpoint');
  return { oldSize, proof, checkpointNote };
}
