/**
 * Proactive share refresh: new shares for the same group key, after which old shares are useless
 * together with new ones. Herzberg, Jarecki, Krawczyk, Yung, "Proactive Secret Sharing Or: How to
 * Cope With Perpetual Leakage" (CRYPTO 1995), §3: every participant deals a Feldman-verifiable
 * sharing of zero (a random polynomial of degree t-1 with constant term 0) and each participant
 * adds what it receives to its share. The group secret f(0) is unchanged, every share moves.
 * Message layout follows frost-rs `keys::refresh` (refresh_dkg_part1/part2/shares): the commitment
 * to the zero constant term (the identity) is not sent; receivers put it back, which is what forces
 * a sender's constant term to be zero.
 *
 * Round 1 (broadcast): { identifier, verifyingKey, commitment[1..t-1] }.
 * Round 2 (private, to each other participant, over an encrypted and authenticated channel): f_j(i).
 * Finish: verify each f_j(i) against C_j (RFC 9591 Appendix C.2 vss_verify with C_j[0] = identity),
 * then s_i' = s_i + sum_j f_j(i); the public package gets the summed commitments and new verifying
 * shares. Participants left out of a refresh are dropped from the new public package.
 *
 * Pure logic. The secret package holds polynomial coefficients: keep it in memory or sealed, never
 * in a log; it is wiped (best effort: bigints cannot be overwritten in place) when refresh finishes.
 */
import type { FrostPublic, Key, RNG } from '@noble/curves/abstract/frost.js';
import { equalBytes, InvalidInputError, VerificationError } from '../../core/index.ts';
import { checkParticipants, sameIdentifiers } from './participants.ts';
import { evaluateCommitment, evaluatePolynomial } from './polynomial.ts';
import {
  type Bytes,
  type FrostSuite,
  type GroupElement,
  type Identifier,
  identifierScalar,
  ownBytes,
  parseElement,
  parseScalar,
} from './suites.ts';

/** Broadcast by every participant in round 1. */
export interface RefreshRound1Package {
  identifier: Identifier;
  /** The group public key being refreshed (`commitments[0]`): everyone must refresh the same key. */
  verifyingKey: Uint8Array;
  /** Commitments a_k·G to coefficients k = 1..t-1; a_0 = 0 and its identity commitment is implicit. */
  commitment: Uint8Array[];
}

/** Sent privately by `identifier` to one other participant in round 2: f_identifier(receiver). */
export interface RefreshRound2Package {
  identifier: Identifier;
  signingShare: Uint8Array;
}

/** Local state between rounds. Secret. */
export interface RefreshSecret {
  identifier: Identifier;
  participants: Identifier[];
  threshold: number;
  verifyingKey: Uint8Array;
  /** [0, a_1, …, a_{t-1}]; emptied when refresh finishes. */
  coefficients: bigint[];
  commitment: Uint8Array[];
  /** Round-1 packages of the others, as authenticated in round 2 (finish reads these, not new input). */
  received: RefreshRound1Package[];
  step: 1 | 2 | 3;
}

function packageError(message: string, details?: Record<string, unknown>): InvalidInputError {
  return new InvalidInputError('FROST_INVALID_PACKAGE', message, details);
}

/**
 * Round 1: deal a random sharing of zero. `participants` are the identifiers taking part (this
 * one included, at least the threshold); the random coefficients come from noble's
 * `generateSecretPolynomial`, whose constant term is then replaced by zero.
 */
export function refreshRound1(
  suite: FrostSuite,
  key: Key,
  participants: readonly Identifier[],
  rng?: RNG,
): { public: RefreshRound1Package; secret: RefreshSecret } {
  const { Fn } = suite;
  const signers = key.public.signers;
  const { ids } = checkParticipants(suite, participants, key.public.verifyingShares, 'refresh participants');
  if (!ids.includes(key.secret.identifier)) {
    throw new InvalidInputError('FROST_INVALID_PARTICIPANTS', 'this participant is not in the refresh set');
  }
  if (ids.length < signers.min) {
    throw new InvalidInputError(
      'FROST_INVALID_PARTICIPANTS',
      'fewer refresh participants than the threshold',
      {
        participants: ids.length,
        threshold: signers.min,
      },
    );
  }
  const verifyingKey = parseElement(
    suite,
    key.public.commitments[0] as Uint8Array,
    'group public key',
  ).toBytes();
  const poly = suite.frost.utils.generateSecretPolynomial(signers, undefined, undefined, rng);
  poly.coefficients[0] = Fn.ZERO; // discard the random constant term: this is a sharing of zero
  const coefficients = [Fn.ZERO, ...poly.coefficients.slice(1)];
  poly.coefficients.fill(Fn.ZERO);
  const commitment = poly.commitment.slice(1).map((c) => Uint8Array.from(c));
  const identifier = key.secret.identifier;
  return {
    public: {
      identifier,
      verifyingKey: Uint8Array.from(verifyingKey),
      commitment: commitment.map((c) => c.slice()),
    },
    secret: {
      identifier,
      participants: ids,
      threshold: signers.min,
      verifyingKey,
      coefficients,
      commitment,
      received: [],
      step: 1,
    },
  };
}

/**
 * Round 2: check the others' round-1 packages and compute the share of our zero-sharing for each
 * of them. Returns one package per receiver, keyed by the receiver's identifier.
 */
export function refreshRound2(
  suite: FrostSuite,
  secret: RefreshSecret,
  round1: readonly RefreshRound1Package[],
): Record<Identifier, RefreshRound2Package> {
  if (secret.step !== 1) throw packageError('refresh round 2 already ran for this secret');
  const others = secret.participants.filter((id) => id !== secret.identifier);
  if (
    !Array.isArray(round1) ||
    !sameIdentifiers(
      others,
      round1.map((p) => p?.identifier),
    )
  ) {
    throw packageError('round-1 packages must come from exactly the other refresh participants', {
      expected: others.length,
      got: Array.isArray(round1) ? round1.length : 0,
    });
  }
  const received: RefreshRound1Package[] = [];
  for (const p of round1) {
    if (!(p.verifyingKey instanceof Uint8Array) || !equalBytes(p.verifyingKey, secret.verifyingKey)) {
      throw packageError('round-1 package refreshes a different group key', { from: p.identifier });
    }
    if (!Array.isArray(p.commitment) || p.commitment.length !== secret.threshold - 1) {
      throw packageError('round-1 commitment has the wrong length', { from: p.identifier });
    }
    for (const c of p.commitment) parseElement(suite, c, 'refresh commitment');
    received.push({
      identifier: p.identifier,
      verifyingKey: p.verifyingKey.slice(),
      commitment: p.commitment.map((c: Uint8Array) => c.slice()),
    });
  }
  const out: Record<Identifier, RefreshRound2Package> = {};
  for (const id of others) {
    const x = identifierScalar(suite, id);
    out[id] = {
      identifier: secret.identifier,
      signingShare: suite.Fn.toBytes(evaluatePolynomial(suite.Fn, secret.coefficients, x)),
    };
  }
  secret.received = received;
  secret.step = 2;
  return out;
}

/** C_j with the implicit identity commitment to a_0 = 0 put back in front. */
function zeroSharingCommitment(suite: FrostSuite, commitment: readonly Uint8Array[]): GroupElement[] {
  return [suite.Point.ZERO, ...commitment.map((c) => parseElement(suite, c, 'refresh commitment'))];
}

/**
 * Finish: verify every received share against its sender's commitment, add them to our share,
 * and compute the new public package. Returns the refreshed key; the group key is unchanged.
 */
export function refreshFinish(
  suite: FrostSuite,
  secret: RefreshSecret,
  key: Key,
  round2: readonly RefreshRound2Package[],
): Key {
  const { Fn, Point } = suite;
  if (secret.step !== 2) throw packageError('refresh finish needs the state after round 2');
  if (
    key.secret.identifier !== secret.identifier ||
    !equalBytes(key.public.commitments[0] as Uint8Array, secret.verifyingKey)
  ) {
    throw packageError('refresh state belongs to another key or participant');
  }
  const others = secret.received.map((p) => p.identifier);
  if (
    !Array.isArray(round2) ||
    !sameIdentifiers(
      others,
      round2.map((p) => p?.identifier),
    )
  ) {
    throw packageError('round-2 packages must come from exactly the other refresh participants');
  }
  const self = identifierScalar(suite, secret.identifier);
  const byId = new Map(
    secret.received.map((p) => [p.identifier, zeroSharingCommitment(suite, p.commitment)]),
  );
  const own = zeroSharingCommitment(suite, secret.commitment);

  let delta = evaluatePolynomial(Fn, secret.coefficients, self);
  for (const p of round2) {
    const share = parseScalar(suite, p.signingShare, 'refresh share');
    const expected = evaluateCommitment(Point, Fn, byId.get(p.identifier) as GroupElement[], self);
    const actual = Fn.is0(share) ? Point.ZERO : Point.BASE.multiply(share);
    if (!actual.equals(expected)) {
      throw new VerificationError(
        'FROST_REFRESH_SHARE_INVALID',
        'a refresh share does not match its commitment',
        {
          from: p.identifier,
        },
      );
    }
    delta = Fn.add(delta, share);
  }
  const oldShare = parseScalar(suite, key.secret.signingShare, 'signing share');
  const signingShare = ownBytes(Fn.toBytes(Fn.add(oldShare, delta)));

  const all = [own, ...byId.values()];
  const commitments = key.public.commitments.map((c, k) => {
    let point = parseElement(suite, c, 'public commitment');
    if (k > 0) for (const cj of all) point = point.add(cj[k] as GroupElement);
    return ownBytes(point.toBytes());
  });
  const verifyingShares: Record<Identifier, Bytes> = {};
  for (const id of secret.participants) {
    const x = identifierScalar(suite, id);
    let point = parseElement(suite, key.public.verifyingShares[id] as Uint8Array, 'verifying share');
    for (const cj of all) point = point.add(evaluateCommitment(Point, Fn, cj, x));
    verifyingShares[id] = ownBytes(point.toBytes());
  }
  const pub: FrostPublic = {
    signers: { min: key.public.signers.min, max: key.public.signers.max },
    commitments,
    verifyingShares,
  };
  const refreshed: Key = { public: pub, secret: { identifier: secret.identifier, signingShare } };
  try {
    suite.frost.validateSecret(refreshed.secret, pub); // RFC 9591 Appendix C.2 vss_verify on the result
  } catch (cause) {
    throw new VerificationError(
      'FROST_REFRESH_INCONSISTENT',
      'the refreshed share does not match the refreshed commitments',
      {
        identifier: secret.identifier,
        reason: cause instanceof Error ? cause.message : 'invalid',
      },
    );
  }
  wipeRefreshSecret(secret);
  return refreshed;
}

/** Best-effort erasure of the refresh state (bigints may survive in memory; said so). */
export function wipeRefreshSecret(secret: RefreshSecret): void {
  for (let i = 0; i < secret.coefficients.length; i++) secret.coefficients[i] = 0n;
  secret.coefficients.length = 0;
  secret.received = [];
  secret.step = 3;
}
