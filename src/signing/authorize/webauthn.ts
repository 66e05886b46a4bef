/**
 * A passkey approval: a WebAuthn assertion (WebAuthn Level 3 §7.2 "Verifying an Authentication
 * Assertion") whose challenge is SHA-256 of the canonical approval message, verified here with the
 * credential's public key — steps 11–21 that do not need server state:
 *   clientData.type = "webauthn.get", clientData.challenge = base64url(challenge),
 *   clientData.origin is one of the relying party's origins, not cross-origin;
 *   authenticatorData.rpIdHash = SHA-256(rpId); flags UP (bit 0) and UV (bit 2) set;
 *   signature over authenticatorData ‖ SHA-256(clientDataJSON):
 *     ES256 (COSE -7): ECDSA P-256 with SHA-256, DER signature (high-S accepted: authenticators
 *     do not normalise S, and ECDSA does not require it);  EdDSA (COSE -8): Ed25519.
 * The signature counter is not checked: a node holds no per-credential state, and a cloned
 * authenticator would still need the approver's biometric or PIN (UV) to approve.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { base64urlnopad } from '@scure/base';
import { base64ToBytes, concatBytes, equalBytes, fromUtf8, utf8 } from '../../core/index.ts';
import type { ApproverKey } from './approvers.ts';

export interface PasskeyRelyingParty {
  rpId: string;
  /** exact origins the console is served from, e.g. https://rampart.example */
  origins: readonly string[];
}

export interface PasskeyAssertion {
  authenticatorData: string;
  clientDataJSON: string;
  signature: string;
}

const UP = 0x01;
const UV = 0x04;

/** False for anything that does not verify or does not parse; never throws. */
export function verifyPasskeyAssertion(
  key: Extract<ApproverKey, { type: 'passkey' }>,
  a: PasskeyAssertion,
  challenge: Uint8Array,
  rp: PasskeyRelyingParty,
): boolean {
  try {
    const authData = base64urlnopad.decode(a.authenticatorData);
    const clientBytes = base64urlnopad.decode(a.clientDataJSON);
    const sig = base64urlnopad.decode(a.signature);
    if (authData.length < 37) return false;
    const client = JSON.parse(fromUtf8(clientBytes)) as Record<string, unknown>;
    if (client['type'] !== 'webauthn.get') return false;
    if (client['challenge'] !== base64urlnopad.encode(challenge)) return false;
    if (typeof client['origin'] !== 'string' || !rp.origins.includes(client['origin'])) return false;
    if (client['crossOrigin'] === true) return false;
    if (!equalBytes(authData.subarray(0, 32), sha256(utf8(rp.rpId)))) return false;
    const flags = authData[32]!;
    if ((flags & UP) === 0 || (flags & UV) === 0) return false;
    const signed = concatBytes(authData, sha256(clientBytes));
    const pk = base64ToBytes(key.publicKey);
    if (key.algorithm === 'EdDSA') return ed25519.verify(sig, signed, pk);
    return p256.verify(sig, signed, pk, { format: 'der', prehash: true, lowS: false });
  } catch {
    return false;
  }
}
