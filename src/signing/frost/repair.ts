/**
 * Share repair: a participant who lost its share gets it back from t (or more) helpers, none of
 * whom reveals its own share. The repairable threshold scheme (RTS) of Laing & Stinson, "A Survey
 * and Refinement of Repairable Threshold Schemes" (J. Math. Cryptol. 2018; ePrint 2017/1155), §4,
 * with the three steps and message layout of frost-rs `keys::repairable`:
 *
 * Step 1, each helper i (in the helper set H, |H| >= t, the lost participant r not in H):
 *   zeta_i = Lagrange coefficient of x_i over H evaluated at x_r, so f(x_r) = sum_i zeta_i s_i;
 *   split zeta_i·s_i into |H| random addends delta_{i,j} (j in H) and send delta_{i,j} to helper j.
 * Step 2, each helper j: sigma_j = sum_i delta_{i,j}; send sigma_j to r.
 * Step 3, r: s_r = sum_j sigma_j, checked against r's verifying share in the public package.
 *
 * A helper sees only uniformly random deltas from the others; r sees only the sigmas, which are
 * random subject to summing to its own share. Deltas and sigmas are secret: send them over
 * encrypted, authenticated channels. Pure logic; nothing here is persisted.
 */
import type { FrostPublic, Key, RNG } from '@noble/curves/abstract/frost.js';
import { InvalidInputError, VerificationError } from '../../core/index.ts';
import { checkParticipants } from './participants.ts';
import { lagrangeCoefficient } from './polynomial.ts';
import {
  type Bytes,
  type FrostSuite,
  type Identifier,
  identifierScalar,
  ownBytes,
  parseElement,
  parseScalar,
} from './suites.ts';

/**
 * Step 1 (helper): the deltas this helper sends, keyed by the receiving helper's identifier (its
 * own delta included: it keeps that one). `helpers` must be the same set for every helper.
 */
export function repairStep1(
  suite: FrostSuite,
  key: Key,
  helpers: readonly Identifier[],
  lost: Identifier,
  rng?: RNG,
): Record<Identifier, Bytes> {
  const { Fn } = suite;
  const { ids, scalars } = checkParticipants(suite, helpers, key.public.verifyingShares, 'repair helpers');
  if (ids.length < key.public.signers.min) {
    throw new InvalidInputError('FROST_INVALID_PARTICIPANTS', 'fewer repair helpers than the threshold', {
      helpers: ids.length,
      threshold: key.public.signers.min,
    });
  }
  const self = key.secret.identifier;
  if (!ids.includes(self)) {
    throw new InvalidInputError('FROST_INVALID_PARTICIPANTS', 'this participant is not among the helpers');
  }
  const r = identifierScalar(suite, lost);
  if (!Object.hasOwn(key.public.verifyingShares, lost) || ids.includes(lost)) {
    throw new InvalidInputError(
      'FROST_INVALID_PARTICIPANTS',
      'the share to repair must belong to a participant of this key who is not a helper',
      { lost },
    );
  }
  const zeta = lagrangeCoefficient(Fn, scalars, identifierScalar(suite, self), r);
  const share = parseScalar(suite, key.secret.signingShare, 'signing share');
  // |H|-1 random deltas (noble's non-zero random scalars) for the first helpers in identifier
  // order, and the last one chosen so that they sum to zeta_i·s_i (frost-rs compute_last_random_value).
  const out: Record<Identifier, Bytes> = {};
  let rest = Fn.mul(zeta, share);
  for (const id of ids.slice(0, -1)) {
    const delta = suite.frost.utils.randomScalar(rng);
    rest = Fn.sub(rest, Fn.fromBytes(delta));
    out[id] = ownBytes(delta);
    delta.fill(0);
  }
  out[ids[ids.length - 1] as Identifier] = ownBytes(Fn.toBytes(rest));
  return out;
}

/** Step 2 (helper): sigma_j, the sum of the deltas helper j received (its own included). */
export function repairStep2(suite: FrostSuite, deltas: readonly Uint8Array[]): Bytes {
  if (!Array.isArray(deltas) || deltas.length === 0) {
    throw new InvalidInputError('FROST_INVALID_PACKAGE', 'repair step 2 needs the deltas of every helper');
  }
  let sigma = suite.Fn.ZERO;
  for (const d of deltas) sigma = suite.Fn.add(sigma, parseScalar(suite, d, 'repair delta'));
  return ownBytes(suite.Fn.toBytes(sigma));
}

/**
 * Step 3 (the participant being repaired): its share, the sum of the sigmas, accepted only if it
 * matches its verifying share in the group's public package (`FROST_REPAIR_MISMATCH` otherwise:
 * a helper sent a wrong value, or the helpers disagreed on the helper set).
 */
export function repairStep3(
  suite: FrostSuite,
  sigmas: readonly Uint8Array[],
  identifier: Identifier,
  pub: FrostPublic,
): Key {
  const { Fn, Point } = suite;
  if (!Array.isArray(sigmas) || sigmas.length === 0) {
    throw new InvalidInputError('FROST_INVALID_PACKAGE', 'repair step 3 needs the sigma of every helper');
  }
  identifierScalar(suite, identifier);
  const expected = pub.verifyingShares[identifier];
  if (!Object.hasOwn(pub.verifyingShares, identifier) || !expected) {
    throw new InvalidInputError('FROST_INVALID_PARTICIPANTS', 'no verifying share for this identifier', {
      identifier,
    });
  }
  let share = Fn.ZERO;
  for (const s of sigmas) share = Fn.add(share, parseScalar(suite, s, 'repair sigma'));
  const ok =
    !Fn.is0(share) && Point.BASE.multiply(share).equals(parseElement(suite, expected, 'verifying share'));
  if (!ok) {
    throw new VerificationError(
      'FROST_REPAIR_MISMATCH',
      'the repaired share does not match its verifying share',
      {
        identifier,
        sigmas: sigmas.length,
      },
    );
  }
  return { public: pub, secret: { identifier, signingShare: ownBytes(Fn.toBytes(share)) } };
}
