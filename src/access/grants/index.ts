/** Grants of roles to principals: four eyes for privileged roles, expiry, and the access review. */
export {
  activeRolesOf,
  approveGrant,
  effectiveGrants,
  expireGrants,
  type Grant,
  getGrant,
  insertGrant,
  listGrants,
  requestGrant,
  revokeGrant,
} from './grants.ts';
export { checkPrincipalSyntax, knownPrincipal, type PrincipalInfo } from './principals.ts';
export {
  type AccessReview,
  accessReview,
  type BreakGlassAlert,
  type ReviewedGrant,
  type ReviewFlag,
  reviewFlags,
} from './review.ts';
