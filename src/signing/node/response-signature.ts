/**
 * Signed responses (RFC 9421 §2.4 "Signing Request Components in a Response Message"): a node
 * answers every authenticated request with a signature over `@status`, its `content-digest`
 * (RFC 9530) and the request's own signature (`"signature";req;key="sig1"`), so the coordinator
 * knows which node answered, that the body is intact, and that the answer is to this request (the
 * request's signature covers its method, target URI, digest and a fresh nonce). Ed25519 (§3.3.6).
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import {
  type ComponentDescriptor,
  createSignatureSync,
  type FieldOccurrence,
  type RequestDescriptor,
  type ResponseDescriptor,
  verifySignature,
} from 'http-message-sig';
import { checkContentDigest, contentDigest } from '../../access/index.ts';
import { VerificationError } from '../../core/index.ts';

export const RESPONSE_TAG = 'rampart-signer-response';
const LABEL = 'node';
const COMPONENTS: ComponentDescriptor[] = [
  { name: '@status', parameters: {} },
  { name: 'content-digest', parameters: {} },
  { name: 'signature', parameters: { req: true, key: 'sig1' } },
];

export interface SignedRequestView {
  method: string;
  url: string;
  /** The request's header fields, `signature` and `signature-input` included. */
  fields: FieldOccurrence[];
}

function requestDescriptor(r: SignedRequestView): RequestDescriptor {
  const u = new URL(r.url);
  return {
    kind: 'request',
    method: r.method,
    targetUri: r.url,
    requestTarget: `${u.pathname}${u.search}`,
    fields: r.fields,
  };
}

/** Header fields (lower-case) to add to a response with this status and body. */
export function signResponse(
  request: SignedRequestView,
  status: number,
  body: string,
  keyId: string,
  privateKey: Uint8Array,
  now: Date,
): Record<string, string> {
  const digest = contentDigest(body);
  const response: ResponseDescriptor = {
    kind: 'response',
    status,
    fields: [{ name: 'content-digest', value: digest }],
    request: requestDescriptor(request),
  };
  const out = createSignatureSync(response, {
    label: LABEL,
    components: COMPONENTS,
    parameters: {
      created: Math.floor(now.getTime() / 1000),
      keyid: keyId,
      alg: 'ed25519',
      tag: RESPONSE_TAG,
    },
    signer: { algorithm: 'ed25519', sign: (data) => ed25519.sign(data, privateKey) },
  });
  return { 'content-digest': digest, 'signature-input': out.signatureInput, signature: out.signature };
}

/**
 * Checks a node's response: signed by `publicKey`, covering the status, the body's digest and
 * our request's signature. Throws SIGNER_RESPONSE_UNVERIFIED otherwise.
 */
export async function verifyResponse(
  request: SignedRequestView,
  response: { status: number; headers: Headers; body: string },
  publicKey: Uint8Array,
): Promise<void> {
  const fail = (why: string) =>
    new VerificationError('SIGNER_RESPONSE_UNVERIFIED', `the node's response is not authentic: ${why}`, {
      status: response.status,
    });
  const fields: FieldOccurrence[] = [];
  for (const name of ['content-digest', 'signature-input', 'signature']) {
    const v = response.headers.get(name);
    if (v === null) throw fail(`no ${name} field`);
    fields.push({ name, value: v });
  }
  const digest = checkContentDigest(response.headers.get('content-digest') ?? '', response.body);
  if (!digest.ok) throw fail(digest.reason);
  try {
    await verifySignature(
      { kind: 'response', status: response.status, fields, request: requestDescriptor(request) },
      {
        label: LABEL,
        policy: {
          algorithms: ['ed25519'],
          requiredComponents: COMPONENTS,
          requiredParameters: ['created', 'keyid', 'tag'],
          now: Math.floor(Date.now() / 1000),
          clockSkew: Number.MAX_SAFE_INTEGER,
          validate: (s) => s.parameters.tag === RESPONSE_TAG,
        },
        resolveVerifier: () => ({
          algorithm: 'ed25519',
          verify: (data, sig) => {
            try {
              return sig.length === 64 && ed25519.verify(sig, data, publicKey, { zip215: false });
            } catch {
              return false;
            }
          },
        }),
      },
    );
  } catch (e) {
    throw fail((e as Error).message);
  }
}
