import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { isRampartError, utf8 } from '../../src/core/index.ts';
import {
  formatKeyId,
  generateSignerKey,
  type NoteSigner,
  type NoteVerifier,
  openNote,
  parseNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
  verifierKeyFor,
} from '../../src/ledger/note/index.ts';

const vectors = JSON.parse(
  readFileSync(
    new URL('../../../shared/vectors/checkpoint/signed-note-vectors.json', import.meta.url),
    'utf8',
  ),
) as { cases: Array<Record<string, unknown> & { name: string }> };
const byName = (n: string) => vectors.cases.find((c) => c.name === n)!;

function rejects(fn: () => unknown, code: string, reason?: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isRampartError(e), String(e));
    assert.equal(e.code, code);
    if (reason !== undefined) assert.equal(e.details?.['reason'], reason);
    return true;
  });
}

const sign = byName('golang-sign');
const two = byName('golang-open-two-signers');
const [peterKey, enochKey] = two['verifierKeys'] as [string, string];
const peter = parseVerifierKey(peterKey);
const enoch = parseVerifierKey(enochKey);
const signer = parseSignerKey(sign['privateKey'] as string);
const TEXT = sign['text'] as string;

describe('signed note: vectors', () => {
  it('golang-sign: signing reproduces the note byte for byte', () => {
    assert.equal(signNote(TEXT, [signer]), sign['note']);
  });

  it('golang-sign: the note opens with its verifier key', () => {
    const n = openNote(sign['note'] as string, [parseVerifierKey(sign['verifierKey'] as string)]);
    assert.equal(n.text, TEXT);
    assert.equal(n.signatures.length, 1);
    assert.equal(n.signatures[0]!.verified, true);
  });

  it('two signers: both keys verify both signatures', () => {
    const n = openNote(two['note'] as string, [peter, enoch]);
    assert.equal(n.text, TEXT);
    assert.deepEqual(
      n.signatures.map((s) => [s.name, formatKeyId(s.keyId), s.verified]),
      [
        ['PeterNeumann', 'c74f20a3', true],
        ['EnochRoot', 'af0cfe78', true],
      ],
    );
  });

  it("two signers: with only PeterNeumann's key, EnochRoot's signature is kept unverified", () => {
    const n = openNote(two['note'] as string, [peter]);
    assert.deepEqual(
      n.signatures.map((s) => [s.name, s.verified]),
      [
        ['PeterNeumann', true],
        ['EnochRoot', false],
      ],
    );
  });

  it('two signers: with no known key the note is rejected (NOTE_UNVERIFIED)', () => {
    rejects(() => openNote(two['note'] as string, []), 'NOTE_UNVERIFIED');
    const other = parseVerifierKey(generateSignerKey('someone').verifierKey);
    rejects(() => openNote(two['note'] as string, [other]), 'NOTE_UNVERIFIED');
  });

  it('C2SP signed-note example verifies', () => {
    const c = byName('c2sp-signed-note-example');
    const n = openNote(c['note'] as string, [parseVerifierKey(c['verifierKey'] as string)]);
    assert.equal(n.text, 'This is an example message.\n');
  });

  it('the note can be opened from UTF-8 bytes too', () => {
    assert.equal(openNote(utf8(sign['note'] as string), [peter]).text, TEXT);
  });
});

describe('signed note: known and unknown keys', () => {
  it('a known key whose signature fails rejects the whole note (NOTE_SIGNATURE_INVALID)', () => {
    const note = sign['note'] as string;
    const tampered = note.replace('x08go/ZJ', 'x08go/ZK');
    rejects(() => openNote(tampered, [peter]), 'NOTE_SIGNATURE_INVALID');
    // Even when another known key's signature is good.
    const twoBad = (two['note'] as string).replace('rwz+eBzm', 'rwz+eBzn');
    rejects(() => openNote(twoBad, [peter, enoch]), 'NOTE_SIGNATURE_INVALID');
    // Text changed under a good signature.
    rejects(() => openNote(note.replace('cryptography', 'Cryptography'), [peter]), 'NOTE_SIGNATURE_INVALID');
  });

  it('same name but another key ID, or same ID but another name, is an unknown key: ignored', () => {
    const note = sign['note'] as string;
    const sameNameOtherId: NoteVerifier = { name: 'PeterNeumann', keyId: 0x01020304, verify: () => false };
    const sameIdOtherName: NoteVerifier = { name: 'Peter', keyId: 0xc74f20a3, verify: () => false };
    rejects(() => openNote(note, [sameNameOtherId, sameIdOtherName]), 'NOTE_UNVERIFIED');
    const n = openNote(note, [sameNameOtherId, sameIdOtherName, peter]);
    assert.equal(n.signatures[0]!.verified, true);
  });

  it('a verifier that returns false for a matching key is a signature failure, not an unknown key', () => {
    const liar: NoteVerifier = { name: 'PeterNeumann', keyId: 0xc74f20a3, verify: () => false };
    rejects(() => openNote(sign['note'] as string, [liar]), 'NOTE_SIGNATURE_INVALID');
  });

  it('two verifiers with the same name and key ID are refused as ambiguous', () => {
    rejects(() => openNote(sign['note'] as string, [peter, peter]), 'NOTE_KEY_INVALID', 'ambiguous');
  });

  it('identical repeated signature lines are reported once', () => {
    const note = sign['note'] as string;
    const line = note.slice(note.lastIndexOf('\u2014'));
    const n = openNote(note + line, [peter]);
    assert.equal(n.signatures.length, 1);
  });

  it('signature lines are returned verbatim, ready to be copied', () => {
    const n = openNote(two['note'] as string, [peter]);
    assert.equal(`${n.text}\n${n.signatures.map((s) => s.line).join('')}`, two['note']);
  });
});

describe('signed note: format', () => {
  const note = sign['note'] as string;
  const sigLine = note.slice(note.lastIndexOf('\u2014'));
  const malformed: Array<[string, string, string]> = [
    ['no final newline', note.slice(0, -1), 'final-newline'],
    ['no blank line', `${TEXT}${sigLine}`, 'no-signatures'],
    ['no signature lines', `${TEXT}\n`, 'no-signatures'],
    ['signature line without the em dash', `${TEXT}\n- PeterNeumann AAAAAAAA\n`, 'signature-line'],
    ['hyphen instead of em dash', note.replace('\u2014', '-'), 'signature-line'],
    ['two spaces after the dash', note.replace('\u2014 ', '\u2014  '), 'name'],
    ['no signature after the name', `${TEXT}\n\u2014 PeterNeumann\n`, 'signature-line'],
    ['empty signature', `${TEXT}\n\u2014 PeterNeumann \n`, 'signature-length'],
    ['signature of 4 bytes (key ID only)', `${TEXT}\n\u2014 PeterNeumann x08gow==\n`, 'signature-length'],
    ['signature not base64', `${TEXT}\n\u2014 PeterNeumann x08go/ZJ!\n`, 'base64'],
    ['unpadded base64', note.replace('AM=\n', 'AM\n'), 'base64'],
    ['trailing space', note.replace('AM=\n', 'AM= \n'), 'base64'],
    ['carriage return', note.replace('\n\n', '\r\n\r\n'), 'control'],
    ['tab in text', `a\tb\n${note.slice(TEXT.length)}`, 'control'],
    ['NUL', `a\u0000\n${note.slice(TEXT.length)}`, 'control'],
    ['lone surrogate', `a\ud800\n${note.slice(TEXT.length)}`, 'utf8'],
    ['plus in key name', note.replace('PeterNeumann x08', 'Peter+Neumann x08'), 'name'],
  ];
  for (const [what, n, reason] of malformed) {
    it(`refuses a note with ${what} (NOTE_MALFORMED)`, () =>
      rejects(() => openNote(n, [peter]), 'NOTE_MALFORMED', reason));
  }

  it('refuses invalid UTF-8 bytes', () => {
    const bytes = utf8(note);
    bytes[3] = 0xff;
    rejects(() => openNote(bytes, [peter]), 'NOTE_MALFORMED', 'utf8');
  });

  it('text may contain empty lines; the last blank line separates the signatures', () => {
    const s = parseSignerKey(generateSignerKey('k').signerKey);
    const v = parseVerifierKey(verifierKeyFor(s));
    for (const text of ['a\n\nb\n', 'a\n\n', '\n', 'a\n\n\n\nb\n\n']) {
      const n = signNote(text, [s]);
      assert.equal(openNote(n, [v]).text, text, JSON.stringify(text));
    }
  });

  it('accepts at least 16 signatures, refuses more than 100', () => {
    const signers = Array.from({ length: 16 }, (_, i) =>
      parseSignerKey(generateSignerKey(`w${i}`).signerKey),
    );
    const n = signNote('many\n', signers);
    assert.equal(parseNote(n).signatures.length, 16);
    const unknownLine = n.slice(n.lastIndexOf('\u2014'));
    rejects(() => parseNote(n + unknownLine.repeat(85)), 'NOTE_MALFORMED', 'too-many-signatures');
  });

  it('signNote refuses text without a final newline, control characters, no or duplicate signers', () => {
    rejects(() => signNote('no newline', [signer]), 'NOTE_MALFORMED', 'final-newline');
    rejects(() => signNote('a\rb\n', [signer]), 'NOTE_MALFORMED', 'control');
    rejects(() => signNote('a\n', []), 'NOTE_MALFORMED', 'no-signatures');
    rejects(() => signNote('a\n', [signer, signer]), 'NOTE_MALFORMED', 'duplicate-signer');
    const badName: NoteSigner = { name: 'a b', keyId: 1, sign: () => new Uint8Array(64) };
    rejects(() => signNote('a\n', [badName]), 'NOTE_MALFORMED', 'name');
  });
});
