import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { utf8 } from '../../src/core/index.ts';
import { decodeBlob, KeyStoreErrorCode, PassphraseKeyStore } from '../../src/signing/keystore/index.ts';
import { hasCode } from '../support/errors.ts';

// The floor, to keep the test quick; production defaults to N = 2^17.
const scrypt = { log2N: 15, r: 8, p: 1 };
const purpose = utf8('frost-share/ed25519');

test('passphrase store: round trip, parameters in the header, another instance opens it', async () => {
  const store = new PassphraseKeyStore({ passphrase: 'correct horse battery staple', scrypt });
  const secret = new Uint8Array(randomBytes(32));
  const blob = await store.seal('node-1/key-7', secret, purpose);
  const again = await store.seal('node-1/key-7', secret, purpose);
  assert.notDeepEqual(blob, again, 'fresh nonce per seal');
  const d = decodeBlob(blob);
  assert.equal(d.algorithm, 2);
  assert.deepEqual([...d.keyRef.subarray(0, 10)], [15, 0, 0, 0, 8, 0, 0, 0, 1, 16]);
  assert.equal(Buffer.from(blob).indexOf(Buffer.from(secret)), -1);
  const opened = await store.open('node-1/key-7', blob, purpose);
  assert.deepEqual(opened, secret);
  opened.fill(0);
  await store.close();
  await assert.rejects(store.open('node-1/key-7', blob, purpose), hasCode(KeyStoreErrorCode.Closed));

  // A restart: a new instance (another salt for its own seals) opens the old blob.
  const later = new PassphraseKeyStore({
    passphrase: utf8('correct horse battery staple'),
    scrypt: { ...scrypt, log2N: 16 },
  });
  assert.deepEqual(await later.open('node-1/key-7', blob, purpose), secret);
  await later.close();
});

test('passphrase store: wrong passphrase, tamper, wrong aad, another id are refused with their codes', async () => {
  const store = new PassphraseKeyStore({ passphrase: 'correct horse battery staple', scrypt });
  const blob = await store.seal('share-a', new Uint8Array(randomBytes(32)), purpose);

  const wrong = new PassphraseKeyStore({ passphrase: 'correct horse battery stapler', scrypt });
  await assert.rejects(wrong.open('share-a', blob, purpose), hasCode(KeyStoreErrorCode.PassphraseIncorrect));
  await wrong.close();

  const ivStart = decodeBlob(blob).header.length - 12;
  for (const i of [ivStart, ivStart + 11, ivStart + 12, blob.length - 17, blob.length - 1]) {
    const t = blob.slice();
    t[i]! ^= 0x01;
    await assert.rejects(
      store.open('share-a', t, purpose),
      hasCode(KeyStoreErrorCode.BlobTampered),
      `byte ${i}`,
    );
  }
  await assert.rejects(
    store.open('share-a', blob, utf8('frost-nonce')),
    hasCode(KeyStoreErrorCode.BlobTampered),
  );
  await assert.rejects(store.open('share-b', blob, purpose), hasCode(KeyStoreErrorCode.BlobWrongId));
  // Raising the cost in the header does not go unnoticed either (different key, check fails).
  const raised = blob.slice();
  raised[2 + 2 + 'share-a'.length + 2] = 16;
  await assert.rejects(
    store.open('share-a', raised, purpose),
    hasCode(KeyStoreErrorCode.PassphraseIncorrect),
  );
  await store.close();
});

test('passphrase store: weak passphrases and parameters are refused', () => {
  assert.throws(
    () => new PassphraseKeyStore({ passphrase: 'short' }),
    hasCode(KeyStoreErrorCode.PassphraseWeak),
  );
  assert.throws(
    () => new PassphraseKeyStore({ passphrase: 'long enough passphrase', scrypt: { log2N: 14, r: 8, p: 1 } }),
    hasCode(KeyStoreErrorCode.PassphraseWeak),
  );
});
