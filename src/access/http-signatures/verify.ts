/**
 * Verifying a signed service request (RFC 9421 §3.2), then what RFC 9421 leaves to us: the
 * covered components and replay window (policy.ts), the body's digest (RFC 9530) and the nonce.
 *
 * The order of refusals: structure and policy first (components, window, nonce present), then the
 * key (unknown or revoked), then the Ed25519 check; only a request whose signature verifies reaches
 * the digest check and the nonce store (so forged requests can neither burn nonces nor fill the
 * store). On Node the work is not done in that order: the key is looked up first, by the `keyid` a
 * plain search finds, so that the worker can read the request and check its signature in one
 * step (verifyOnWorker). An expired request naming an unregistered key therefore costs a database
 * read (misses are not cached, so unknown key ids cannot fill the cache; the lock-out on repeated
 * refusals bounds them), and it is still refused as expired.
 */

import { base64 } from '@scure/base';
import {
  type FieldOccurrence,
  isSignatureError,
  type SignatureError,
  type UntrustedSignatureCandidate,
  type Verifier,
  verifySignature,
} from 'http-message-sig';
import { isRampartError } from '../../core/index.ts';
import { canonicalSignature } from './canonical.ts';
import { checkContentDigest } from './content-digest.ts';
import { ED25519, ed25519Verifier, requestCheckPool, usableEd25519Key } from './ed25519.ts';
import { refuse, SignatureRefusal } from './errors.ts';
import { fieldValue, type HttpRequest, headerFields, toDescriptor } from './message.ts';
import type { NonceStore } from './nonce-store.ts';
import {
  type AcceptedParameters,
  checkPolicy,
  covers,
  DEFAULT_REQUIRED_COMPONENTS,
  type SignaturePolicy,
} from './policy.ts';
import type { Ed25519VerifyPool, RequestToCheck } from './verify-pool.ts';

/** A registered service key. */
export interface ServiceKey {
  /** Raw 32-byte Ed25519 public key. */
  publicKey: Uint8Array;
  serviceId: string;
  /**
   * `ed25519Verifier(publicKey)`, made once by a caller that looks the same key up on every request
   * (preparing it costs a hex encoding and a map lookup each time). It must be for `publicKey`.
   * Used where the request is checked on the event loop: outside Node, or for a request the worker
   * does not read; the worker checks with `publicKey` itself.
   */
  verifier?: Verifier;
  /** What prepareServiceKey derived from `publicKey` once, so that no request derives it again. */
  prepared?: PreparedKey;
}

interface PreparedKey {
  /** Strict RFC 8032 accepts the key (usableEd25519Key). */
  usable: boolean;
  /** The key's base64, as the verification worker is told it. */
  base64: string;
}

/**
 * A service key for a caller that hands the same key over on every request: the key copied (so
 * that nothing the caller does to its own array changes it) and what each request would otherwise
 * derive from it made now: its verifier, whether strict RFC 8032 accepts it, its base64.
 */
export function prepareServiceKey(publicKey: Uint8Array, serviceId: string): ServiceKey {
  const own = publicKey.slice();
  return {
    publicKey: own,
    serviceId,
    verifier: ed25519Verifier(own),
    prepared: { usable: usableEd25519Key(own), base64: base64.encode(own) },
  };
}

const usable = (key: ServiceKey) => key.prepared?.usable ?? usableEd25519Key(key.publicKey);

export interface VerifyRequestOptions {
  /** The key registered under a `keyid`, or undefined when there is none (or it is revoked). */
  lookupKey(keyId: string): ServiceKey | undefined | Promise<ServiceKey | undefined>;
  now: Date;
  /** The replay window after `created`, seconds; 300 by default. */
  maxAgeSeconds?: number;
  /** Allowed clock skew for `created` ahead of `now`, seconds; 5 by default. */
  clockSkewSeconds?: number;
  /** Components the signature must cover; `@method`, `@target-uri`, `content-digest` by default. */
  requiredComponents?: readonly string[];
  nonceStore: NonceStore;
  /** Which signature to check when a request carries several (RFC 9421 §4); else exactly one. */
  label?: string;
}

export interface VerifiedService {
  serviceId: string;
  keyId: string;
  label: string;
  /** RFC 9421 §2.3 `created`. */
  created: Date;
  nonce: string;
  /** The covered component identifiers, in signature order. */
  components: string[];
}

/**
 * Library checks we replace with our own (distinct refusal codes for expired / from the future);
 * a skew this large makes the library's own `created` / `expires` comparisons always pass.
 */
const LIBRARY_TIME_CHECKS_OFF = Number.MAX_SAFE_INTEGER;

/** Verifies a signed service request: the service it comes from, or a SignatureRefusal. */
export async function verifyRequest(
  request: HttpRequest,
  options: VerifyRequestOptions,
): Promise<VerifiedService> {
  const now = Math.floor(options.now.getTime() / 1000);
  const policy: SignaturePolicy = {
    requiredComponents: options.requiredComponents ?? DEFAULT_REQUIRED_COMPONENTS,
    maxAgeSeconds: options.maxAgeSeconds ?? 300,
    clockSkewSeconds: options.clockSkewSeconds ?? 5,
  };
  // On Node, the common case is read and checked on a verification worker; what it cannot read
  // comes back here, to canonical.ts and the library.
  const pool = requestCheckPool();
  const onWorker =
    pool !== undefined && !(typeof Headers !== 'undefined' && request.headers instanceof Headers);
  if (onWorker) {
    const verified = await verifyOnWorker(pool, request, options, policy, now);
    if (verified) return verified;
  }

  // The common case first (canonical.ts: on the worker, or here when there is none); the library
  // reads everything else, and every refusal of a malformed signature comes from it.
  const canonical = onWorker ? undefined : canonicalSignature(request, options.label);
  let fields: readonly FieldOccurrence[] = [];
  let signature: string | undefined;
  let signatureInput: string | undefined;
  if (!canonical) {
    fields = headerFields(request.headers);
    signature = fieldValue(fields, 'signature');
    signatureInput = fieldValue(fields, 'signature-input');
    if (signature === undefined && signatureInput === undefined)
      refuse('SIGNATURE_MISSING', 'no Signature or Signature-Input field');
    if (signature === undefined || signatureInput === undefined)
      refuse('SIGNATURE_MALFORMED', 'Signature and Signature-Input must come together (RFC 9421 §4)');
  }

  let accepted: (AcceptedParameters & ServiceKey) | undefined;
  // §3.2 steps 1-5 (parse, build the base, policy), then the key and the cryptographic check.
  const resolve = async (candidate: UntrustedSignatureCandidate) => {
    const params = checkPolicy(candidate, policy, now);
    const key = await options.lookupKey(params.keyId);
    if (key === undefined) refuse('SIGNATURE_UNKNOWN_KEY', `no key registered as ${params.keyId}`);
    accepted = { ...params, ...key };
    return key.verifier ?? ed25519Verifier(key.publicKey);
  };
  let verified: Pick<UntrustedSignatureCandidate, 'label' | 'components'>;
  if (canonical) {
    const verifier = await resolve(canonical.candidate);
    if (!(await verifier.verify(canonical.base, canonical.signature)))
      refuse('SIGNATURE_INVALID', 'Signature verification failed');
    verified = canonical.candidate;
  } else {
    try {
      verified = await verifySignature(toDescriptor(request), {
        ...(options.label === undefined ? {} : { label: options.label }),
        policy: {
          algorithms: [ED25519],
          requiredComponents: [],
          requiredParameters: [],
          now,
          clockSkew: LIBRARY_TIME_CHECKS_OFF,
        },
        resolveVerifier: resolve,
      });
    } catch (e) {
      throw asRefusal(e);
    }
  }
  if (accepted === undefined) refuse('SIGNATURE_INVALID', 'no key was resolved');
  const digestField = canonical ? canonical.field('content-digest') : fieldValue(fields, 'content-digest');
  return afterSignature(request, options, accepted, verified, digestField);
}

/**
 * The `keyid` of a Signature-Input field as a plain search finds it, so that the key can be looked
 * up while the worker reads the request. Only a guess: the parsed `keyid` decides, and the key is
 * looked up again when they differ.
 */
function keyIdGuess(signatureInput: unknown): string | undefined {
  if (typeof signatureInput !== 'string') return undefined;
  const at = signatureInput.indexOf(';keyid="');
  const end = at < 0 ? -1 : signatureInput.indexOf('"', at + 8);
  return end < 0 ? undefined : signatureInput.slice(at + 8, end);
}

/**
 * §3.2 with the parsing, the signature base and the Ed25519 check on a worker (verify-pool.ts),
 * then the same steps in the same order as below: policy, key, verdict. Undefined when the request
 * is not in canonical form (the caller reads it here).
 */
async function verifyOnWorker(
  pool: Ed25519VerifyPool,
  request: HttpRequest,
  options: VerifyRequestOptions,
  policy: SignaturePolicy,
  now: number,
): Promise<VerifiedService | undefined> {
  const headers = request.headers as Record<string, string | readonly string[] | undefined>;
  const guess = keyIdGuess(headers['signature-input']);
  let key = guess === undefined ? undefined : options.lookupKey(guess);
  if (key instanceof Promise) key = await key;
  const toCheck: RequestToCheck = { method: request.method, url: request.url, headers };
  if (request.requestTarget !== undefined) toCheck.requestTarget = request.requestTarget;
  if (options.label !== undefined) toCheck.label = options.label;
  if (key && usable(key)) {
    toCheck.publicKey = key.publicKey;
    if (key.prepared) toCheck.publicKeyBase64 = key.prepared.base64;
  }
  let checked = await pool.checkRequest(toCheck);
  if (checked === undefined) return undefined;
  const candidate: UntrustedSignatureCandidate = {
    label: checked.label,
    algorithm: checked.algorithm,
    components: checked.components.map((name) => ({ name, parameters: NO_PARAMETERS })),
    parameters: checked.parameters,
    signature: NO_BYTES,
  };
  const params = checkPolicy(candidate, policy, now);
  if (params.keyId !== guess) {
    key = options.lookupKey(params.keyId);
    if (key instanceof Promise) key = await key;
  }
  if (key === undefined) refuse('SIGNATURE_UNKNOWN_KEY', `no key registered as ${params.keyId}`);
  if (!usable(key)) refuse('SIGNATURE_INVALID', 'Signature verification failed');
  // Checked with another key (or none): check again with this one.
  if (toCheck.publicKey !== key.publicKey) {
    const again: RequestToCheck = { ...toCheck, publicKey: key.publicKey };
    if (key.prepared) again.publicKeyBase64 = key.prepared.base64;
    else delete again.publicKeyBase64;
    checked = await pool.checkRequest(again);
  }
  if (checked?.valid !== true) refuse('SIGNATURE_INVALID', 'Signature verification failed');
  return afterSignature(
    request,
    options,
    {
      keyId: params.keyId,
      nonce: params.nonce,
      created: params.created,
      acceptUntil: params.acceptUntil,
      publicKey: key.publicKey,
      serviceId: key.serviceId,
    },
    candidate,
    checked.contentDigest,
  );
}

const NO_BYTES = new Uint8Array(0);
/** Canonical components carry no parameters (canonical.ts); one frozen empty set serves them all. */
const NO_PARAMETERS = Object.freeze({});

/** After a good signature: the body's digest (RFC 9530), the nonce, and what was verified. */
function afterSignature(
  request: HttpRequest,
  options: VerifyRequestOptions,
  accepted: AcceptedParameters & ServiceKey,
  verified: Pick<UntrustedSignatureCandidate, 'label' | 'components'>,
  digestField: string | undefined,
): VerifiedService | Promise<VerifiedService> {
  // RFC 9530: the content is bound to the signature only through a covered Content-Digest.
  const body = request.body;
  const hasContent = body !== undefined && body.length > 0;
  if (covers(verified, 'content-digest')) {
    const check = checkContentDigest(digestField ?? '', body);
    if (!check.ok)
      refuse(
        check.problem === 'no-supported-algorithm' ? 'CONTENT_DIGEST_MISSING' : 'CONTENT_DIGEST_MISMATCH',
        check.reason,
      );
  } else if (hasContent) {
    refuse(
      'CONTENT_DIGEST_MISSING',
      'the request has content but the signature does not cover content-digest',
    );
  }

  const minimumEnd = options.nonceStore.minimumWindowEnd;
  if (minimumEnd !== undefined && accepted.acceptUntil * 1000 <= minimumEnd.getTime())
    refuse(
      'SIGNATURE_EXPIRED',
      `its replay window ends by ${minimumEnd.toISOString()}, which the nonce store may have forgotten; sign again`,
    );
  const fresh = options.nonceStore.checkAndRemember(
    accepted.keyId,
    accepted.nonce,
    new Date(accepted.acceptUntil * 1000),
  );
  return typeof fresh === 'boolean'
    ? verifiedService(fresh, accepted, verified)
    : fresh.then((f) => verifiedService(f, accepted, verified));
}

/** What was verified, once the nonce store has answered (a closure here would be made per request). */
function verifiedService(
  fresh: boolean,
  accepted: AcceptedParameters & ServiceKey,
  verified: Pick<UntrustedSignatureCandidate, 'label' | 'components'>,
): VerifiedService {
  if (!fresh) refuse('SIGNATURE_REPLAYED', `nonce already used with key ${accepted.keyId}`);
  return {
    serviceId: accepted.serviceId,
    keyId: accepted.keyId,
    label: verified.label,
    created: new Date(accepted.created * 1000),
    nonce: accepted.nonce,
    components: verified.components.map((c) => c.name),
  };
}

/** Maps the library's errors onto our refusal codes; our own refusals pass through unchanged. */
function asRefusal(e: unknown): unknown {
  if (e instanceof SignatureRefusal) return e;
  if (!isSignatureError(e)) return e;
  const err: SignatureError = e;
  switch (err.code) {
    case 'ResolverFailed':
      // Our refusal from the resolver, or a failing key lookup (rethrown: fail closed, as a 5xx).
      return isRampartError(err.cause) || err.cause instanceof Error ? err.cause : e;
    case 'VerificationFailed':
    case 'AlgorithmMismatch':
      return new SignatureRefusal('SIGNATURE_INVALID', err.message, { cause: err });
    case 'MissingField':
      // A covered field absent from the request: the signature base cannot be rebuilt (§3.2 step 4).
      return new SignatureRefusal('SIGNATURE_INVALID', err.message, { cause: err });
    case 'PolicyViolation':
      // Only the `alg` check can fail with our policy: a claimed algorithm we do not accept.
      return new SignatureRefusal('SIGNATURE_INVALID', err.message, { cause: err });
    default:
      return new SignatureRefusal('SIGNATURE_MALFORMED', err.message, { cause: err });
  }
}
