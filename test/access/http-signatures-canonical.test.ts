/**
 * canonical.ts against the library (http-message-sig), input by input: wherever the fast path reads
 * a signature, the library must accept the same request and build the same signature base bytes,
 * label, parameters, components and signature; wherever the library refuses, the fast path must
 * decline (return undefined) so that the library's refusal is the one the caller sees.
 *
 * And the verification workers (verify-pool.ts checkRequest), which run canonical.ts on a request
 * that crossed threads as JSON: on every input, the same reading as canonical.ts here, and a verdict
 * with the test key equal to noble's strict RFC 8032 check of the base the library built.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { type UntrustedSignatureCandidate, verifySignature } from 'http-message-sig';
import { canonicalSignature } from '../../src/access/http-signatures/canonical.ts';
import { requestCheckPool } from '../../src/access/http-signatures/ed25519.ts';
import { type HttpRequest, signMessage, signRequest } from '../../src/access/http-signatures/index.ts';
import { toDescriptor } from '../../src/access/http-signatures/message.ts';
import { B14_KEY_ID, B14_PRIVATE_KEY, B14_PUBLIC_KEY } from './http-signatures-fixtures.ts';

const NOW = new Date('2026-05-01T12:00:00Z');

interface LibraryRead {
  candidate: UntrustedSignatureCandidate;
  base: Uint8Array;
  signature: Uint8Array;
}

/** What the library reads from a request (verifier captured, signature not checked), or its error. */
async function library(request: HttpRequest, label?: string): Promise<LibraryRead | Error> {
  let read: LibraryRead | undefined;
  try {
    await verifySignature(toDescriptor(request), {
      ...(label === undefined ? {} : { label }),
      policy: {
        algorithms: ['ed25519'],
        requiredComponents: [],
        requiredParameters: [],
        now: NOW.getTime() / 1000,
        clockSkew: Number.MAX_SAFE_INTEGER,
      },
      resolveVerifier: (candidate) => ({
        algorithm: 'ed25519',
        verify: (base, signature) => {
          read = { candidate, base: base.slice(), signature: signature.slice() };
          return true;
        },
      }),
    });
  } catch (e) {
    return e as Error;
  }
  assert.ok(read, 'the library verified without calling the verifier');
  return read;
}

/** The property: the fast path is either silent, or agrees with the library in every byte. */
async function agree(request: HttpRequest, label?: string): Promise<'fast' | 'library' | 'refused'> {
  let fast: ReturnType<typeof canonicalSignature>;
  try {
    fast = canonicalSignature(request, label);
  } catch (e) {
    assert.fail(`the fast path threw instead of declining: ${(e as Error).message}`);
  }
  const lib = await library(request, label);
  await workerAgrees(request, label, fast, lib instanceof Error ? undefined : lib);
  if (lib instanceof Error) {
    assert.equal(fast, undefined, `the library refuses (${lib.message}) but the fast path accepted`);
    return 'refused';
  }
  if (!fast) return 'library';
  assert.deepEqual(Buffer.from(fast.base).toString('latin1'), Buffer.from(lib.base).toString('latin1'));
  assert.deepEqual(fast.signature, lib.signature);
  assert.equal(fast.candidate.label, lib.candidate.label);
  assert.equal(fast.candidate.algorithm, lib.candidate.algorithm);
  assert.deepEqual({ ...fast.candidate.parameters }, { ...lib.candidate.parameters });
  assert.deepEqual(
    fast.candidate.components.map((c) => [c.name, { ...c.parameters }]),
    lib.candidate.components.map((c) => [c.name, { ...c.parameters }]),
  );
  return 'fast';
}

/** The worker reads `request` as canonical.ts does here, and checks it as noble does. */
async function workerAgrees(
  request: HttpRequest,
  label: string | undefined,
  fast: ReturnType<typeof canonicalSignature>,
  lib: LibraryRead | undefined,
): Promise<void> {
  // verifyRequest hands only plain header objects to the workers.
  if (request.headers instanceof Headers) return;
  const pool = requestCheckPool();
  assert.ok(pool, 'Node has verification workers');
  const headers = request.headers as Record<string, string | readonly string[] | undefined>;
  const toCheck = {
    method: request.method,
    url: request.url,
    headers,
    ...(request.requestTarget === undefined ? {} : { requestTarget: request.requestTarget }),
    ...(label === undefined ? {} : { label }),
  };
  const read = await pool.checkRequest(toCheck);
  if (!fast) {
    assert.equal(read, undefined, 'the worker read what canonical.ts declines');
    return;
  }
  assert.ok(read, 'the worker declined what canonical.ts reads');
  assert.equal(read.label, fast.candidate.label);
  assert.equal(read.algorithm, fast.candidate.algorithm);
  assert.deepEqual(read.parameters, { ...fast.candidate.parameters });
  assert.deepEqual(
    read.components,
    fast.candidate.components.map((c) => c.name),
  );
  assert.equal(read.valid, undefined, 'no key, no verdict');
  assert.equal(read.contentDigest, fast.field('content-digest'), 'the digest field as canonical.ts reads it');
  assert.ok(lib, 'canonical.ts read what the library refuses');
  const withKey = await pool.checkRequest({ ...toCheck, publicKey: B14_PUBLIC_KEY });
  assert.equal(
    withKey?.valid,
    ed25519.verify(lib.signature, lib.base, B14_PUBLIC_KEY, { zip215: false }),
    "the verdict on the library's own signature base",
  );
}

/** Each case holds the property, and none of them is read by the fast path. */
async function neverFast(cases: Array<[string, HttpRequest]>): Promise<void> {
  for (const [what, req] of cases) assert.notEqual(await agree(req), 'fast', what);
}

const BASE_HEADERS = {
  host: 'rampart.example',
  'content-type': 'application/json',
  'x-multi': ['a', ' b '],
};

function signed(
  opts: { url?: string; body?: string; components?: string[]; tag?: string; expires?: Date } = {},
) {
  const request: HttpRequest = {
    method: 'POST',
    url: opts.url ?? 'https://rampart.example/api/v1/custody/requests?wallet=cold-1',
    headers: { ...BASE_HEADERS },
    body: opts.body ?? '{"amount":"1.5"}',
  };
  const added = signRequest(request, {
    keyId: B14_KEY_ID,
    privateKey: B14_PRIVATE_KEY,
    created: NOW,
    nonce: 'n-0001',
    ...(opts.components ? { components: opts.components } : {}),
    ...(opts.tag ? { tag: opts.tag } : {}),
    ...(opts.expires ? { expires: opts.expires } : {}),
  });
  return { ...request, headers: { ...(request.headers as Record<string, string>), ...added } };
}

type Headers = Record<string, string | string[]>;
const withHeaders = (r: HttpRequest, change: (h: Headers) => void): HttpRequest => {
  const headers = { ...(r.headers as Headers) };
  change(headers);
  return { ...r, headers };
};
const editInput = (r: HttpRequest, f: (s: string) => string) =>
  withHeaders(r, (h) => {
    h['signature-input'] = f(h['signature-input'] as string);
  });
const editSignature = (r: HttpRequest, f: (s: string) => string) =>
  withHeaders(r, (h) => {
    h.signature = f(h.signature as string);
  });

describe('canonical signature fast path', () => {
  test('reads what signRequest writes, byte for byte as the library does', async () => {
    for (const r of [
      signed(),
      signed({ components: ['@method', '@target-uri', 'content-digest', 'content-type', 'host'] }),
      signed({ components: ['@method', '@target-uri', 'content-digest', 'x-multi'] }),
      signed({ tag: 'rampart', expires: new Date(NOW.getTime() + 60_000) }),
      signed({ url: 'http://127.0.0.1:8080/x?y=%20z&q' }),
      signed({ body: '' }),
    ])
      assert.equal(await agree(r), 'fast');
  });

  test('reads signatures made with any parameters order and label, and a chosen label', async () => {
    const request: HttpRequest = {
      method: 'GET',
      url: 'https://a.example/p',
      headers: { host: 'a.example' },
    };
    const added = signMessage(request, {
      label: 'my-sig.1',
      components: ['host', '@method'],
      parameters: { nonce: 'x y', keyid: 'k', created: 0, alg: 'ed25519', expires: 999_999_999_999_999 },
      privateKey: B14_PRIVATE_KEY,
    });
    const r = { ...request, headers: { ...(request.headers as Headers), ...added } };
    assert.equal(await agree(r), 'fast');
    assert.equal(await agree(r, 'my-sig.1'), 'fast');
    assert.equal(await agree(r, 'other'), 'refused');
  });

  test('declines every unusual but valid form, leaving it to the library', async () => {
    const r = signed();
    const cases: Array<[string, HttpRequest]> = [
      ['space after a parameter separator', editInput(r, (s) => s.replace(';created', '; created'))],
      ['a token nonce', editInput(r, (s) => s.replace('nonce="n-0001"', 'nonce=n0001'))],
      ['an unknown parameter', editInput(r, (s) => `${s};foo="bar"`)],
      ['a boolean parameter', editInput(r, (s) => `${s};foo`)],
      ['a component parameter', editInput(r, (s) => s.replace('"@method"', '"@method";req'))],
      ['a second signature', editInput(r, (s) => `${s}, sig2=("@method");created=1`)],
      [
        'repeated field lines',
        withHeaders(r, (h) => {
          h['signature-input'] = [h['signature-input'] as string];
        }),
      ],
      ['@query component', signed({ components: ['@method', '@target-uri', 'content-digest', '@query'] })],
      ['a Headers object', { ...r, headers: new Headers(r.headers as Record<string, string>) }],
    ];
    await neverFast(cases);
  });

  test('refuses with the library on malformed input', async () => {
    const r = signed();
    const cases: Array<[string, HttpRequest]> = [
      ['uppercase parameter', editInput(r, (s) => s.replace('created', 'Created'))],
      ['duplicate parameter', editInput(r, (s) => `${s};created=1`)],
      ['leading zero', editInput(r, (s) => s.replace(/created=(\d+)/, 'created=0$1'))],
      ['negative created', editInput(r, (s) => s.replace(/created=(\d+)/, 'created=-$1'))],
      ['decimal created', editInput(r, (s) => s.replace(/created=(\d+)/, 'created=$1.5'))],
      ['escaped quote', editInput(r, (s) => s.replace('n-0001', 'n\\"0001'))],
      ['label mismatch', editSignature(r, (s) => s.replace('sig1=', 'sig2='))],
      ['short signature', editSignature(r, (s) => s.replace(/..==:$/, '==:'))],
      ['stray bits', editSignature(r, (s) => s.replace(/.==:$/, 'B==:'))],
      ['base64url', editSignature(r, (s) => s.replace(/[+/]/g, '-'))],
      [
        'missing covered field',
        withHeaders(r, (h) => {
          delete h['content-digest'];
        }),
      ],
      ['duplicate component', editInput(r, (s) => s.replace('("@method"', '("@method" "@method"'))],
      ['uppercase component', editInput(r, (s) => s.replace('"content-digest"', '"Content-Digest"'))],
      ['other algorithm', editInput(r, (s) => `${s};alg="ecdsa-p256-sha256"`)],
      ['fragment in the URL', { ...r, url: `${r.url}#frag` }],
      ['relative URL', { ...r, url: '/api/v1/custody/requests' }],
      [
        'control character in a field',
        withHeaders(r, (h) => {
          h['x-bad'] = 'a\u0001b';
        }),
      ],
      [
        'folded line',
        withHeaders(r, (h) => {
          h['content-type'] = 'application/json\r\n x';
        }),
      ],
      [
        'non-ASCII field',
        withHeaders(r, (h) => {
          h['x-bad'] = 'caf\u00e9';
        }),
      ],
      [
        'invalid field name',
        withHeaders(r, (h) => {
          h['x bad'] = 'v';
        }),
      ],
    ];
    await neverFast(cases);
  });

  test('agrees with the library on 3,000 random mutations of both fields', async () => {
    // A fixed linear congruential sequence: the same inputs on every run, so a failure reproduces.
    let seed = 0x9e3779b9;
    const next = (n: number) => {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      return seed % n;
    };
    const alphabet = ' ;=,"():\\*.-_0123456789azAZ+/#\t\u00e9';
    const mutate = (s: string) => {
      const at = next(s.length + 1);
      const op = next(3);
      const c = alphabet[next(alphabet.length)]!;
      if (op === 0) return s.slice(0, at) + c + s.slice(at);
      if (op === 1) return s.slice(0, at) + s.slice(at + 1);
      return s.slice(0, at) + c + s.slice(at + 1);
    };
    const r = signed({ components: ['@method', '@target-uri', 'content-digest', 'host'] });
    const seen = { fast: 0, library: 0, refused: 0 };
    for (let i = 0; i < 3000; i++) {
      const req = i % 2 === 0 ? editInput(r, mutate) : editSignature(r, mutate);
      seen[await agree(req)]++;
    }
    // Both outcomes occur, so the property was exercised on each side.
    assert.ok(seen.fast > 0 && seen.refused > 0, JSON.stringify(seen));
  });
});
