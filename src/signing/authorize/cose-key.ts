/**
 * A passkey's public key as the access module stores it (the COSE_Key from the credential's
 * attestedCredentialData, RFC 9052 §7 / RFC 9053), turned into the enrollment form a node holds.
 * Only the two algorithms a node verifies are accepted: ES256 (kty EC2, crv P-256, alg -7) and
 * EdDSA (kty OKP, crv Ed25519, alg -8). CBOR decoding is @simplewebauthn/server's.
 */
import { cose, decodeCredentialPublicKey } from '@simplewebauthn/server/helpers';
import { bytesToBase64, concatBytes, InvalidInputError } from '../../core/index.ts';
import { type ApproverKey, checkApproverKey } from './approvers.ts';

const bad = (message: string) => new InvalidInputError('APPROVER_ENROLLMENT_INVALID', message);

export function passkeyKeyFromCose(
  credentialId: string,
  coseKey: Uint8Array,
): Extract<ApproverKey, { type: 'passkey' }> {
  let map: Map<number, unknown>;
  try {
    map = decodeCredentialPublicKey(Uint8Array.from(coseKey)) as unknown as Map<number, unknown>;
  } catch {
    throw bad('the passkey public key is not a CBOR COSE_Key');
  }
  // COSE_Key labels (RFC 9052 §7.1, RFC 9053 §7.1): kty 1, alg 3, crv -1, x -2, y -3.
  const kty = map.get(cose.COSEKEYS.kty);
  const alg = map.get(cose.COSEKEYS.alg);
  const crv = map.get(cose.COSEKEYS.crv);
  const x = map.get(cose.COSEKEYS.x);
  let key: Extract<ApproverKey, { type: 'passkey' }>;
  if (kty === cose.COSEKTY.EC2 && alg === cose.COSEALG.ES256 && crv === cose.COSECRV.P256) {
    const y = map.get(cose.COSEKEYS.y);
    if (!(x instanceof Uint8Array) || !(y instanceof Uint8Array) || x.length !== 32 || y.length !== 32)
      throw bad('an ES256 COSE key needs 32-byte x and y');
    key = {
      type: 'passkey',
      credentialId,
      algorithm: 'ES256',
      publicKey: bytesToBase64(concatBytes(Uint8Array.of(0x04), x, y)), // SEC1 uncompressed
    };
  } else if (kty === cose.COSEKTY.OKP && alg === cose.COSEALG.EdDSA && crv === cose.COSECRV.ED25519) {
    if (!(x instanceof Uint8Array) || x.length !== 32) throw bad('an Ed25519 COSE key needs a 32-byte x');
    key = { type: 'passkey', credentialId, algorithm: 'EdDSA', publicKey: bytesToBase64(x) };
  } else {
    throw bad(
      `unsupported passkey key (kty ${String(kty)}, alg ${String(alg)}): a node accepts ES256 and EdDSA`,
    );
  }
  checkApproverKey(key);
  return key;
}
