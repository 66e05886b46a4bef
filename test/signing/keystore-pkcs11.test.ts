// Against a real SoftHSM2 token (Debian's softhsm2), created in a temporary directory per run.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import pkcs11js from 'pkcs11js';
import { bytesToHex, hexToBytes, utf8 } from '../../src/core/index.ts';
import {
  decodeBlob,
  KeyStoreErrorCode,
  PassphraseKeyStore,
  Pkcs11KeyStore,
  type Pkcs11KeyStoreOptions,
  SOFTHSM2_MODULE,
} from '../../src/signing/keystore/index.ts';
import { hasCode } from '../support/errors.ts';

const TOKEN = 'rampart-test';
const PIN = '246810';
const SO_PIN = '13579111';
const KEY = 'share-sealing-key';
const purpose = utf8('frost-share/secp256k1');
const opts = (o: Partial<Pkcs11KeyStoreOptions> = {}): Pkcs11KeyStoreOptions => ({
  module: SOFTHSM2_MODULE,
  tokenLabel: TOKEN,
  pin: PIN,
  keyLabel: KEY,
  ...o,
});

let dir = '';

function softhsmInstalled(): boolean {
  const util = spawnSync('softhsm2-util', ['--version'], { encoding: 'utf8' });
  return util.status === 0 && existsSync(SOFTHSM2_MODULE);
}

before(() => {
  if (!softhsmInstalled()) throw new Error('softhsm2 is not installed: run apt-get install -y softhsm2');
  dir = mkdtempSync(join(tmpdir(), 'rampart-softhsm-'));
  mkdirSync(join(dir, 'tokens'));
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(
    conf,
    `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`,
  );
  // Read by SoftHSM2 at C_Initialize, in this process and in the child below.
  process.env.SOFTHSM2_CONF = conf;
  execFileSync(
    'softhsm2-util',
    ['--init-token', '--free', '--label', TOKEN, '--pin', PIN, '--so-pin', SO_PIN],
    {
      stdio: 'ignore',
    },
  );
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Raw PKCS#11, the way an attacker holding the PIN would talk to the token. Needs no store open. */
function withRawSession<T>(fn: (lib: pkcs11js.PKCS11, session: Buffer) => T): T {
  const lib = new pkcs11js.PKCS11();
  lib.load(SOFTHSM2_MODULE);
  lib.C_Initialize();
  try {
    const slot = lib.C_GetSlotList(true).find((s) => lib.C_GetTokenInfo(s).label.trimEnd() === TOKEN)!;
    const session = lib.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
    lib.C_Login(session, pkcs11js.CKU_USER, PIN);
    try {
      return fn(lib, session);
    } finally {
      lib.C_Logout(session);
      lib.C_CloseSession(session);
    }
  } finally {
    lib.C_Finalize();
    lib.close();
  }
}

function findKey(lib: pkcs11js.PKCS11, session: Buffer, label: string): Buffer {
  lib.C_FindObjectsInit(session, [{ type: pkcs11js.CKA_LABEL, value: label }]);
  const [key] = lib.C_FindObjects(session, 2);
  lib.C_FindObjectsFinal(session);
  assert.ok(key, `key ${label} on the token`);
  return key;
}

test('seal and open round trip with a key generated in the token; fresh IV per seal', async () => {
  await assert.rejects(Pkcs11KeyStore.connect(opts()), hasCode(KeyStoreErrorCode.KeyNotFound));
  const store = await Pkcs11KeyStore.connect(opts({ createKey: true }));
  assert.equal(store.createdKey, true);
  const share = new Uint8Array(randomBytes(32));
  const a = await store.seal('node-1/key-1', share, purpose);
  const b = await store.seal('node-1/key-1', share, purpose);
  const da = decodeBlob(a);
  assert.equal(da.version, 1);
  assert.equal(da.algorithm, 1);
  assert.equal(da.id, 'node-1/key-1');
  assert.equal(new TextDecoder().decode(da.keyRef), KEY);
  assert.notDeepEqual(da.nonce, decodeBlob(b).nonce);
  assert.equal(a.length, da.header.length + 32 + 16);
  assert.equal(Buffer.from(a).indexOf(Buffer.from(share)), -1);
  const opened = await store.open('node-1/key-1', a, purpose);
  assert.deepEqual(opened, share);
  assert.deepEqual(await store.open('node-1/key-1', b, purpose), share);
  opened.fill(0);
  await assert.rejects(Pkcs11KeyStore.connect(opts()), hasCode(KeyStoreErrorCode.TokenInUse));
  await store.close();
  await store.close();
  await assert.rejects(store.open('node-1/key-1', a, purpose), hasCode(KeyStoreErrorCode.Closed));
});

test('tampered blobs, another aad, another id are refused', async () => {
  const store = await Pkcs11KeyStore.connect(opts());
  assert.equal(store.createdKey, false);
  const blob = await store.seal('node-1/key-2', new Uint8Array(randomBytes(32)), purpose);
  const nonceAt = decodeBlob(blob).header.length - 12;
  // Every bit of nonce, ciphertext and tag, one at a time.
  for (let i = nonceAt; i < blob.length; i++) {
    const t = blob.slice();
    t[i]! ^= 1 << (i % 8);
    await assert.rejects(
      store.open('node-1/key-2', t, purpose),
      hasCode(KeyStoreErrorCode.BlobTampered),
      `byte ${i}`,
    );
  }
  await assert.rejects(
    store.open('node-1/key-2', blob, utf8('frost-nonce')),
    hasCode(KeyStoreErrorCode.BlobTampered),
  );
  await assert.rejects(store.open('node-1/key-3', blob, purpose), hasCode(KeyStoreErrorCode.BlobWrongId));
  // The id is authenticated, not only compared: rewriting it in the header does not help.
  const moved = blob.slice();
  moved[4 + 'node-1/key-'.length] = '3'.charCodeAt(0);
  assert.equal(decodeBlob(moved).id, 'node-1/key-3');
  await assert.rejects(store.open('node-1/key-3', moved, purpose), hasCode(KeyStoreErrorCode.BlobTampered));
  await assert.rejects(
    store.open('node-1/key-2', blob.subarray(0, 20), purpose),
    hasCode(KeyStoreErrorCode.BlobInvalid),
  );
  const pass = new PassphraseKeyStore({ passphrase: 'not the token', scrypt: { log2N: 15, r: 8, p: 1 } });
  const other = await pass.seal('node-1/key-2', Uint8Array.of(1), purpose);
  await pass.close();
  await assert.rejects(store.open('node-1/key-2', other, purpose), hasCode(KeyStoreErrorCode.BlobWrongStore));
  await store.close();
});

test('wrong PIN, missing token, missing module are refused with their codes', async () => {
  await assert.rejects(Pkcs11KeyStore.connect(opts({ pin: '000000' })), (e: unknown) => {
    assert.equal((e as { code?: string }).code, KeyStoreErrorCode.PinIncorrect);
    assert.doesNotMatch(JSON.stringify(e), /000000|246810/);
    return true;
  });
  await assert.rejects(
    Pkcs11KeyStore.connect(opts({ tokenLabel: 'no-such-token' })),
    hasCode(KeyStoreErrorCode.TokenNotFound),
  );
  await assert.rejects(
    Pkcs11KeyStore.connect(opts({ module: '/usr/lib/no-such-pkcs11.so' })),
    hasCode(KeyStoreErrorCode.ModuleMissing),
  );
  await assert.rejects(
    Pkcs11KeyStore.connect(opts({ module: fileURLToPath(import.meta.url) })),
    hasCode(KeyStoreErrorCode.ModuleMissing),
  );
  // Failed attempts leave nothing behind: the right PIN still works.
  const store = await Pkcs11KeyStore.connect(opts());
  await store.close();
});

test('the sealing key cannot leave the token: CKA_VALUE unreadable, wrapping refused, attributes locked', async () => {
  withRawSession((lib, session) => {
    const key = findKey(lib, session, KEY);
    const attrs = lib.C_GetAttributeValue(session, key, [
      { type: pkcs11js.CKA_SENSITIVE },
      { type: pkcs11js.CKA_EXTRACTABLE },
      { type: pkcs11js.CKA_ALWAYS_SENSITIVE },
      { type: pkcs11js.CKA_NEVER_EXTRACTABLE },
      { type: pkcs11js.CKA_TOKEN },
    ]);
    assert.deepEqual(
      attrs.map((a) => a.value?.[0]),
      [1, 0, 1, 1, 1],
    );
    assert.throws(
      () => lib.C_GetAttributeValue(session, key, [{ type: pkcs11js.CKA_VALUE }]),
      /CKR_ATTRIBUTE_SENSITIVE/,
    );
    const wrapping = lib.C_GenerateKey(session, { mechanism: pkcs11js.CKM_AES_KEY_GEN }, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
      { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_AES },
      { type: pkcs11js.CKA_VALUE_LEN, value: 32 },
      { type: pkcs11js.CKA_TOKEN, value: false },
      { type: pkcs11js.CKA_WRAP, value: true },
    ]);
    assert.throws(
      () => lib.C_WrapKey(session, { mechanism: pkcs11js.CKM_AES_KEY_WRAP }, wrapping, key, Buffer.alloc(64)),
      /CKR_KEY_UNEXTRACTABLE/,
    );
    assert.throws(
      () => lib.C_SetAttributeValue(session, key, [{ type: pkcs11js.CKA_EXTRACTABLE, value: true }]),
      // CKA_MODIFIABLE is false: CKR_ACTION_PROHIBITED (0x1B = 27, which pkcs11js names "CKR_VENDOR_DEFINED:27").
      /:27$|CKR_ATTRIBUTE_READ_ONLY/,
    );
  });
});

test('an extractable key under the label is refused (fail closed)', async () => {
  withRawSession((lib, session) => {
    lib.C_GenerateKey(session, { mechanism: pkcs11js.CKM_AES_KEY_GEN }, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
      { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_AES },
      { type: pkcs11js.CKA_VALUE_LEN, value: 32 },
      { type: pkcs11js.CKA_LABEL, value: 'careless-key' },
      { type: pkcs11js.CKA_TOKEN, value: true },
      { type: pkcs11js.CKA_PRIVATE, value: true },
      { type: pkcs11js.CKA_SENSITIVE, value: false },
      { type: pkcs11js.CKA_EXTRACTABLE, value: true },
      { type: pkcs11js.CKA_ENCRYPT, value: true },
      { type: pkcs11js.CKA_DECRYPT, value: true },
    ]);
  });
  await assert.rejects(Pkcs11KeyStore.connect(opts({ keyLabel: 'careless-key' })), (e: unknown) => {
    assert.equal((e as { code?: string }).code, KeyStoreErrorCode.KeyUnsafe);
    assert.deepEqual((e as { details?: { problems?: string[] } }).details?.problems, [
      'not sensitive',
      'extractable',
    ]);
    return true;
  });
});

test('another process opens what this one sealed (and refuses a tampered copy)', async () => {
  const store = await Pkcs11KeyStore.connect(opts());
  const share = new Uint8Array(randomBytes(32));
  const blob = await store.seal('node-2/key-1', share, purpose);
  await store.close();
  const index = new URL('../../src/signing/keystore/index.ts', import.meta.url).href;
  const child = `
    import { Pkcs11KeyStore, SOFTHSM2_MODULE } from ${JSON.stringify(index)};
    const hex = (s) => Uint8Array.from(Buffer.from(s, 'hex'));
    const store = await Pkcs11KeyStore.connect({ module: SOFTHSM2_MODULE, tokenLabel: process.env.T, pin: process.env.P, keyLabel: process.env.K });
    const aad = new TextEncoder().encode('frost-share/secp256k1');
    const out = await store.open('node-2/key-1', hex(process.env.BLOB), aad);
    let tampered = 'accepted';
    try { await store.open('node-2/key-1', hex(process.env.TAMPERED), aad); } catch (e) { tampered = e.code; }
    await store.close();
    process.stdout.write(JSON.stringify({ share: Buffer.from(out).toString('hex'), tampered }));
  `;
  const t = blob.slice();
  t[t.length - 1]! ^= 0x80;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', child], {
    encoding: 'utf8',
    env: { ...process.env, T: TOKEN, P: PIN, K: KEY, BLOB: bytesToHex(blob), TAMPERED: bytesToHex(t) },
  });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { share: string; tampered: string };
  assert.deepEqual(hexToBytes(out.share), share);
  assert.equal(out.tampered, KeyStoreErrorCode.BlobTampered);
});
