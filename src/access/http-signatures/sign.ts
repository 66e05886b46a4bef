/**
 * Signing a service request (RFC 9421 §3.1). Signing and verifying live apart: this file never
 * decides whether a request is acceptable, only produces the fields a verifier will check.
 */
import { base64urlnopad } from '@scure/base';
import { createSignatureSync, type SignatureParameters } from 'http-message-sig';
import { InvalidInputError } from '../../core/index.ts';
import { contentDigest, type DigestAlgorithm } from './content-digest.ts';
import { ED25519, ed25519Signer } from './ed25519.ts';
import { type HttpRequest, toDescriptor } from './message.ts';
import { DEFAULT_REQUIRED_COMPONENTS } from './policy.ts';

/** Header fields to add to the request; names lower-case. */
export interface SignatureHeaders {
  'signature-input': string;
  signature: string;
  /** Present when the signature covers `content-digest` (RFC 9530 §2). */
  'content-digest'?: string;
}

export interface SignMessageOptions {
  /** The signature's label in the Signature and Signature-Input dictionaries (RFC 9421 §4). */
  label: string;
  /** Component identifiers in the order they enter the signature base (RFC 9421 §2.5). */
  components: readonly string[];
  /** Signature parameters (RFC 9421 §2.3), in the order they are serialised. */
  parameters: SignatureParameters;
  /** Raw 32-byte Ed25519 private key. */
  privateKey: Uint8Array;
}

/**
 * The low-level signer: signs exactly the given components and parameters, nothing added.
 * Used by signRequest and by the RFC 9421 Appendix B test vectors.
 */
export function signMessage(request: HttpRequest, opts: SignMessageOptions): SignatureHeaders {
  const fields = createSignatureSync(toDescriptor(request), {
    label: opts.label,
    components: opts.components,
    parameters: opts.parameters,
    signer: ed25519Signer(opts.privateKey),
  });
  return { 'signature-input': fields.signatureInput, signature: fields.signature };
}

export interface SignRequestOptions {
  keyId: string;
  /** Raw 32-byte Ed25519 private key. */
  privateKey: Uint8Array;
  /** The signature's creation time (RFC 9421 §2.3 `created`, whole seconds). */
  created: Date;
  /** A value never used before with this key (§2.3 `nonce`); a fresh random one by default. */
  nonce?: string;
  /** Optional `expires` (§2.3). */
  expires?: Date;
  /** Optional application tag (§2.3 `tag`). */
  tag?: string;
  /** Covered components; by default `@method`, `@target-uri`, `content-digest`. */
  components?: readonly string[];
  /** Signature label; `sig1` by default. */
  label?: string;
  /** Digest algorithms for Content-Digest; `sha-256` by default. */
  digestAlgorithms?: readonly DigestAlgorithm[];
}

/** 128 random bits, base64url: a nonce for `signRequest`. */
export function newNonce(): string {
  return base64urlnopad.encode(crypto.getRandomValues(new Uint8Array(16)));
}

function unixSeconds(d: Date, what: string): number {
  const t = d.getTime();
  if (!Number.isFinite(t))
    throw new InvalidInputError('SIGNATURE_PARAMETER_INVALID', `${what} is not a date`);
  return Math.floor(t / 1000);
}

/**
 * Signs a service request with Ed25519: the headers to add. When `content-digest` is covered, its
 * value is computed here from the body (an absent body is empty content, RFC 9530 §2) and
 * returned with the signature, so the digest the signature covers is always the body's.
 */
export function signRequest(request: HttpRequest, opts: SignRequestOptions): SignatureHeaders {
  const components = (opts.components ?? DEFAULT_REQUIRED_COMPONENTS).map((c) => c.toLowerCase());
  const parameters: Record<string, string | number> = { created: unixSeconds(opts.created, 'created') };
  if (opts.expires !== undefined) parameters['expires'] = unixSeconds(opts.expires, 'expires');
  parameters['nonce'] = opts.nonce ?? newNonce();
  parameters['keyid'] = opts.keyId;
  parameters['alg'] = ED25519;
  if (opts.tag !== undefined) parameters['tag'] = opts.tag;

  const headers = withoutSignatureFields(request.headers);
  let digest: string | undefined;
  if (components.includes('content-digest')) {
    digest = contentDigest(request.body, opts.digestAlgorithms ?? ['sha-256']);
    headers['content-digest'] = digest;
  }
  const signed = signMessage(
    { ...request, headers },
    { label: opts.label ?? 'sig1', components, parameters, privateKey: opts.privateKey },
  );
  return digest === undefined ? signed : { ...signed, 'content-digest': digest };
}

/** The request's headers as a plain map, without fields this signer replaces. */
function withoutSignatureFields(input: HttpRequest['headers']): Record<string, string | readonly string[]> {
  const out: Record<string, string | readonly string[]> = {};
  const replaced = new Set(['content-digest', 'signature', 'signature-input']);
  const entries: [string, string | readonly string[] | undefined][] =
    typeof Headers !== 'undefined' && input instanceof Headers
      ? [...input.entries()]
      : Object.entries(input as Record<string, string | readonly string[] | undefined>);
  for (const [name, value] of entries) {
    const lc = name.toLowerCase();
    if (value !== undefined && !replaced.has(lc)) out[lc] = value;
  }
  return out;
}
