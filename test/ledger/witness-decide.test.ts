import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bytesToBase64, sha256 } from '../../src/core/index.ts';
import {
  cosignerVerifierKeyFor,
  formatCheckpoint,
  generateCosignerKey,
  generateSignerKey,
  type NoteSigner,
  type NoteVerifier,
  openNote,
  parseCosignerKey,
  parseCosignerVerifierKey,
  parseSignerKey,
  parseVerifierKey,
  signNote,
  verifierKeyFor,
  verifyCosignature,
} from '../../src/ledger/note/index.ts';
import {
  type AddCheckpointDecision,
  type AddCheckpointInput,
  type AddCheckpointRequest,
  checkpointOrigin,
  decideAddCheckpoint,
  EMPTY_TREE_ROOT,
  parseAddCheckpointRequest,
  type WitnessState,
} from '../../src/ledger/witness/index.ts';
import { consistencyProof, leaves, mth, verifyConsistency } from './witness-merkle-helper.ts';

const ORIGIN = 'rampart.example/audit';
const logSigner = parseSignerKey(generateSignerKey(ORIGIN).signerKey);
const logVerifier = parseVerifierKey(verifierKeyFor(logSigner));
const otherLog = parseSignerKey(generateSignerKey('other.example/log').signerKey);
const witness = parseCosignerKey(generateCosignerKey('witness.example/w1').signerKey);
const witnessV = parseCosignerVerifierKey(cosignerVerifierKeyFor(witness));
const trustedLogs = new Map<string, NoteVerifier[]>([[ORIGIN, [logVerifier]]]);
const NOW = new Date('2025-02-21T14:00:00.500Z');
const NOW_S = Math.floor(NOW.getTime() / 1000);

const D = leaves(40);
const stateAt = (n: number): WitnessState => ({ size: n, root: mth(D.slice(0, n)) });
const body = (size: number, root = mth(D.slice(0, size)), origin = ORIGIN) =>
  formatCheckpoint({ origin, size, root });
const note = (size: number, signers: NoteSigner[] = [logSigner], root?: Uint8Array) =>
  signNote(body(size, root), signers);
const proof = (m: number, n: number) => consistencyProof(m, D.slice(0, n));

function decide(
  request: AddCheckpointRequest,
  state: WitnessState | null,
  over: Partial<AddCheckpointInput> = {},
): AddCheckpointDecision {
  return decideAddCheckpoint({
    request,
    trustedLogs,
    state,
    verifyConsistency,
    witnessSigner: witness,
    now: NOW,
    ...over,
  });
}

function refused(d: AddCheckpointDecision, status: number, code: string): void {
  assert.equal(d.ok, false, 'expected a refusal');
  if (d.ok) return;
  assert.equal(d.status, status, d.message);
  assert.equal(d.code, code, d.message);
}

function accepted(d: AddCheckpointDecision) {
  assert.equal(d.ok, true, d.ok ? '' : `${d.status} ${d.code}: ${d.message}`);
  if (!d.ok) throw new Error('unreachable');
  return d;
}

describe('witness add-checkpoint: accepted', () => {
  it('first checkpoint (old 0, no state): cosigns at now, new state is the checkpoint', () => {
    const d = accepted(decide({ oldSize: 0, proof: [], checkpointNote: note(5) }, null));
    assert.deepEqual(d.newState, stateAt(5));
    assert.equal(d.origin, ORIGIN);
    assert.equal(d.checkpoint.size, 5);
    assert.match(d.cosignatureLine, /^\u2014 witness\.example\/w1 \S+\n$/);
    assert.deepEqual(verifyCosignature(body(5), d.cosignatureLine, witnessV).timestamp, NOW_S);
  });

  it('the cosigned note carries the verified log signature and the cosignature, and opens with both keys', () => {
    const unknown = parseSignerKey(generateSignerKey('stranger').signerKey);
    const d = accepted(
      decide({ oldSize: 0, proof: [], checkpointNote: note(5, [logSigner, unknown]) }, null),
    );
    const opened = openNote(d.cosignedNote, [logVerifier, witnessV]);
    assert.deepEqual(
      opened.signatures.map((s) => [s.name, s.verified]),
      [
        [ORIGIN, true],
        ['witness.example/w1', true],
      ],
    );
    // The client's way: append the response body to the note it sent.
    const clientView = openNote(note(5) + d.cosignatureLine, [witnessV]);
    assert.equal(clientView.signatures.at(-1)!.verified, true);
  });

  it('extends a cosigned checkpoint with a verifying consistency proof', () => {
    for (const [m, n] of [
      [5, 7],
      [4, 8],
      [1, 40],
      [13, 32],
      [31, 33],
    ] as const) {
      const d = accepted(decide({ oldSize: m, proof: proof(m, n), checkpointNote: note(n) }, stateAt(m)));
      assert.deepEqual(d.newState, stateAt(n));
    }
  });

  it('passes sizes, roots and proof to the injected consistency verifier', () => {
    const calls: unknown[] = [];
    const p = proof(3, 9);
    accepted(
      decide({ oldSize: 3, proof: p, checkpointNote: note(9) }, stateAt(3), {
        verifyConsistency: (a) => {
          calls.push(a);
        },
      }),
    );
    assert.deepEqual(calls, [
      { size1: 3, size2: 9, root1: stateAt(3).root, root2: stateAt(9).root, proof: p },
    ]);
  });

  it('re-cosigns the same checkpoint (same size, same root, empty proof) without a consistency call', () => {
    const d = accepted(
      decide({ oldSize: 9, proof: [], checkpointNote: note(9) }, stateAt(9), {
        verifyConsistency: () => assert.fail('not needed for equal sizes'),
      }),
    );
    assert.deepEqual(d.newState, stateAt(9));
  });

  it('an empty tree with the empty-tree root is cosigned', () => {
    assert.equal(bytesToBase64(EMPTY_TREE_ROOT), bytesToBase64(sha256(new Uint8Array(0))));
    const d = accepted(
      decide({ oldSize: 0, proof: [], checkpointNote: note(0, [logSigner], EMPTY_TREE_ROOT) }, null),
    );
    assert.equal(d.newState.size, 0);
  });

  it('end to end from a request body', () => {
    const raw = `old 5\n${proof(5, 12)
      .map((h) => `${bytesToBase64(h)}\n`)
      .join('')}\n${note(12)}`;
    const req = parseAddCheckpointRequest(raw);
    assert.equal(checkpointOrigin(req.checkpointNote), ORIGIN);
    accepted(decide(req, stateAt(5)));
  });
});

describe('witness add-checkpoint: refusals, each for its own reason', () => {
  it('400 NOTE_MALFORMED: the checkpoint note is not a signed note', () => {
    refused(decide({ oldSize: 0, proof: [], checkpointNote: body(5) }, null), 400, 'NOTE_MALFORMED');
    assert.equal(checkpointOrigin(body(5)), undefined);
  });

  it('404 WITNESS_UNKNOWN_LOG: origin without trusted keys', () => {
    const n = signNote(body(5, undefined, 'other.example/log'), [otherLog]);
    refused(decide({ oldSize: 0, proof: [], checkpointNote: n }, null), 404, 'WITNESS_UNKNOWN_LOG');
    const empty = new Map([[ORIGIN, []]]);
    refused(
      decide({ oldSize: 0, proof: [], checkpointNote: note(5) }, null, { trustedLogs: empty }),
      404,
      'WITNESS_UNKNOWN_LOG',
    );
  });

  it('403 NOTE_UNVERIFIED: no signature from a trusted key (other key, same name other key ID)', () => {
    const impostor = parseSignerKey(generateSignerKey(ORIGIN).signerKey);
    refused(
      decide({ oldSize: 0, proof: [], checkpointNote: note(5, [impostor]) }, null),
      403,
      'NOTE_UNVERIFIED',
    );
    refused(
      decide({ oldSize: 0, proof: [], checkpointNote: note(5, [otherLog]) }, null),
      403,
      'NOTE_UNVERIFIED',
    );
  });

  it('403 NOTE_SIGNATURE_INVALID: a trusted key signature that fails, even beside a good one', () => {
    const good = note(5);
    const i = good.lastIndexOf(' ') + 20; // inside the Ed25519 signature, past the key ID
    const tampered = `${good.slice(0, i)}${good[i] === 'A' ? 'B' : 'A'}${good.slice(i + 1)}`;
    refused(decide({ oldSize: 0, proof: [], checkpointNote: tampered }, null), 403, 'NOTE_SIGNATURE_INVALID');
    const second = parseSignerKey(generateSignerKey(ORIGIN).signerKey);
    const both = new Map([[ORIGIN, [logVerifier, parseVerifierKey(verifierKeyFor(second))]]]);
    const goodAndBad = tampered + signNote(body(5), [second]).slice(body(5).length + 1);
    refused(
      decide({ oldSize: 0, proof: [], checkpointNote: goodAndBad }, null, { trustedLogs: both }),
      403,
      'NOTE_SIGNATURE_INVALID',
    );
    accepted(
      decide({ oldSize: 0, proof: [], checkpointNote: note(5, [logSigner, second]) }, null, {
        trustedLogs: both,
      }),
    );
    const forged = signNote(body(5, new Uint8Array(32)), [logSigner]);
    const swapped = `${body(5)}\n${forged.slice(forged.indexOf('\u2014'))}`;
    refused(decide({ oldSize: 0, proof: [], checkpointNote: swapped }, null), 403, 'NOTE_SIGNATURE_INVALID');
  });

  it('400 CHECKPOINT_MALFORMED: a validly signed note that is not a checkpoint', () => {
    const n = signNote(`${ORIGIN}\n05\n${bytesToBase64(new Uint8Array(32))}\n`, [logSigner]);
    refused(decide({ oldSize: 0, proof: [], checkpointNote: n }, null), 400, 'CHECKPOINT_MALFORMED');
  });

  it('400 WITNESS_OLD_SIZE_TOO_LARGE: old size above the checkpoint size', () => {
    refused(
      decide({ oldSize: 9, proof: proof(5, 9), checkpointNote: note(5) }, stateAt(9)),
      400,
      'WITNESS_OLD_SIZE_TOO_LARGE',
    );
  });

  it('409 WITNESS_OLD_SIZE_CONFLICT: old size is not the latest cosigned size; body and content type say it', () => {
    for (const [old, state, want] of [
      [3, null, '0\n'],
      [3, stateAt(5), '5\n'],
      [0, stateAt(5), '5\n'],
      [7, stateAt(5), '5\n'],
    ] as const) {
      const d = decide(
        { oldSize: old, proof: old === 0 ? [] : proof(old, 9), checkpointNote: note(9) },
        state,
      );
      refused(d, 409, 'WITNESS_OLD_SIZE_CONFLICT');
      if (d.ok) continue;
      assert.equal(d.body, want);
      assert.equal(d.contentType, 'text/x.tlog.size');
    }
  });

  it('422 WITNESS_EMPTY_TREE_ROOT: size 0 with another root', () => {
    refused(
      decide({ oldSize: 0, proof: [], checkpointNote: note(0, [logSigner], new Uint8Array(32)) }, null),
      422,
      'WITNESS_EMPTY_TREE_ROOT',
    );
  });

  it('422 WITNESS_UNEXPECTED_PROOF: old size 0 with proof lines', () => {
    refused(
      decide({ oldSize: 0, proof: [mth(D.slice(0, 1))], checkpointNote: note(5) }, null),
      422,
      'WITNESS_UNEXPECTED_PROOF',
    );
  });

  it('422 WITNESS_FORK: same size as the latest cosigned checkpoint, different root', () => {
    const forkRoot = mth(leaves(9, 'fork'));
    refused(
      decide({ oldSize: 9, proof: [], checkpointNote: note(9, [logSigner], forkRoot) }, stateAt(9)),
      422,
      'WITNESS_FORK',
    );
  });

  it('422 WITNESS_CONSISTENCY_FAILED: equal sizes with a non-empty proof', () => {
    refused(
      decide({ oldSize: 9, proof: [mth(D.slice(0, 1))], checkpointNote: note(9) }, stateAt(9)),
      422,
      'WITNESS_CONSISTENCY_FAILED',
    );
  });

  it('422 WITNESS_CONSISTENCY_FAILED: a proof that does not verify', () => {
    const p = proof(5, 12);
    p[0] = mth(D.slice(0, 2));
    refused(
      decide({ oldSize: 5, proof: p, checkpointNote: note(12) }, stateAt(5)),
      422,
      'WITNESS_CONSISTENCY_FAILED',
    );
    // A proof for other sizes.
    refused(
      decide({ oldSize: 5, proof: proof(6, 12), checkpointNote: note(12) }, stateAt(5)),
      422,
      'WITNESS_CONSISTENCY_FAILED',
    );
    // The log rewrote history: the new tree does not extend the cosigned one.
    const rewritten = leaves(12, 'rewritten');
    const n = signNote(formatCheckpoint({ origin: ORIGIN, size: 12, root: mth(rewritten) }), [logSigner]);
    refused(
      decide({ oldSize: 5, proof: consistencyProof(5, rewritten), checkpointNote: n }, stateAt(5)),
      422,
      'WITNESS_CONSISTENCY_FAILED',
    );
    // An empty proof between different sizes.
    refused(
      decide({ oldSize: 5, proof: [], checkpointNote: note(12) }, stateAt(5)),
      422,
      'WITNESS_CONSISTENCY_FAILED',
    );
  });

  it('refusals carry no cosignature and no new state', () => {
    const d = decide({ oldSize: 0, proof: [mth(D.slice(0, 1))], checkpointNote: note(5) }, null);
    assert.deepEqual(Object.keys(d).sort(), ['code', 'message', 'ok', 'status']);
  });
});
