/** RFC 9421 Appendix B vectors that use Ed25519: the B.1.4 key and the B.2.6 signature. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createSignatureSync, verifySignature } from 'http-message-sig';
import { ed25519Verifier } from '../../src/access/http-signatures/ed25519.ts';
import { ed25519PublicKey, type HttpRequest, signMessage } from '../../src/access/http-signatures/index.ts';
import { toDescriptor } from '../../src/access/http-signatures/message.ts';
import { fromUtf8 } from '../../src/core/index.ts';
import {
  B14_KEY_ID,
  B14_PRIVATE_KEY,
  B14_PRIVATE_PEM_BODY,
  B14_PUBLIC_KEY,
  B14_PUBLIC_PEM_BODY,
  B26_COMPONENTS,
  B26_CREATED,
  B26_LABEL,
  B26_SIGNATURE,
  B26_SIGNATURE_BASE,
  B26_SIGNATURE_INPUT,
  b2Request,
  rawKeyFromPemBody,
} from './http-signatures-fixtures.ts';

const b26Parameters = { created: B26_CREATED, keyid: B14_KEY_ID };

function b26SignedRequest(signature = B26_SIGNATURE): HttpRequest & { headers: Record<string, string> } {
  const req = b2Request();
  const headers: Record<string, string> = {
    ...(req.headers as Record<string, string>),
    'signature-input': B26_SIGNATURE_INPUT,
    signature,
  };
  return { ...req, headers };
}

function verifyB26(request: ReturnType<typeof b26SignedRequest>) {
  return verifySignature(toDescriptor(request), {
    policy: { algorithms: ['ed25519'], requiredComponents: [], requiredParameters: [], now: B26_CREATED },
    resolveVerifier: (candidate) => {
      assert.equal(candidate.parameters.keyid, B14_KEY_ID);
      return ed25519Verifier(B14_PUBLIC_KEY);
    },
  });
}

describe('RFC 9421 Appendix B (Ed25519)', () => {
  test('B.1.4: the JWK and the PEM encodings are the same key pair', () => {
    assert.deepEqual(rawKeyFromPemBody(B14_PRIVATE_PEM_BODY), B14_PRIVATE_KEY);
    assert.deepEqual(rawKeyFromPemBody(B14_PUBLIC_PEM_BODY), B14_PUBLIC_KEY);
    assert.deepEqual(ed25519PublicKey(B14_PRIVATE_KEY), B14_PUBLIC_KEY);
  });

  test('B.2.6: the signature base, byte for byte', () => {
    let base: Uint8Array | undefined;
    const fields = createSignatureSync(toDescriptor(b2Request()), {
      label: B26_LABEL,
      components: B26_COMPONENTS,
      parameters: b26Parameters,
      signer: {
        algorithm: 'ed25519',
        sign: (data) => {
          base = data.slice();
          return new Uint8Array(64);
        },
      },
    });
    assert.ok(base);
    assert.equal(fromUtf8(base), B26_SIGNATURE_BASE);
    assert.equal(fields.signatureInput, B26_SIGNATURE_INPUT);
  });

  test('B.2.6: signing with test-key-ed25519 reproduces the RFC signature exactly', () => {
    const headers = signMessage(b2Request(), {
      label: B26_LABEL,
      components: B26_COMPONENTS,
      parameters: b26Parameters,
      privateKey: B14_PRIVATE_KEY,
    });
    assert.deepEqual(headers, { 'signature-input': B26_SIGNATURE_INPUT, signature: B26_SIGNATURE });
  });

  test('B.2.6: the RFC signature verifies with the B.1.4 public key', async () => {
    const verified = await verifyB26(b26SignedRequest());
    assert.equal(verified.label, B26_LABEL);
    assert.deepEqual(
      verified.components.map((c) => c.name),
      B26_COMPONENTS,
    );
    assert.equal(verified.parameters.created, B26_CREATED);
  });

  test('B.2.6: one flipped signature bit, or a changed covered field, does not verify', async () => {
    const flipped = B26_SIGNATURE.replace('wqcA', 'wqcB');
    await assert.rejects(verifyB26(b26SignedRequest(flipped)), { code: 'VerificationFailed' });
    const changed = b26SignedRequest();
    changed.headers['content-length'] = '19';
    await assert.rejects(verifyB26(changed), { code: 'VerificationFailed' });
  });
});
