/**
 * FROST threshold signing (RFC 9591) for Rampart's signer nodes: the protocol is @noble/curves'
 * (`suites.ts` names our three suites); proactive refresh and share repair, which noble lacks,
 * are built here on its building blocks. Pure logic, no I/O.
 */
export type {
  FrostPublic,
  FrostSecret,
  Key,
  NonceCommitments,
  Nonces,
  RNG,
} from '@noble/curves/abstract/frost.js';
export { evaluateCommitment, evaluatePolynomial, lagrangeCoefficient } from './polynomial.ts';
export {
  type RefreshRound1Package,
  type RefreshRound2Package,
  type RefreshSecret,
  refreshFinish,
  refreshRound1,
  refreshRound2,
  wipeRefreshSecret,
} from './refresh.ts';
export { repairStep1, repairStep2, repairStep3 } from './repair.ts';
export {
  type Bytes,
  type Frost,
  type FrostSuite,
  type GroupConstructor,
  type GroupElement,
  getSuite,
  type Identifier,
  identifierScalar,
  isSuiteName,
  ownBytes,
  parseElement,
  parseScalar,
  type ScalarField,
  SUITE_NAMES,
  type SuiteName,
  verifierPublicKey,
} from './suites.ts';
