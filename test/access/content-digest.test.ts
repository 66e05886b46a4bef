import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkContentDigest, contentDigest } from '../../src/access/http-signatures/index.ts';
import { utf8 } from '../../src/core/index.ts';
import {
  b2Request,
  RFC9530_CONTENT,
  RFC9530_EMPTY_SHA256,
  RFC9530_SHA256,
  RFC9530_SHA512,
} from './http-signatures-fixtures.ts';

describe('Content-Digest (RFC 9530)', () => {
  test('RFC 9530 Appendix B: sha-256 and sha-512 of {"hello": "world"} + LF', () => {
    assert.equal(contentDigest(RFC9530_CONTENT), RFC9530_SHA256);
    assert.equal(contentDigest(utf8(RFC9530_CONTENT), ['sha-512']), RFC9530_SHA512);
    assert.equal(
      contentDigest(RFC9530_CONTENT, ['sha-256', 'sha-512']),
      `${RFC9530_SHA256}, ${RFC9530_SHA512}`,
    );
  });

  test('RFC 9530 Appendix B: empty content; an absent body is empty content', () => {
    assert.equal(contentDigest(''), RFC9530_EMPTY_SHA256);
    assert.equal(contentDigest(undefined), RFC9530_EMPTY_SHA256);
  });

  test('RFC 9421 Appendix B.2: the example request carries the sha-512 digest of its 18-byte body', () => {
    const req = b2Request();
    const header = (req.headers as Record<string, string>)['content-digest']!;
    assert.equal(contentDigest(req.body, ['sha-512']), header);
    assert.deepEqual(checkContentDigest(header, req.body), { ok: true, algorithms: ['sha-512'] });
  });

  test('check: every supported digest must match; unknown algorithms are ignored', () => {
    const both = `${RFC9530_SHA256}, ${RFC9530_SHA512}`;
    assert.deepEqual(checkContentDigest(both, RFC9530_CONTENT), {
      ok: true,
      algorithms: ['sha-256', 'sha-512'],
    });
    assert.deepEqual(checkContentDigest(`md5=:AAAA:, ${RFC9530_SHA256}`, RFC9530_CONTENT), {
      ok: true,
      algorithms: ['sha-256'],
    });
    // a correct sha-512 beside a wrong sha-256 does not pass
    const wrong256 = `${RFC9530_EMPTY_SHA256}, ${RFC9530_SHA512}`;
    const r = checkContentDigest(wrong256, RFC9530_CONTENT);
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.problem, 'mismatch');
  });

  test('check: tampered content, no supported algorithm, not a dictionary, not a byte sequence', () => {
    const tampered = checkContentDigest(RFC9530_SHA256, '{"hello": "w0rld"}\n');
    assert.equal(!tampered.ok && tampered.problem, 'mismatch');
    const none = checkContentDigest('md5=:AAAA:, sha=:AAAA:', RFC9530_CONTENT);
    assert.equal(!none.ok && none.problem, 'no-supported-algorithm');
    const notDict = checkContentDigest('sha-256=:RK/0qy18', RFC9530_CONTENT);
    assert.equal(!notDict.ok && notDict.problem, 'malformed');
    const notBytes = checkContentDigest(
      'sha-256="RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg="',
      RFC9530_CONTENT,
    );
    assert.equal(!notBytes.ok && notBytes.problem, 'malformed');
  });

  test('the one-member sha-256 fast path answers as the dictionary parser does', () => {
    // Appending an unknown member sends the same digest down the general path (RFC 9530 §3).
    const general = (field: string) => `${field}, unknown-alg=:AAAA:`;
    const bodies = ['', 'x', RFC9530_CONTENT, 'é'.repeat(100), undefined];
    for (const body of bodies)
      for (const other of bodies) {
        const field = contentDigest(body);
        const fast = checkContentDigest(field, other);
        assert.deepEqual(fast, checkContentDigest(general(field), other), `${body} / ${other}`);
        assert.equal(fast.ok, (body ?? '') === (other ?? ''));
      }
    // Stray bits in the last base64 character are not the canonical encoding: the general path decides.
    const stray = RFC9530_EMPTY_SHA256.replace('U=:', 'V=:');
    assert.deepEqual(checkContentDigest(stray, ''), checkContentDigest(general(stray), ''));
  });
});
