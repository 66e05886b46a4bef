/** signRequest / verifyRequest: round trips, then one test per refusal code, each for its own reason. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { createSignatureSync } from 'http-message-sig';
import {
  contentDigest,
  type HttpRequest,
  MemoryNonceStore,
  prepareServiceKey,
  SIGNATURE_REFUSAL_CODES,
  SignatureRefusal,
  type SignatureRefusalCode,
  type SignRequestOptions,
  signMessage,
  signRequest,
  type VerifyRequestOptions,
  verifyRequest,
} from '../../src/access/http-signatures/index.ts';
import { toDescriptor } from '../../src/access/http-signatures/message.ts';
import { fixedClock } from '../../src/core/index.ts';
import {
  B14_KEY_ID,
  B14_PRIVATE_KEY,
  B14_PUBLIC_KEY,
  B26_CREATED,
  b2Request,
} from './http-signatures-fixtures.ts';

const NOW = new Date('2026-05-01T12:00:00Z');
const NOW_S = NOW.getTime() / 1000;
const OTHER_PRIVATE_KEY = new Uint8Array(32).fill(7);

function request(overrides: Partial<HttpRequest> = {}): HttpRequest {
  return {
    method: 'POST',
    url: 'https://rampart.example/api/v1/custody/requests?wallet=cold-1',
    headers: { 'content-type': 'application/json', host: 'rampart.example' },
    body: '{"amount":"1.5","asset":"ETH"}',
    ...overrides,
  };
}

function sign(req: HttpRequest, opts: Partial<SignRequestOptions> = {}): HttpRequest {
  const added = signRequest(req, {
    keyId: B14_KEY_ID,
    privateKey: B14_PRIVATE_KEY,
    created: NOW,
    nonce: 'n-0001',
    ...opts,
  });
  return { ...req, headers: { ...(req.headers as Record<string, string>), ...added } };
}

function options(
  overrides: Partial<VerifyRequestOptions> = {},
): VerifyRequestOptions & { nonceStore: MemoryNonceStore } {
  return {
    lookupKey: (keyId) =>
      keyId === B14_KEY_ID ? { publicKey: B14_PUBLIC_KEY, serviceId: 'signer-node-1' } : undefined,
    now: NOW,
    maxAgeSeconds: 300,
    requiredComponents: ['@method', '@target-uri', 'content-digest'],
    nonceStore: new MemoryNonceStore({ clock: fixedClock(NOW) }),
    ...overrides,
  } as VerifyRequestOptions & { nonceStore: MemoryNonceStore };
}

async function refused(
  req: HttpRequest,
  opts: VerifyRequestOptions,
  code: SignatureRefusalCode,
  reason: RegExp,
): Promise<void> {
  await assert.rejects(verifyRequest(req, opts), (e: unknown) => {
    assert.ok(e instanceof SignatureRefusal, `not a SignatureRefusal: ${String(e)}`);
    assert.equal(e.code, code, `expected ${code}, got ${e.code}: ${e.reason}`);
    assert.match(e.reason, reason);
    assert.equal(e.status, 401);
    return true;
  });
}

function headersOf(req: HttpRequest): Record<string, string> {
  return req.headers as Record<string, string>;
}

describe('signRequest', () => {
  test('adds Content-Digest, Signature-Input and Signature covering the defaults', () => {
    const req = request();
    const added = signRequest(req, {
      keyId: B14_KEY_ID,
      privateKey: B14_PRIVATE_KEY,
      created: NOW,
      nonce: 'abc',
    });
    assert.equal(added['content-digest'], contentDigest(req.body));
    assert.equal(
      added['signature-input'],
      `sig1=("@method" "@target-uri" "content-digest");created=${NOW_S};nonce="abc";keyid="test-key-ed25519";alg="ed25519"`,
    );
    assert.match(added.signature, /^sig1=:[A-Za-z0-9+/]{86}==:$/);
  });

  test('is deterministic for fixed inputs, and draws a fresh nonce when none is given', () => {
    const o = { keyId: B14_KEY_ID, privateKey: B14_PRIVATE_KEY, created: NOW };
    assert.deepEqual(
      signRequest(request(), { ...o, nonce: 'x' }),
      signRequest(request(), { ...o, nonce: 'x' }),
    );
    assert.notEqual(
      signRequest(request(), o)['signature-input'],
      signRequest(request(), o)['signature-input'],
    );
  });

  test('the derived components of a URL: @authority, @scheme, @path, @query, @request-target', async () => {
    const req = request({ url: 'https://Rampart.Example:443/api/v1/a%20b?x=1&y=%2F' });
    const components = [
      '@method',
      '@target-uri',
      '@authority',
      '@scheme',
      '@path',
      '@query',
      '@request-target',
    ];
    let base = '';
    createSignatureSync(toDescriptor(req), {
      components,
      parameters: { created: 1 },
      signer: {
        algorithm: 'ed25519',
        sign: (d) => {
          base = new TextDecoder().decode(d);
          return new Uint8Array(64);
        },
      },
    });
    assert.deepEqual(base.split('\n').slice(0, -1), [
      '"@method": POST',
      '"@target-uri": https://Rampart.Example:443/api/v1/a%20b?x=1&y=%2F',
      '"@authority": rampart.example',
      '"@scheme": https',
      '"@path": /api/v1/a%20b',
      '"@query": ?x=1&y=%2F',
      '"@request-target": /api/v1/a%20b?x=1&y=%2F',
    ]);
    const signed = sign(req, { components: [...components, 'content-digest', 'content-type'] });
    assert.equal((await verifyRequest(signed, options())).serviceId, 'signer-node-1');
  });
});

describe('verifyRequest accepts', () => {
  test('a signed POST: the service, key, nonce and covered components', async () => {
    const verified = await verifyRequest(sign(request()), options());
    assert.deepEqual(verified, {
      serviceId: 'signer-node-1',
      keyId: B14_KEY_ID,
      label: 'sig1',
      created: NOW,
      nonce: 'n-0001',
      components: ['@method', '@target-uri', 'content-digest'],
    });
  });

  test('a GET without a body (the digest of empty content), Headers objects, bytes, sha-512', async () => {
    const get = request({ method: 'GET', body: undefined });
    assert.equal((await verifyRequest(sign(get), options())).keyId, B14_KEY_ID);
    const bytes = request({ body: new TextEncoder().encode('{"a":1}') });
    const signed = sign(bytes, { digestAlgorithms: ['sha-512'], nonce: 'n-2' });
    const asHeaders = { ...signed, headers: new Headers(headersOf(signed)) };
    assert.equal((await verifyRequest(asHeaders, options())).nonce, 'n-2');
  });

  test('a signature created up to maxAge ago, or within the clock skew ahead', async () => {
    const old = sign(request(), { created: new Date(NOW.getTime() - 300_000) });
    assert.ok(await verifyRequest(old, options()));
    const ahead = sign(request(), { created: new Date(NOW.getTime() + 5_000) });
    assert.ok(await verifyRequest(ahead, options()));
  });
});

describe('verifyRequest refuses, each for its own reason', () => {
  test('SIGNATURE_MISSING: no Signature and no Signature-Input', async () => {
    await refused(request(), options(), 'SIGNATURE_MISSING', /no Signature/);
  });

  test('SIGNATURE_MALFORMED: one field without the other; unparsable; no keyid', async () => {
    const signed = sign(request());
    const { signature: _s, ...noSignature } = headersOf(signed);
    await refused(
      { ...signed, headers: noSignature },
      options(),
      'SIGNATURE_MALFORMED',
      /must come together/,
    );
    const garbage = { ...signed, headers: { ...headersOf(signed), 'signature-input': 'sig1=("@method"' } };
    await refused(garbage, options(), 'SIGNATURE_MALFORMED', /Signature-Input/);
    const digested = request({
      headers: { ...headersOf(request()), 'content-digest': contentDigest(request().body) },
    });
    const noKeyId = signMessage(digested, {
      label: 'sig1',
      components: ['@method', '@target-uri', 'content-digest'],
      parameters: { created: NOW_S, nonce: 'n' },
      privateKey: B14_PRIVATE_KEY,
    });
    const withSig = { ...digested, headers: { ...headersOf(digested), ...noKeyId } };
    await refused(withSig, options(), 'SIGNATURE_MALFORMED', /no keyid/);
  });

  test('SIGNATURE_UNKNOWN_KEY: a keyid nobody registered', async () => {
    const signed = sign(request(), { keyId: 'who-is-this' });
    await refused(signed, options(), 'SIGNATURE_UNKNOWN_KEY', /who-is-this/);
  });

  test('SIGNATURE_INVALID: a signature from another key under a registered keyid', async () => {
    const opts = options();
    await refused(
      sign(request(), { privateKey: OTHER_PRIVATE_KEY }),
      opts,
      'SIGNATURE_INVALID',
      /verification/i,
    );
    assert.equal(opts.nonceStore.size, 0, 'a forged request must not consume a nonce');
  });

  test('SIGNATURE_INVALID: the method changed after signing', async () => {
    const signed = sign(request());
    await refused({ ...signed, method: 'PUT' }, options(), 'SIGNATURE_INVALID', /verification/i);
  });

  test('SIGNATURE_INVALID: the URL changed after signing', async () => {
    const signed = sign(request());
    const url = signed.url.replace('cold-1', 'hot-1');
    await refused({ ...signed, url }, options(), 'SIGNATURE_INVALID', /verification/i);
  });

  test('SIGNATURE_INVALID: a covered header removed', async () => {
    const signed = sign(request(), {
      components: ['@method', '@target-uri', 'content-digest', 'content-type'],
    });
    const { 'content-type': _ct, ...rest } = headersOf(signed);
    await refused({ ...signed, headers: rest }, options(), 'SIGNATURE_INVALID', /content-type/);
  });

  test('SIGNATURE_INVALID: an algorithm other than ed25519 claimed', async () => {
    const signed = sign(request());
    const h = headersOf(signed);
    const input = h['signature-input']!.replace('alg="ed25519"', 'alg="rsa-pss-sha512"');
    await refused(
      { ...signed, headers: { ...h, 'signature-input': input } },
      options(),
      'SIGNATURE_INVALID',
      /rsa/,
    );
  });

  test('SIGNATURE_COMPONENT_MISSING: @target-uri not covered', async () => {
    const signed = sign(request(), { components: ['@method', '@path', 'content-digest'] });
    await refused(signed, options(), 'SIGNATURE_COMPONENT_MISSING', /@target-uri/);
  });

  test('SIGNATURE_EXPIRED: created older than maxAge; expires passed', async () => {
    const old = sign(request(), { created: new Date(NOW.getTime() - 301_000) });
    await refused(old, options(), 'SIGNATURE_EXPIRED', /301s old/);
    const expired = sign(request(), { created: NOW, expires: new Date(NOW.getTime() - 1000) });
    await refused(expired, options(), 'SIGNATURE_EXPIRED', /expires/);
  });

  test('SIGNATURE_FROM_FUTURE: created beyond the clock skew ahead', async () => {
    const future = sign(request(), { created: new Date(NOW.getTime() + 60_000) });
    await refused(future, options(), 'SIGNATURE_FROM_FUTURE', /60s ahead/);
  });

  test('SIGNATURE_NONCE_MISSING: the RFC 9421 B.2.6 signature carries no nonce', async () => {
    const req = b2Request();
    const signed = signMessage(req, {
      label: 'sig-b26',
      components: ['date', '@method', '@target-uri', 'content-digest'],
      parameters: { created: B26_CREATED, keyid: B14_KEY_ID },
      privateKey: B14_PRIVATE_KEY,
    });
    const opts = options({ now: new Date(B26_CREATED * 1000) });
    await refused(
      { ...req, headers: { ...headersOf(req), ...signed } },
      opts,
      'SIGNATURE_NONCE_MISSING',
      /nonce/,
    );
  });

  test('SIGNATURE_REPLAYED: the same nonce again, even on an otherwise new request', async () => {
    const opts = options();
    await verifyRequest(sign(request()), opts);
    await refused(sign(request()), opts, 'SIGNATURE_REPLAYED', /nonce already used/);
    const other = sign(request({ body: '{"amount":"2"}' }), { created: new Date(NOW.getTime() - 10_000) });
    await refused(other, opts, 'SIGNATURE_REPLAYED', /nonce already used/);
    // the same nonce under another key is another nonce
    const opts2 = {
      ...opts,
      lookupKey: () => ({ publicKey: ed25519.getPublicKey(OTHER_PRIVATE_KEY), serviceId: 's2' }),
    };
    assert.ok(await verifyRequest(sign(request(), { keyId: 'k2', privateKey: OTHER_PRIVATE_KEY }), opts2));
  });

  test('CONTENT_DIGEST_MISMATCH: the body tampered with after signing', async () => {
    const signed = sign(request());
    const opts = options();
    await refused(
      { ...signed, body: '{"amount":"1500","asset":"ETH"}' },
      opts,
      'CONTENT_DIGEST_MISMATCH',
      /sha-256/,
    );
    assert.equal(opts.nonceStore.size, 0, 'a refused request must not consume a nonce');
  });

  test('CONTENT_DIGEST_MISSING: a body and no covered digest', async () => {
    const unbound = sign(request(), { components: ['@method', '@target-uri'] });
    const opts = options({ requiredComponents: ['@method', '@target-uri'] });
    await refused(unbound, opts, 'CONTENT_DIGEST_MISSING', /does not cover content-digest/);
  });

  test('CONTENT_DIGEST_MISSING: a covered digest with no sha-256 or sha-512 in it', async () => {
    const req = request({
      headers: { ...headersOf(request()), 'content-digest': 'md5=:AAAAAAAAAAAAAAAAAAAAAA==:' },
    });
    const signed = signMessage(req, {
      label: 'sig1',
      components: ['@method', '@target-uri', 'content-digest'],
      parameters: { created: NOW_S, nonce: 'n', keyid: B14_KEY_ID },
      privateKey: B14_PRIVATE_KEY,
    });
    const withSig = { ...req, headers: { ...headersOf(req), ...signed } };
    await refused(withSig, options(), 'CONTENT_DIGEST_MISSING', /no sha-256 or sha-512/);
  });

  test('every refusal code is exercised above, and none leaks its reason', () => {
    assert.equal(SIGNATURE_REFUSAL_CODES.length, 11);
    const e = new SignatureRefusal('SIGNATURE_INVALID', 'secret detail');
    assert.deepEqual(e.toJSON(), {
      code: 'SIGNATURE_INVALID',
      message: 'the request signature does not verify',
    });
  });

  test('a failing key lookup is not a refusal: it propagates (fail closed)', async () => {
    const boom = new Error('database unreachable');
    const opts = options({
      lookupKey: () => {
        throw boom;
      },
    });
    await assert.rejects(verifyRequest(sign(request()), opts), (e) => e === boom);
  });

  test('a prepared key is the key as it was prepared: later changes to the array given do nothing', async () => {
    const given = B14_PUBLIC_KEY.slice();
    const key = prepareServiceKey(given, 'signer-node-1');
    const opts = options({ lookupKey: (id) => (id === B14_KEY_ID ? key : undefined) });
    assert.ok(await verifyRequest(sign(request()), opts));
    given.set(ed25519.getPublicKey(OTHER_PRIVATE_KEY));
    assert.ok(await verifyRequest(sign(request(), { nonce: 'n-0002' }), opts), 'still the key prepared');
    // Prepared from another key, the same kind of request is refused for its signature.
    const other = prepareServiceKey(ed25519.getPublicKey(OTHER_PRIVATE_KEY), 'signer-node-1');
    await refused(
      sign(request(), { nonce: 'n-0003' }),
      options({ lookupKey: () => other }),
      'SIGNATURE_INVALID',
      /verification failed/,
    );
  });

  test('a prepared small-order key verifies nothing, not even a signature made to fit it', async () => {
    // The identity point (y = 1): with it, R = S·B (any S, and k·A = 0) makes a "signature" of every
    // message under a cofactorless check; strict RFC 8032 refuses the key itself.
    const identity = new Uint8Array(32);
    identity[0] = 1;
    const key = prepareServiceKey(identity, 'forger');
    assert.equal(key.prepared?.usable, false);
    const s = new Uint8Array(32);
    s[0] = 5;
    const forged = new Uint8Array(64);
    forged.set(ed25519.Point.BASE.multiply(5n).toBytes(), 0);
    forged.set(s, 32);
    const req = sign(request(), { nonce: 'n-0004' });
    const headers = { ...(req.headers as Record<string, string>) };
    headers['signature'] = `sig1=:${Buffer.from(forged).toString('base64')}:`;
    await refused(
      { ...req, headers },
      options({ lookupKey: () => key }),
      'SIGNATURE_INVALID',
      /verification failed/,
    );
  });
});
