/** The two WebAuthn ceremonies in the browser (@simplewebauthn/browser), against the people API. */
import { startAuthentication, startRegistration, WebAuthnError } from '@simplewebauthn/browser';
import { ApiError } from '../api.ts';
import { type Person, postJson, signedIn } from './accessApi.ts';

function ceremonyError(e: unknown): Error {
  if (e instanceof ApiError) return e;
  if (e instanceof WebAuthnError) return new ApiError(e.code, e.message, 0);
  if (e instanceof Error && e.name === 'NotAllowedError')
    return new ApiError('PASSKEY_CANCELLED', 'the passkey prompt was cancelled or timed out', 0);
  return new ApiError('PASSKEY_FAILED', (e as Error).message ?? String(e), 0);
}

export async function signInWithPasskey(): Promise<Person> {
  try {
    const start = await postJson('/api/v1/access/signin/options', {});
    const response = await startAuthentication({ optionsJSON: start['options'] as never });
    return signedIn(
      await postJson('/api/v1/access/signin/verify', { challengeId: start['challengeId'], response }),
    );
  } catch (e) {
    throw ceremonyError(e);
  }
}

export async function enrollWithPasskey(token: string, name: string): Promise<Person> {
  try {
    const start = await postJson('/api/v1/access/enroll/options', { token, name });
    const response = await startRegistration({ optionsJSON: start['options'] as never });
    return signedIn(
      await postJson('/api/v1/access/enroll/verify', { token, challengeId: start['challengeId'], response }),
    );
  } catch (e) {
    throw ceremonyError(e);
  }
}
