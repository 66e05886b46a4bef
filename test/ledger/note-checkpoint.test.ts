import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { base64ToBytes, bytesToBase64, isRampartError, sha256 } from '../../src/core/index.ts';
import { formatCheckpoint, parseCheckpoint, parseNote } from '../../src/ledger/note/index.ts';

function malformed(fn: () => unknown, reason: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isRampartError(e), String(e));
    assert.equal(e.code, 'CHECKPOINT_MALFORMED');
    assert.equal(e.details?.['reason'], reason);
    return true;
  });
}

// tlog-checkpoint.md, the example at the top.
const SPEC_NOTE =
  'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n' +
  '\u2014 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n';
const ROOT = new Uint8Array(32).fill(7);

describe('checkpoint', () => {
  it('parses the tlog-checkpoint spec example', () => {
    const { text, signatures } = parseNote(SPEC_NOTE);
    const cp = parseCheckpoint(text);
    assert.equal(cp.origin, 'example.com/behind-the-sofa');
    assert.equal(cp.size, 20852163);
    assert.equal(bytesToBase64(cp.root), 'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=');
    assert.deepEqual(cp.extensions, []);
    assert.equal(signatures[0]!.name, 'example.com/behind-the-sofa');
    assert.equal(formatCheckpoint(cp), text);
  });

  it('formats origin, size, base64 root and extension lines, each ending in a newline', () => {
    const body = formatCheckpoint({
      origin: 'rampart.example/audit',
      size: 0,
      root: sha256(new Uint8Array(0)),
    });
    assert.equal(body, 'rampart.example/audit\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n');
    const ext = formatCheckpoint({ origin: 'o', size: 12, root: ROOT, extensions: ['a b', 'c'] });
    assert.equal(ext, `o\n12\n${bytesToBase64(ROOT)}\na b\nc\n`);
    assert.deepEqual(parseCheckpoint(ext), { origin: 'o', size: 12, root: ROOT, extensions: ['a b', 'c'] });
  });

  it('origin is opaque: spaces and plus signs are allowed (clients MUST NOT assume a URL)', () => {
    assert.equal(parseCheckpoint(`a log + more\n1\n${bytesToBase64(ROOT)}\n`).origin, 'a log + more');
  });

  const r = bytesToBase64(ROOT);
  const bad: Array<[string, string, string]> = [
    ['no final newline', `o\n1\n${r}`, 'final-newline'],
    ['two lines', 'o\n1\n', 'too-short'],
    ['empty origin', `\n1\n${r}\n`, 'empty-line'],
    ['leading zero size', `o\n01\n${r}\n`, 'size'],
    ['"00" size', `o\n00\n${r}\n`, 'size'],
    ['negative size', `o\n-1\n${r}\n`, 'size'],
    ['plus sign size', `o\n+1\n${r}\n`, 'size'],
    ['size with space', `o\n 1\n${r}\n`, 'size'],
    ['hex size', `o\n0x10\n${r}\n`, 'size'],
    ['size beyond 2^53', `o\n18446744073709551615\n${r}\n`, 'size'],
    ['31-byte root', `o\n1\n${bytesToBase64(ROOT.subarray(1))}\n`, 'root'],
    ['33-byte root', `o\n1\n${bytesToBase64(new Uint8Array(33))}\n`, 'root'],
    ['unpadded root', `o\n1\n${r.replace('=', '')}\n`, 'root'],
    [
      'base64url root',
      `o\n1\n${bytesToBase64(new Uint8Array(32).fill(0xff)).replaceAll('/', '_')}\n`,
      'root',
    ],
    ['empty extension line', `o\n1\n${r}\n\n`, 'empty-line'],
    ['empty line between extensions', `o\n1\n${r}\na\n\nb\n`, 'empty-line'],
    ['CRLF', `o\r\n1\r\n${r}\r\n`, 'control'],
  ];
  for (const [what, text, reason] of bad) {
    it(`refuses ${what}`, () => malformed(() => parseCheckpoint(text), reason));
  }

  it('formatCheckpoint refuses what parseCheckpoint would refuse', () => {
    malformed(() => formatCheckpoint({ origin: '', size: 1, root: ROOT }), 'empty-line');
    malformed(() => formatCheckpoint({ origin: 'a\nb', size: 1, root: ROOT }), 'control');
    malformed(() => formatCheckpoint({ origin: 'o', size: -1, root: ROOT }), 'size');
    malformed(() => formatCheckpoint({ origin: 'o', size: 1.5, root: ROOT }), 'size');
    malformed(() => formatCheckpoint({ origin: 'o', size: 1, root: base64ToBytes('AAAA') }), 'root');
    malformed(() => formatCheckpoint({ origin: 'o', size: 1, root: ROOT, extensions: [''] }), 'empty-line');
  });
});
