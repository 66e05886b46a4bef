/**
 * Step-up: a fresh passkey assertion (user verification required) bound to one exact action, one
 * session, one use, a few minutes. Protected routes call `requireStepUp(req, action)` (or
 * `checkStepUp` to spend it inside their own transaction).
 */
export { isStepUpError, StepUpError, type StepUpErrorCode } from './errors.ts';
export { checkStepUp, hasSession, requireStepUp, type StepUpProofBody, stepUpProofSchema } from './http.ts';
export { type IssuedStepUp, issueStepUp, STEPUP_TTL_MS, type StepUpSession } from './issue.ts';
export { reverifyEvidence, reverifyStepUp } from './reverify.ts';
export { stepUpRoutes } from './routes.ts';
export {
  actionChallenge,
  actionChallengeBytes,
  checkAction,
  replayKey,
  type StepUpAction,
} from './statement.ts';
export {
  consumeStepUp,
  type StepUpEvidence,
  type StepUpProof,
  type VerifiedStepUp,
  verifyAndUseStepUp,
  verifyStepUp,
} from './verify.ts';
