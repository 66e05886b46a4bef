/**
 * What Rampart requires of a service's signature beyond its cryptographic validity (pure).
 * RFC 9421 §3.2.1 leaves these to the application: which components must be covered, which
 * parameters must be present, how old a signature may be (§7.2.2), and replay (§7.2.2 `nonce`).
 */
import type { UntrustedSignatureCandidate } from 'http-message-sig';
import { refuse } from './errors.ts';

/** Covered by every Rampart service signature unless a route asks for more. */
export const DEFAULT_REQUIRED_COMPONENTS: readonly string[] = ['@method', '@target-uri', 'content-digest'];

export interface SignaturePolicy {
  /** Component identifiers (RFC 9421 §2) the signature must cover, without parameters. */
  requiredComponents: readonly string[];
  /** The longest time after `created` a signature is accepted (the replay window), seconds. */
  maxAgeSeconds: number;
  /** How far `created` may lie ahead of our clock (clock skew), seconds. */
  clockSkewSeconds: number;
}

/** The parameters of a signature that passed the policy, before its cryptographic check. */
export interface AcceptedParameters {
  keyId: string;
  nonce: string;
  /** Unix seconds (RFC 9421 §2.3 `created`). */
  created: number;
  /** Unix seconds after which this signature is refused anyway: its nonce may be forgotten then. */
  acceptUntil: number;
}

/** True when the signature covers `name` as a plain component (no `;key`, `;req`, … parameters). */
export function covers(candidate: Pick<UntrustedSignatureCandidate, 'components'>, name: string): boolean {
  const lc = name.toLowerCase();
  for (const c of candidate.components) if (c.name === lc && hasNoKeys(c.parameters)) return true;
  return false;
}

/** No own enumerable key (what `Object.keys(o).length === 0` says, without making the array). */
function hasNoKeys(o: object): boolean {
  for (const k in o) if (Object.hasOwn(o, k)) return false;
  return true;
}

/** Applies the policy at `now` (Unix seconds); throws a SignatureRefusal or returns the parameters. */
export function checkPolicy(
  candidate: UntrustedSignatureCandidate,
  policy: SignaturePolicy,
  now: number,
): AcceptedParameters {
  const { keyid, created, expires, nonce } = candidate.parameters;
  if (typeof keyid !== 'string' || keyid === '')
    refuse('SIGNATURE_MALFORMED', `signature ${candidate.label} has no keyid parameter`);
  for (const name of policy.requiredComponents) {
    if (!covers(candidate, name))
      refuse('SIGNATURE_COMPONENT_MISSING', `signature ${candidate.label} does not cover ${name}`);
  }
  // §2.3: created and expires are Integers (Unix seconds); the library has checked they are integers.
  if (typeof created !== 'number')
    refuse('SIGNATURE_MALFORMED', `signature ${candidate.label} has no created parameter`);
  if (created - now > policy.clockSkewSeconds)
    refuse('SIGNATURE_FROM_FUTURE', `created ${created} is ${created - now}s ahead of ${now}`);
  if (now - created > policy.maxAgeSeconds)
    refuse('SIGNATURE_EXPIRED', `created ${created} is ${now - created}s old, max ${policy.maxAgeSeconds}s`);
  if (typeof expires === 'number' && now > expires)
    refuse('SIGNATURE_EXPIRED', `expires ${expires} is before ${now}`);
  if (typeof nonce !== 'string' || nonce === '')
    refuse('SIGNATURE_NONCE_MISSING', `signature ${candidate.label} has no nonce parameter`);
  const windowEnd = created + policy.maxAgeSeconds;
  const acceptUntil = typeof expires === 'number' ? Math.min(windowEnd, expires) : windowEnd;
  return { keyId: keyid, nonce, created, acceptUntil };
}
