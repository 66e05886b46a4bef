/**
 * Step-up in the browser: ask the server for options bound to one exact action, answer them with
 * a passkey (user verification), and hand back the proof the protected request carries as
 * `stepUp`. The server rebuilds the action from the request it executes, so the proof is worth
 * nothing for any other action.
 */
import { startAuthentication, WebAuthnError } from '@simplewebauthn/browser';
import { ApiError, isRecord } from '../api.ts';
import { postJson } from './accessApi.ts';

export interface StepUpProof {
  challengeId: string;
  response: unknown;
}

export async function stepUpFor(action: { action: string } & Record<string, unknown>): Promise<StepUpProof> {
  const start = await postJson('/api/v1/access/stepup/options', { action });
  if (typeof start['challengeId'] !== 'string' || !isRecord(start['options']))
    throw new ApiError('BAD_RESPONSE', 'the step-up answer has no challenge id or options', 200);
  try {
    const response = await startAuthentication({ optionsJSON: start['options'] as never });
    return { challengeId: start['challengeId'], response };
  } catch (e) {
    if (e instanceof WebAuthnError) throw new ApiError(e.code, e.message, 0);
    if (e instanceof Error && e.name === 'NotAllowedError')
      throw new ApiError('PASSKEY_CANCELLED', 'the passkey prompt was cancelled or timed out', 0);
    throw new ApiError('PASSKEY_FAILED', (e as Error).message ?? String(e), 0);
  }
}
