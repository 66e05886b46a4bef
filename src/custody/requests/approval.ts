/**
 * What an approver signs: never what a page displayed, but the request id and the digest of
 * Rampart's own analysis (DESIGN principle 1). The message is the RFC 8785 canonical JSON of
 *   { "action": "custody.request.approve", "digest": <64 hex>, "requestId": <id> }
 * signed with Ed25519 (RFC 8032) by a key registered to the approver. (The access module puts a
 * passkey assertion over the same bytes behind it.)
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { base64ToBytes, bytesToBase64, canonicalJsonBytes } from '../../core/index.ts';

export function approvalMessage(requestId: string, digest: string): Uint8Array {
  return canonicalJsonBytes({ action: 'custody.request.approve', digest, requestId });
}

export function signApproval(secretKey: Uint8Array, requestId: string, digest: string): string {
  return bytesToBase64(ed25519.sign(approvalMessage(requestId, digest), secretKey));
}

/**
 * A key an approval may be checked against: a canonical Ed25519 point not of small order. A
 * small-order key (the all-zero encoding among them) would let anyone make signatures that verify.
 */
export function isUsableApproverKey(publicKeyB64: string): boolean {
  try {
    const pk = base64ToBytes(publicKeyB64);
    if (pk.length !== 32) return false;
    const point = ed25519.Point.fromBytes(pk);
    point.assertValidity();
    return !point.isSmallOrder();
  } catch {
    return false;
  }
}

/** False for anything malformed; never throws. */
export function verifyApproval(
  publicKeyB64: string,
  requestId: string,
  digest: string,
  signatureB64: string,
): boolean {
  try {
    const pk = base64ToBytes(publicKeyB64);
    const sig = base64ToBytes(signatureB64);
    if (pk.length !== 32 || sig.length !== 64 || !isUsableApproverKey(publicKeyB64)) return false;
    // zip215: false is RFC 8032's strict verification (no non-canonical encodings).
    return ed25519.verify(sig, approvalMessage(requestId, digest), pk, { zip215: false });
  } catch {
    return false;
  }
}
