import assert from 'node:assert/strict';
import { test } from 'node:test';
import { utf8 } from '../../src/core/index.ts';
import { decodeBlob, encodeBlob, encodeHeader, gcmAad } from '../../src/signing/keystore/blob.ts';
import { KeyStoreErrorCode } from '../../src/signing/keystore/index.ts';
import {
  decodeScryptKeyRef,
  encodeScryptKeyRef,
  scryptParamsProblem,
} from '../../src/signing/keystore/scrypt-params.ts';
import { hasCode } from '../support/errors.ts';

test('blob v1: fixed layout, header decoded back, ciphertext after the nonce', () => {
  const nonce = new Uint8Array(12).fill(7);
  const header = encodeHeader({ algorithm: 1, id: 'share/é', keyRef: utf8('k1'), nonce });
  // version, algorithm, u16 id length, id, u16 key ref length, key ref, nonce
  assert.deepEqual(
    [...header.subarray(0, 4)],
    [1, 1, 0, 8], // "share/é" is 8 bytes of UTF-8
  );
  assert.equal(header.length, 2 + 2 + 8 + 2 + 2 + 12);
  const blob = encodeBlob(header, new Uint8Array(20).fill(9));
  const d = decodeBlob(blob);
  assert.equal(d.version, 1);
  assert.equal(d.algorithm, 1);
  assert.equal(d.id, 'share/é');
  assert.deepEqual(d.keyRef, utf8('k1'));
  assert.deepEqual(d.nonce, nonce);
  assert.deepEqual(d.header, header);
  assert.deepEqual(d.sealed, new Uint8Array(20).fill(9));
});

test('the GCM additional data covers the caller aad (length-prefixed) and the whole header', () => {
  const header = encodeHeader({
    algorithm: 2,
    id: 'a',
    keyRef: new Uint8Array(0),
    nonce: new Uint8Array(12),
  });
  const a = gcmAad(header, utf8('ab'));
  assert.notDeepEqual(a, gcmAad(header, utf8('a')));
  assert.ok(Buffer.from(a).toString('latin1').startsWith('rampart/keystore/v1\0\0\0\0\u0002ab'));
  assert.deepEqual(a.subarray(a.length - header.length), header);
});

test('malformed blobs are refused as KEYSTORE_BLOB_INVALID', () => {
  const header = encodeHeader({ algorithm: 1, id: 'x', keyRef: utf8('k'), nonce: new Uint8Array(12) });
  const good = encodeBlob(header, new Uint8Array(16));
  decodeBlob(good);
  const invalid = hasCode(KeyStoreErrorCode.BlobInvalid);
  assert.throws(() => decodeBlob(new Uint8Array(0)), invalid);
  assert.throws(() => decodeBlob(good.subarray(0, good.length - 1)), invalid); // tag cut short
  assert.throws(() => decodeBlob(Uint8Array.of(2, ...good.subarray(1))), invalid); // version 2
  assert.throws(() => decodeBlob(Uint8Array.of(1, 9, ...good.subarray(2))), invalid); // algorithm 9
  assert.throws(() => decodeBlob(Uint8Array.of(1, 1, 0xff, 0xff, 0)), invalid);
  assert.throws(
    () => encodeHeader({ algorithm: 1, id: '', keyRef: utf8('k'), nonce: new Uint8Array(12) }),
    invalid,
  );
});

test('scrypt parameters: the floor is N=2^15, r=8, p=1, a blob cannot ask for more than 1 GiB', () => {
  assert.equal(scryptParamsProblem({ log2N: 15, r: 8, p: 1 }), undefined);
  assert.match(scryptParamsProblem({ log2N: 14, r: 8, p: 1 }) ?? '', /below the minimum/);
  assert.match(scryptParamsProblem({ log2N: 15, r: 4, p: 1 }) ?? '', /below the minimum/);
  assert.match(scryptParamsProblem({ log2N: 21, r: 8, p: 1 }) ?? '', /above the limit/);
  const ref = { log2N: 16, r: 8, p: 2, salt: new Uint8Array(16).fill(1), check: new Uint8Array(16).fill(2) };
  const enc = encodeScryptKeyRef(ref);
  assert.deepEqual([...enc.subarray(0, 10)], [16, 0, 0, 0, 8, 0, 0, 0, 2, 16]);
  assert.deepEqual(decodeScryptKeyRef(enc), ref);
  const huge = enc.slice();
  huge[0] = 25;
  assert.throws(() => decodeScryptKeyRef(huge), hasCode(KeyStoreErrorCode.BlobInvalid));
  assert.throws(() => decodeScryptKeyRef(enc.subarray(0, 30)), hasCode(KeyStoreErrorCode.BlobInvalid));
  assert.throws(() => encodeScryptKeyRef({ ...ref, log2N: 10 }), hasCode(KeyStoreErrorCode.PassphraseWeak));
});
