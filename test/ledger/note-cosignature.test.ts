import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { base64ToBytes, bytesToBase64, fromUtf8, isRampartError, utf8 } from '../../src/core/index.ts';
import {
  computeKeyId,
  cosignatureMessage,
  cosignatureTimestamp,
  cosignCheckpoint,
  cosignerVerifierKeyFor,
  formatCheckpoint,
  formatKeyId,
  formatSignatureLine,
  generateCosignerKey,
  generateSignerKey,
  openNote,
  parseCosignerKey,
  parseCosignerVerifierKey,
  parseSignerKey,
  parseVerifierKey,
  SIG_TYPE_COSIGNATURE_V1,
  signNote,
  verifierKeyFor,
  verifyCosignature,
} from '../../src/ledger/note/index.ts';

function rejects(fn: () => unknown, code: string, reason?: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isRampartError(e), String(e));
    assert.equal(e.code, code);
    if (reason !== undefined) assert.equal(e.details?.['reason'], reason);
    return true;
  });
}

// tlog-cosignature.md examples.
const SPEC_BODY = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
const SPEC_COSIG =
  '\u2014 witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n';

const witness = parseCosignerKey(generateCosignerKey('witness.example/w1').signerKey);
const witnessV = parseCosignerVerifierKey(cosignerVerifierKeyFor(witness));
const body = formatCheckpoint({
  origin: 'rampart.example/audit',
  size: 42,
  root: new Uint8Array(32).fill(1),
});

describe('cosignature: format', () => {
  it('the signed message is "cosignature/v1\\ntime <t>\\n" then the body (spec example)', () => {
    assert.equal(
      fromUtf8(cosignatureMessage(SPEC_BODY, 1679315147)),
      'cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n',
    );
  });

  it('the spec example cosignature carries timestamp 1679315147 after its key ID', () => {
    assert.equal(cosignatureTimestamp(SPEC_COSIG), 1679315147);
  });

  it('timestamps beyond 2^53 - 1 are refused (the tlog-witness example lines exceed even 2^63 - 1)', () => {
    const line =
      '\u2014 witness.example/w1 CMp+6LWBU0anHGH5aNDTJkH/gj79sG+T6+iP2ThYN5krrDJbR1HDnucjL39QsZTSvVjyQLrdk3DXDqI5G2HgLatVs0pWh6Up69HVOw==\n';
    rejects(() => cosignatureTimestamp(line), 'COSIGNATURE_INVALID', 'length');
  });

  it('a real-world 0x04 cosigner vkey parses with key ID SHA-256(name || 0x0A || 0x04 || pub)[:4]', () => {
    const v = parseCosignerVerifierKey(
      'remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2',
    );
    assert.equal(formatKeyId(v.keyId), 'da77ade7');
    assert.equal(computeKeyId('remora.n621.de', SIG_TYPE_COSIGNATURE_V1, v.publicKey), 0xda77ade7);
  });

  it('the cosignature is key ID || 8-byte big-endian time || 64-byte signature', () => {
    const line = cosignCheckpoint(body, witness, 1700000000);
    assert.match(line, /^\u2014 witness\.example\/w1 [A-Za-z0-9+/]+=*\n$/);
    const raw = base64ToBytes(line.slice(line.lastIndexOf(' ') + 1, -1));
    assert.equal(raw.length, 4 + 8 + 64);
    assert.equal(new DataView(raw.buffer).getUint32(0), witness.keyId);
    assert.equal(new DataView(raw.buffer).getBigUint64(4), 1700000000n);
  });
});

describe('cosignature: sign and verify', () => {
  it('round trip: verifyCosignature returns the time', () => {
    const line = cosignCheckpoint(body, witness, 1700000000);
    assert.deepEqual(verifyCosignature(body, line, witnessV), {
      name: 'witness.example/w1',
      keyId: witness.keyId,
      timestamp: 1700000000,
    });
  });

  it('a cosignature line appended to the log-signed note opens with the cosigner verifier', () => {
    const log = parseSignerKey(generateSignerKey('rampart.example/audit').signerKey);
    const note = signNote(body, [log]) + cosignCheckpoint(body, witness, 1700000000);
    const n = openNote(note, [parseVerifierKey(verifierKeyFor(log)), witnessV]);
    assert.deepEqual(
      n.signatures.map((s) => s.verified),
      [true, true],
    );
    // With only the witness key, the log signature is an unknown key and ignored.
    assert.deepEqual(
      openNote(note, [witnessV]).signatures.map((s) => s.verified),
      [false, true],
    );
  });

  it('covers extension lines', () => {
    const ext = formatCheckpoint({ origin: 'o', size: 1, root: new Uint8Array(32), extensions: ['x'] });
    const line = cosignCheckpoint(ext, witness, 5);
    verifyCosignature(ext, line, witnessV);
    rejects(
      () => verifyCosignature(ext.replace('x\n', 'y\n'), line, witnessV),
      'COSIGNATURE_INVALID',
      'signature',
    );
  });

  it('refuses a changed body, a changed time, another key, a bad line, a future time', () => {
    const line = cosignCheckpoint(body, witness, 1700000000);
    rejects(
      () => verifyCosignature(body.replace('42', '43'), line, witnessV),
      'COSIGNATURE_INVALID',
      'signature',
    );
    // Change the timestamp bytes (base64 chars 6..16 hold bytes 4..12).
    const raw = base64ToBytes(line.slice(line.lastIndexOf(' ') + 1, -1));
    raw[11] = (raw[11] ?? 0) ^ 1;
    const moved = `\u2014 witness.example/w1 ${bytesToBase64(raw)}\n`;
    rejects(() => verifyCosignature(body, moved, witnessV), 'COSIGNATURE_INVALID', 'signature');
    const other = parseCosignerVerifierKey(generateCosignerKey('witness.example/w1').verifierKey);
    rejects(() => verifyCosignature(body, line, other), 'COSIGNATURE_INVALID', 'key');
    rejects(() => verifyCosignature(body, 'nonsense', witnessV), 'COSIGNATURE_INVALID', 'line');
    rejects(
      () => verifyCosignature(body, line, witnessV, { notAfter: 1699999999 }),
      'COSIGNATURE_INVALID',
      'future',
    );
    verifyCosignature(body, line, witnessV, { notAfter: 1700000000 });
  });

  it('a 64-byte signature without a timestamp is not a v1 cosignature (length)', () => {
    const plain = formatSignatureLine(witness.name, witness.keyId, new Uint8Array(64));
    rejects(() => verifyCosignature(body, plain, witnessV), 'COSIGNATURE_INVALID', 'length');
  });

  it('refuses to cosign a non-checkpoint or at time 0', () => {
    rejects(() => cosignCheckpoint('hello\n', witness, 1), 'CHECKPOINT_MALFORMED');
    rejects(() => cosignCheckpoint(body, witness, 0), 'COSIGNATURE_INVALID', 'timestamp');
    rejects(() => cosignCheckpoint(body, witness, 1.5), 'COSIGNATURE_INVALID', 'timestamp');
  });

  it('cosigner keys are type 0x04 only: note keys are refused and vice versa', () => {
    const noteKey = generateSignerKey('w');
    rejects(() => parseCosignerKey(noteKey.signerKey), 'NOTE_KEY_INVALID', 'algorithm');
    rejects(() => parseCosignerVerifierKey(noteKey.verifierKey), 'NOTE_KEY_INVALID', 'algorithm');
    const cos = generateCosignerKey('w');
    rejects(() => parseSignerKey(cos.signerKey), 'NOTE_KEY_INVALID', 'algorithm');
    rejects(() => parseVerifierKey(cos.verifierKey), 'NOTE_KEY_INVALID', 'algorithm');
    rejects(
      () => parseCosignerVerifierKey(cos.verifierKey.replace(/\+[0-9a-f]{8}\+/, '+00000000+')),
      'NOTE_KEY_INVALID',
      'key-id',
    );
  });

  it('the cosigner verifier, used as a NoteVerifier, refuses wrong-length signatures', () => {
    assert.equal(witnessV.verify(utf8(body), new Uint8Array(71)), false);
    assert.equal(witnessV.verify(utf8(body), new Uint8Array(72)), false);
  });
});
