/**
 * The WebAuthn registration ceremony, shared by enrollment and by a signed-in person adding a
 * passkey: user verification required, a discoverable credential (resident key) required,
 * attestation "none" (Rampart trusts the person's enrollment link, not an authenticator vendor).
 */
import {
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type RegistrationResponseJSON,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import type { Transaction } from 'kysely';
import type { Database } from '../../store/index.ts';
import { answeredChallenge } from './challenges.ts';
import type { AccessContext } from './context.ts';
import { AccessError } from './errors.ts';
import { accessDb } from './tables.ts';

/** Ed25519, ES256, RS256 (COSE). */
const ALGORITHMS = [-8, -7, -257];
const TIMEOUT_MS = 5 * 60_000;

export interface NewPasskey {
  id: string;
  publicKey: Uint8Array;
  counter: number;
  transports: string[];
  aaguid: string;
  backedUp: boolean;
}

export function registrationOptions(
  ctx: AccessContext,
  user: { handle: string; name: string; exclude: string[] },
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const rp = ctx.relyingParty();
  return generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: user.name,
    userDisplayName: user.name,
    userID: new Uint8Array(Buffer.from(user.handle, 'base64url')),
    timeout: TIMEOUT_MS,
    attestationType: 'none',
    excludeCredentials: user.exclude.map((id) => ({ id })),
    authenticatorSelection: {
      residentKey: 'required',
      requireResidentKey: true,
      userVerification: 'required',
    },
    extensions: { credProps: true },
    supportedAlgorithmIDs: ALGORITHMS,
  });
}

/** Verify a registration response against the stored challenge; throws an AccessError. */
export async function verifyRegistration(
  ctx: AccessContext,
  response: RegistrationResponseJSON,
  expectedChallenge: string,
): Promise<NewPasskey> {
  if (answeredChallenge(response.response.clientDataJSON) !== expectedChallenge)
    throw new AccessError('CHALLENGE_MISMATCH', 'the response answers another challenge');
  const rp = ctx.relyingParty();
  let v: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    v = await verifyRegistrationResponse({
      response,
      expectedChallenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: true,
      supportedAlgorithmIDs: ALGORITHMS,
    });
  } catch (e) {
    throw new AccessError('ATTESTATION_INVALID', 'the passkey registration does not verify', { cause: e });
  }
  if (!v.verified) throw new AccessError('ATTESTATION_INVALID', 'the passkey registration does not verify');
  // A client that reports the credential as not discoverable is refused (it could not sign in).
  const credProps = (response.clientExtensionResults as { credProps?: { rk?: boolean } }).credProps;
  if (credProps?.rk === false)
    throw new AccessError('ATTESTATION_INVALID', 'the passkey must be a discoverable credential');
  const { credential, aaguid, credentialBackedUp } = v.registrationInfo;
  return {
    id: credential.id,
    publicKey: credential.publicKey,
    counter: credential.counter,
    transports: credential.transports ?? response.response.transports ?? [],
    aaguid,
    backedUp: credentialBackedUp,
  };
}

export async function insertPasskey(
  trx: Transaction<Database>,
  personId: string,
  pk: NewPasskey,
  label: string,
  now: string,
): Promise<void> {
  const db = accessDb(trx);
  const existing = await db.selectFrom('passkeys').select('id').where('id', '=', pk.id).executeTakeFirst();
  if (existing) throw new AccessError('CREDENTIAL_EXISTS', 'this passkey is already registered');
  await db
    .insertInto('passkeys')
    .values({
      id: pk.id,
      person_id: personId,
      public_key: pk.publicKey,
      counter: pk.counter,
      transports: JSON.stringify(pk.transports),
      label,
      aaguid: pk.aaguid,
      backed_up: pk.backedUp ? 1 : 0,
      created_at: now,
      last_used_at: null,
      revoked_at: null,
    })
    .execute();
}

/** What the ledger records about a new passkey (public data only). */
export function passkeyPayload(pk: NewPasskey, label: string): Record<string, unknown> {
  return { credentialId: pk.id, label, aaguid: pk.aaguid, transports: pk.transports, backedUp: pk.backedUp };
}
