/**
 * FROST threshold signing (RFC 9591) for Rampart's signer nodes: the protocol is @noble/curves'
 * (`suites.ts` names our three suites); refresh and repair come next. Pure logic, no I/O.
 */
export type {
  FrostPublic,
  FrostSecret,
  Key,
  NonceCommitments,
  Nonces,
  RNG,
} from '@noble/curves/abstract/frost.js';
export {
  type Frost,
  type FrostSuite,
  type GroupConstructor,
  type GroupElement,
  getSuite,
  type Identifier,
  identifierScalar,
  isSuiteName,
  parseElement,
  parseScalar,
  type ScalarField,
  SUITE_NAMES,
  type SuiteName,
  verifierPublicKey,
} from './suites.ts';
