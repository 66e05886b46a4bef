/** People: passkeys (WebAuthn), enrollment, sign-in, sessions, CSRF, and their HTTP API. */
export { finishSignIn, type SignedIn, startSignIn } from './authentication.ts';
export { CHALLENGE_TTL_MS } from './challenges.ts';
export type { AccessContext } from './context.ts';
export { cookieName, readSessionCookie } from './cookies.ts';
export {
  ENROLLMENT_TTL_MS,
  type Enrolled,
  finishEnrollment,
  firstAdminEnrollmentIfNeeded,
  type IssuedEnrollment,
  issueFirstAdminEnrollment,
  issueInvitation,
  startEnrollment,
} from './enrollment.ts';
export { AccessError, type AccessErrorCode, isAccessError } from './errors.ts';
export { csrfPreHandler, sessionPrincipals, type UserPrincipal } from './http-auth.ts';
export {
  type AttemptKeys,
  assertNotLocked,
  clearAuthFailures,
  DEFAULT_LOCKOUT,
  LockedOutError,
  type LockoutPolicy,
  limitStarts,
  RateLimitedError,
  recordAuthFailure,
} from './lockout.ts';
export {
  finishAddPasskey,
  listPasskeys,
  type PasskeyView,
  revokePasskey,
  startAddPasskey,
} from './passkeys.ts';
export { countPeople, listPeople, type PersonView, rolesOf } from './people.ts';
export { baseUrlFor, enrollmentLink, type RelyingParty, relyingPartyFor } from './relying-party.ts';
export { peopleRoutes } from './routes.ts';
export {
  type ResolvedSession,
  resolveSession,
  SESSION_ABSOLUTE_MS,
  SESSION_IDLE_MS,
  signOut,
} from './sessions.ts';
