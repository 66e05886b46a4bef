import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { base64ToBytes, bytesToBase64, concatBytes, isRampartError } from '../../src/core/index.ts';
import {
  computeKeyId,
  encodeSignerKey,
  encodeVerifierKey,
  formatKeyId,
  generateSignerKey,
  isValidKeyName,
  parseSignerKey,
  parseVerifierKey,
  SIG_TYPE_ED25519,
  verifierKeyFor,
} from '../../src/ledger/note/index.ts';

const vectors = JSON.parse(
  readFileSync(
    new URL('../../../shared/vectors/checkpoint/signed-note-vectors.json', import.meta.url),
    'utf8',
  ),
) as { cases: Array<Record<string, unknown> & { name: string }> };
const byName = (n: string) => vectors.cases.find((c) => c.name === n)!;

function rejectsKey(fn: () => unknown, reason?: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isRampartError(e));
    assert.equal(e.code, 'NOTE_KEY_INVALID');
    if (reason !== undefined) assert.equal(e.details?.['reason'], reason);
    return true;
  });
}

const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';

describe('note keys: vectors', () => {
  it('golang-sign: the private key parses, derives the vector verifier key and key ID', () => {
    const c = byName('golang-sign');
    const signer = parseSignerKey(c['privateKey'] as string);
    assert.equal(signer.name, 'PeterNeumann');
    assert.equal(formatKeyId(signer.keyId), 'c74f20a3');
    assert.equal(verifierKeyFor(signer), c['verifierKey']);
    const v = parseVerifierKey(c['verifierKey'] as string);
    assert.equal(v.keyId, 0xc74f20a3);
    assert.deepEqual(v.publicKey, signer.publicKey);
  });

  it('two-signer and C2SP example verifier keys parse', () => {
    for (const k of byName('golang-open-two-signers')['verifierKeys'] as string[]) parseVerifierKey(k);
    const v = parseVerifierKey(byName('c2sp-signed-note-example')['verifierKey'] as string);
    assert.equal(v.name, 'example.com/foo');
    assert.equal(formatKeyId(v.keyId), '530d903a');
  });

  const bad = byName('bad-verifier-keys')['invalidVerifierKeys'] as string[];
  // [0] is refused by Go for its length (37 bytes); our strict base64 already refuses its
  // non-zero padding bits ("…EY=="), which Go's non-strict decoder ignores.
  const reasons = ['base64', 'algorithm', 'key-id'];
  bad.forEach((k, i) => {
    it(`bad-verifier-keys[${i}] is rejected (${reasons[i]})`, () =>
      rejectsKey(() => parseVerifierKey(k), reasons[i]));
  });

  it('a transparency-dev Ed25519 vkey parses (TEST+7997405c)', () => {
    assert.equal(parseVerifierKey('TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6').name, 'TEST');
  });
});

describe('note keys: generation and round trips', () => {
  it('generateSignerKey gives a signer and a matching verifier', () => {
    const { signerKey, verifierKey } = generateSignerKey('rampart.example/log');
    assert.match(signerKey, /^PRIVATE\+KEY\+rampart\.example\/log\+[0-9a-f]{8}\+/);
    const s = parseSignerKey(signerKey);
    const v = parseVerifierKey(verifierKey);
    assert.equal(verifierKeyFor(s), verifierKey);
    const msg = new TextEncoder().encode('hello\n');
    assert.equal(v.verify(msg, s.sign(msg)), true);
    assert.equal(v.verify(new TextEncoder().encode('hellO\n'), s.sign(msg)), false);
    assert.equal(v.verify(msg, new Uint8Array(63)), false);
  });

  it('the signer object does not carry its seed', () => {
    const s = parseSignerKey(generateSignerKey('a').signerKey);
    assert.deepEqual(Object.keys(s).sort(), ['keyId', 'name', 'publicKey', 'sign']);
    assert.doesNotMatch(JSON.stringify(s), /PRIVATE/);
  });

  it('key ID is SHA-256(name || 0x0A || 0x01 || pub)[:4]', () => {
    const v = parseVerifierKey(PETER_VKEY);
    assert.equal(computeKeyId('PeterNeumann', SIG_TYPE_ED25519, v.publicKey), 0xc74f20a3);
    assert.equal(computeKeyId('PeterNeumann', 0x04, v.publicKey) === 0xc74f20a3, false);
  });

  it('generateSignerKey refuses bad names', () => {
    for (const n of ['', 'a b', 'a+b', 'a\u00a0b', 'a\u2003b', 'tab\tname', 'nl\nname'])
      rejectsKey(() => generateSignerKey(n), 'name');
  });
});

describe('note keys: malformed keys', () => {
  const pub = parseVerifierKey(PETER_VKEY).publicKey;
  const withName = (name: string) => encodeVerifierKeyUnchecked(name, computeKeyId(name, 1, pub), 1, pub);
  function encodeVerifierKeyUnchecked(name: string, id: number, type: number, key: Uint8Array): string {
    return `${name}+${formatKeyId(id)}+${bytesToBase64(concatBytes(Uint8Array.of(type), key))}`;
  }

  it('names: valid names accepted, spaces, plus and controls refused', () => {
    assert.equal(isValidKeyName('example.com/foo'), true);
    assert.equal(isValidKeyName('Ünïcode/ключ'), true);
    for (const n of ['a b', 'a\u3000b', 'a\u0085b', 'a\u2028b', 'x\u0001', '\ud800'])
      assert.equal(isValidKeyName(n), false, JSON.stringify(n));
    rejectsKey(() => parseVerifierKey(withName('a\u00a0b')), 'name');
    rejectsKey(() => parseVerifierKey(withName('')), 'name');
  });

  it('shape: missing parts, bad hex, bad base64', () => {
    rejectsKey(() => parseVerifierKey('PeterNeumann'), 'shape');
    rejectsKey(() => parseVerifierKey('PeterNeumann+c74f20a3'), 'shape');
    rejectsKey(() => parseVerifierKey(PETER_VKEY.replace('c74f20a3', 'C74F20A3')), 'key-id');
    rejectsKey(() => parseVerifierKey(PETER_VKEY.replace('c74f20a3', 'c74f20a')), 'key-id');
    rejectsKey(() => parseVerifierKey(PETER_VKEY.replace('c74f20a3', '0xc74f20')), 'key-id');
    rejectsKey(() => parseVerifierKey(`${PETER_VKEY}=`), 'base64');
    rejectsKey(() => parseVerifierKey(PETER_VKEY.slice(0, -1)), 'base64');
    rejectsKey(() => parseVerifierKey('PeterNeumann+c74f20a3+'), 'length');
  });

  it('algorithm and length: a 0x04 cosigner key is not a note key; 31 and 33 bytes refused', () => {
    rejectsKey(
      () => parseVerifierKey('remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2'),
      'algorithm',
    );
    const short = pub.subarray(0, 31);
    rejectsKey(
      () => parseVerifierKey(encodeVerifierKeyUnchecked('n', computeKeyId('n', 1, short), 1, short)),
      'length',
    );
    const long = concatBytes(pub, Uint8Array.of(0));
    rejectsKey(
      () => parseVerifierKey(encodeVerifierKeyUnchecked('n', computeKeyId('n', 1, long), 1, long)),
      'length',
    );
  });

  it('a public key that is not a curve point is refused', () => {
    // y = 2 has no x on edwards25519.
    const notPoint = new Uint8Array(32);
    notPoint[0] = 2;
    rejectsKey(
      () => parseVerifierKey(encodeVerifierKey('n', computeKeyId('n', 1, notPoint), 1, notPoint)),
      'point',
    );
  });

  it('signer keys: prefix, algorithm, length, key ID', () => {
    const { signerKey } = byNameSigner();
    rejectsKey(() => parseSignerKey(signerKey.replace('PRIVATE+KEY+', '')), 'shape');
    rejectsKey(() => parseSignerKey(signerKey.replace('PRIVATE+KEY+', 'PRIVATE+')), 'shape');
    rejectsKey(() => parseSignerKey(`PRIVATE+KEY+${PETER_VKEY}`), 'key-id');
    rejectsKey(() => parseSignerKey(signerKey.replace('c74f20a3', 'c74f20a4')), 'key-id');
    const seed = base64ToBytes(signerKey.slice('PRIVATE+KEY+PeterNeumann+c74f20a3+'.length)).subarray(1);
    rejectsKey(() => parseSignerKey(encodeSignerKey('PeterNeumann', 0xc74f20a3, 0x04, seed)), 'algorithm');
    rejectsKey(
      () => parseSignerKey(encodeSignerKey('PeterNeumann', 0xc74f20a3, 1, seed.subarray(1))),
      'length',
    );
  });
  function byNameSigner(): { signerKey: string } {
    return { signerKey: byName('golang-sign')['privateKey'] as string };
  }
});
