/**
 * Test vectors quoted from the RFCs (data only), and helpers for the HTTP signature tests.
 *   RFC 9421 Appendix B.1.4: the Ed25519 test key `test-key-ed25519` (JWK and PKCS#8 / SPKI PEM).
 *   RFC 9421 Appendix B.2: the example request; B.2.6: its Ed25519 signature.
 *   RFC 9530 Appendix B: the digests of `{"hello": "world"}` followed by LF.
 */
import { base64urlnopad } from '@scure/base';
import type { HttpRequest } from '../../src/access/http-signatures/index.ts';
import { base64ToBytes } from '../../src/core/index.ts';

export const B14_KEY_ID = 'test-key-ed25519';
export const B14_JWK = {
  kty: 'OKP',
  crv: 'Ed25519',
  kid: 'test-key-ed25519',
  d: 'n4Ni-HpISpVObnQMW0wOhCKROaIKqKtW_2ZYb2p9KcU',
  x: 'JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs',
};
export const B14_PRIVATE_PEM_BODY = 'MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF';
export const B14_PUBLIC_PEM_BODY = 'MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=';
export const B14_PRIVATE_KEY = base64urlnopad.decode(B14_JWK.d);
export const B14_PUBLIC_KEY = base64urlnopad.decode(B14_JWK.x);

/** The raw key inside a one-key Ed25519 PKCS#8 (RFC 8410 §7) or SPKI (RFC 8410 §4) DER: its last 32 bytes. */
export function rawKeyFromPemBody(body: string): Uint8Array {
  const der = base64ToBytes(body);
  return der.slice(der.length - 32);
}

/** RFC 9421 Appendix B.2's test request (`POST /foo?param=Value&Pet=dog`, 18-byte JSON body). */
export function b2Request(): HttpRequest {
  return {
    method: 'POST',
    url: 'https://example.com/foo?param=Value&Pet=dog',
    headers: {
      host: 'example.com',
      date: 'Tue, 20 Apr 2021 02:07:55 GMT',
      'content-type': 'application/json',
      'content-digest':
        'sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:',
      'content-length': '18',
    },
    body: '{"hello": "world"}',
  };
}

export const B26_LABEL = 'sig-b26';
export const B26_COMPONENTS = ['date', '@method', '@path', '@authority', 'content-type', 'content-length'];
export const B26_CREATED = 1618884473;
export const B26_SIGNATURE_INPUT =
  'sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"';
export const B26_SIGNATURE =
  'sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:';
export const B26_SIGNATURE_BASE = [
  '"date": Tue, 20 Apr 2021 02:07:55 GMT',
  '"@method": POST',
  '"@path": /foo',
  '"@authority": example.com',
  '"content-type": application/json',
  '"content-length": 18',
  '"@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"',
].join('\n');

/** RFC 9530 Appendix B: `{"hello": "world"}` and a line feed. */
export const RFC9530_CONTENT = '{"hello": "world"}\n';
export const RFC9530_SHA256 = 'sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:';
export const RFC9530_SHA512 =
  'sha-512=:YMAam51Jz/jOATT6/zvHrLVgOYTGFy1d6GJiOHTohq4yP+pgk4vf2aCsyRZOtw8MjkM7iw7yZ/WkppmM44T3qg==:';
/** RFC 9530 Appendix B: empty content. */
export const RFC9530_EMPTY_SHA256 = 'sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:';
