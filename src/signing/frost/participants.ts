/** Checks on participant sets shared by refresh and repair. */
import { InvalidInputError } from '../../core/index.ts';
import { type FrostSuite, type Identifier, identifierScalar } from './suites.ts';

/**
 * A set of distinct, canonical identifiers, each one a participant of the key (has a verifying
 * share), sorted by scalar value (the order RFC 9591 §4.3 uses for commitment lists).
 */
export function checkParticipants(
  suite: FrostSuite,
  ids: readonly Identifier[],
  known: Readonly<Record<Identifier, unknown>>,
  what: string,
): { ids: Identifier[]; scalars: bigint[] } {
  if (!Array.isArray(ids))
    throw new InvalidInputError('FROST_INVALID_PARTICIPANTS', `${what}: expected a list`);
  const pairs = ids.map((id) => [id, identifierScalar(suite, id)] as const);
  pairs.sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  for (let i = 0; i < pairs.length; i++) {
    const [id, n] = pairs[i]!;
    if (i > 0 && pairs[i - 1]![1] === n) {
      throw new InvalidInputError('FROST_INVALID_PARTICIPANTS', `${what}: duplicate identifier`, {
        identifier: id,
      });
    }
    if (!Object.hasOwn(known, id)) {
      throw new InvalidInputError('FROST_INVALID_PARTICIPANTS', `${what}: not a participant of this key`, {
        identifier: id,
      });
    }
  }
  return { ids: pairs.map((p) => p[0]), scalars: pairs.map((p) => p[1]) };
}

/** The same set of identifiers, in any order. */
export function sameIdentifiers(a: readonly Identifier[], b: readonly Identifier[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return set.size === a.length && b.every((x) => set.has(x));
}
