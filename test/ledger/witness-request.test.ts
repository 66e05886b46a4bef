import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bytesToBase64, isRampartError } from '../../src/core/index.ts';
import { parseAddCheckpointRequest } from '../../src/ledger/witness/index.ts';

function malformed(body: string, reason: string): void {
  assert.throws(
    () => parseAddCheckpointRequest(body),
    (e: unknown) => {
      assert.ok(isRampartError(e), String(e));
      assert.equal(e.code, 'WITNESS_REQUEST_MALFORMED');
      assert.equal(e.details?.['reason'], reason);
      return true;
    },
  );
}

// tlog-witness.md, add-checkpoint example request body.
const SPEC_PROOF = [
  'PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=',
  'jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=',
  '5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=',
  '/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=',
];
const SPEC_NOTE =
  'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n' +
  '\u2014 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n' +
  '\u2014 example.com/behind-the-sofa opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks+49/V6267UEjw6QUXTS5Rovnzv++qbSzm9Q=\n';
const SPEC_BODY = `old 20852014\n${SPEC_PROOF.map((p) => `${p}\n`).join('')}\n${SPEC_NOTE}`;
const H = bytesToBase64(new Uint8Array(32).fill(9));

describe('add-checkpoint request', () => {
  it('parses the tlog-witness example', () => {
    const r = parseAddCheckpointRequest(SPEC_BODY);
    assert.equal(r.oldSize, 20852014);
    assert.deepEqual(r.proof.map(bytesToBase64), SPEC_PROOF);
    assert.equal(r.checkpointNote, SPEC_NOTE);
  });

  it('old size 0 with no proof lines', () => {
    const r = parseAddCheckpointRequest(`old 0\n\n${SPEC_NOTE}`);
    assert.equal(r.oldSize, 0);
    assert.deepEqual(r.proof, []);
    assert.equal(r.checkpointNote, SPEC_NOTE);
  });

  it('accepts 63 proof lines and refuses 64', () => {
    assert.equal(parseAddCheckpointRequest(`old 1\n${`${H}\n`.repeat(63)}\n${SPEC_NOTE}`).proof.length, 63);
    malformed(`old 1\n${`${H}\n`.repeat(64)}\n${SPEC_NOTE}`, 'proof-too-long');
  });

  const bad: Array<[string, string, string]> = [
    ['no empty line', `old 0\n${SPEC_NOTE.replace('\n\n', '\n')}`, 'no-separator'],
    ['nothing after the empty line', 'old 0\n\n', 'no-checkpoint'],
    ['no old line', `\n${SPEC_NOTE}`, 'old-line'],
    ['"Old"', `Old 0\n\n${SPEC_NOTE}`, 'old-line'],
    ['"old" without space', `old0\n\n${SPEC_NOTE}`, 'old-line'],
    ['two spaces', `old  0\n\n${SPEC_NOTE}`, 'old-line'],
    ['leading zero', `old 01\n\n${SPEC_NOTE}`, 'old-line'],
    ['negative', `old -1\n\n${SPEC_NOTE}`, 'old-line'],
    ['trailing space', `old 1 \n\n${SPEC_NOTE}`, 'old-line'],
    ['CRLF', `old 1\r\n\r\n${SPEC_NOTE}`, 'old-line'],
    ['CR on the old line', `old 1\r\n\n${SPEC_NOTE}`, 'old-line'],
    ['a proof line not base64', `old 1\n${H}\nnot base64!\n\n${SPEC_NOTE}`, 'proof-line'],
    ['a proof line of 31 bytes', `old 1\n${bytesToBase64(new Uint8Array(31))}\n\n${SPEC_NOTE}`, 'proof-line'],
    ['a proof line of 33 bytes', `old 1\n${bytesToBase64(new Uint8Array(33))}\n\n${SPEC_NOTE}`, 'proof-line'],
    ['a proof line with a space', `old 1\n ${H}\n\n${SPEC_NOTE}`, 'proof-line'],
  ];
  for (const [what, body, reason] of bad) {
    it(`refuses ${what}`, () => malformed(body, reason));
  }
});
