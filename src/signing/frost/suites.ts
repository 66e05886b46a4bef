/**
 * The three FROST ciphersuites Rampart signs with, mapped to @noble/curves' implementations.
 * The protocol itself (RFC 9591 §4–§5: commit, sign, verify shares, aggregate; Appendix C:
 * trusted dealer and VSS; the frost-rs DKG round API) is noble's; this file only names the suites
 * and exposes the group and scalar field each one works in, for refresh and repair (built here).
 *
 * - `ed25519`      FROST(Ed25519, SHA-512), RFC 9591 §6.1; signatures verify as RFC 8032 Ed25519.
 * - `secp256k1`    FROST(secp256k1, SHA-256), RFC 9591 §6.5.
 * - `secp256k1-tr` the BIP340 / Taproot variant of frost-rs (`frost-secp256k1-tr`), not part of
 *                  RFC 9591: x-only keys, even-Y normalisation, BIP340 challenge; signatures
 *                  verify as BIP340 Schnorr. DKG outputs are Taproot-tweaked with an empty script
 *                  tree (as frost-rs does); trusted-dealer outputs are not.
 */
import { ed25519, ed25519_FROST } from '@noble/curves/ed25519.js';
import { schnorr_FROST, secp256k1, secp256k1_FROST } from '@noble/curves/secp256k1.js';
import { hexToBytes, InvalidInputError } from '../../core/index.ts';

/** Bytes owned by a package (noble's public packages are typed with ArrayBuffer-backed arrays). */
export type Bytes = Uint8Array<ArrayBuffer>;
/** A private copy: packages never alias caller-owned buffers. */
export function ownBytes(b: Uint8Array): Bytes {
  return Uint8Array.from(b);
}

/** noble's FROST API for one ciphersuite (all three share one type). */
export type Frost = typeof ed25519_FROST;
/** A participant identifier: noble's canonical hex serialisation of a non-zero scalar (RFC 9591 §3.1). */
export type Identifier = string;

/**
 * The group operations refresh and repair need, common to noble's Edwards and Weierstrass points.
 * (Method syntax keeps parameters bivariant, so both point classes satisfy it.)
 */
export interface GroupElement {
  add(other: GroupElement): GroupElement;
  subtract(other: GroupElement): GroupElement;
  negate(): GroupElement;
  /** Constant-time scalar multiplication (secret scalars); rejects 0. */
  multiply(scalar: bigint): GroupElement;
  /** Variable-time scalar multiplication, for public scalars only; accepts 0. */
  multiplyUnsafe(scalar: bigint): GroupElement;
  equals(other: GroupElement): boolean;
  is0(): boolean;
  isTorsionFree(): boolean;
  assertValidity(): void;
  toBytes(): Uint8Array;
}

export interface GroupConstructor {
  readonly BASE: GroupElement;
  readonly ZERO: GroupElement;
  fromBytes(bytes: Uint8Array): GroupElement;
}

/** The scalar field operations used here (noble's `IField<bigint>`, narrowed). */
export interface ScalarField {
  readonly ORDER: bigint;
  readonly BYTES: number;
  readonly ZERO: bigint;
  readonly ONE: bigint;
  add(a: bigint, b: bigint): bigint;
  sub(a: bigint, b: bigint): bigint;
  mul(a: bigint, b: bigint): bigint;
  div(a: bigint, b: bigint): bigint;
  eql(a: bigint, b: bigint): boolean;
  is0(a: bigint): boolean;
  isValid(a: bigint): boolean;
  fromBytes(bytes: Uint8Array): bigint;
  toBytes(a: bigint): Uint8Array;
}

export const SUITE_NAMES = ['ed25519', 'secp256k1', 'secp256k1-tr'] as const;
export type SuiteName = (typeof SUITE_NAMES)[number];

export interface FrostSuite {
  readonly name: SuiteName;
  /** The ciphersuite's contextString (RFC 9591 §6; frost-rs's for `secp256k1-tr`). */
  readonly contextString: string;
  readonly frost: Frost;
  /** The prime-order group the suite signs in. */
  readonly Point: GroupConstructor;
  /** Its scalar field (noble's `frost.utils.Fn`). */
  readonly Fn: ScalarField;
}

const SUITES: Readonly<Record<SuiteName, FrostSuite>> = Object.freeze({
  ed25519: Object.freeze({
    name: 'ed25519',
    contextString: 'FROST-ED25519-SHA512-v1',
    frost: ed25519_FROST,
    Point: ed25519.Point,
    Fn: ed25519_FROST.utils.Fn,
  }),
  secp256k1: Object.freeze({
    name: 'secp256k1',
    contextString: 'FROST-secp256k1-SHA256-v1',
    frost: secp256k1_FROST,
    Point: secp256k1.Point,
    Fn: secp256k1_FROST.utils.Fn,
  }),
  'secp256k1-tr': Object.freeze({
    name: 'secp256k1-tr',
    contextString: 'FROST-secp256k1-SHA256-TR-v1',
    frost: schnorr_FROST,
    Point: secp256k1.Point,
    Fn: schnorr_FROST.utils.Fn,
  }),
});

export function isSuiteName(name: string): name is SuiteName {
  return (SUITE_NAMES as readonly string[]).includes(name);
}

/** The suite for a name; `FROST_UNKNOWN_SUITE` otherwise. */
export function getSuite(name: string): FrostSuite {
  if (!isSuiteName(name)) {
    throw new InvalidInputError('FROST_UNKNOWN_SUITE', `unknown FROST suite "${name}"`, {
      suite: name,
      known: [...SUITE_NAMES],
    });
  }
  return SUITES[name];
}

/**
 * RFC 9591 §3.1 DeserializeElement: decode, and reject an element that is not on the curve, is the
 * identity, or (Ed25519) is not in the prime-order subgroup. The same checks noble applies to every
 * public element it reads.
 */
export function parseElement(suite: FrostSuite, bytes: Uint8Array, what = 'element'): GroupElement {
  let p: GroupElement;
  try {
    p = suite.Point.fromBytes(bytes);
    p.assertValidity();
  } catch (cause) {
    throw new InvalidInputError('FROST_INVALID_ELEMENT', `${what} is not a valid ${suite.name} element`, {
      suite: suite.name,
      reason: cause instanceof Error ? cause.message : 'undecodable',
    });
  }
  if (p.is0()) {
    throw new InvalidInputError('FROST_INVALID_ELEMENT', `${what} is the identity element`, {
      suite: suite.name,
    });
  }
  if (!p.isTorsionFree()) {
    throw new InvalidInputError('FROST_INVALID_ELEMENT', `${what} is not in the prime-order subgroup`, {
      suite: suite.name,
    });
  }
  // Canonical encoding only (a Weierstrass point could also be read uncompressed).
  if (p.toBytes().length !== bytes.length) {
    throw new InvalidInputError('FROST_INVALID_ELEMENT', `${what} is not canonically encoded`, {
      suite: suite.name,
    });
  }
  return p;
}

/** RFC 9591 §3.1 DeserializeScalar: exactly Ns bytes, canonical (< the group order). */
export function parseScalar(suite: FrostSuite, bytes: Uint8Array, what = 'scalar'): bigint {
  try {
    return suite.Fn.fromBytes(bytes);
  } catch {
    throw new InvalidInputError('FROST_INVALID_SCALAR', `${what} is not a canonical ${suite.name} scalar`, {
      suite: suite.name,
      length: bytes.length,
    });
  }
}

/** An identifier as its scalar: canonical hex of a non-zero scalar (RFC 9591 §3.1, §5). */
export function identifierScalar(suite: FrostSuite, id: Identifier): bigint {
  const bad = () =>
    new InvalidInputError('FROST_INVALID_IDENTIFIER', `not a canonical ${suite.name} identifier`, {
      identifier: typeof id === 'string' ? id.slice(0, 2 * suite.Fn.BYTES + 2) : typeof id,
    });
  if (typeof id !== 'string' || !/^[0-9a-f]*$/.test(id) || id.length !== 2 * suite.Fn.BYTES) throw bad();
  const n = parseScalar(suite, hexToBytes(id), 'identifier');
  if (suite.Fn.is0(n)) throw bad();
  return n;
}

/**
 * The group public key as standard verifiers take it: Ed25519 (RFC 8032) 32 bytes; secp256k1
 * SEC1 compressed 33 bytes; `secp256k1-tr` BIP340 x-only 32 bytes.
 */
export function verifierPublicKey(suite: FrostSuite, groupCommitment0: Uint8Array): Uint8Array {
  const p = parseElement(suite, groupCommitment0, 'group public key').toBytes();
  return suite.name === 'secp256k1-tr' ? p.slice(1) : p;
}
