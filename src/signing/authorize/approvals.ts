/**
 * Each approval, checked against the node's own enrollment: the approver is enrolled, appears
 * once, covers exactly the digest recomputed here, and its signature verifies with one of the
 * approver's enrolled keys over custody's canonical approval message
 *   {"action":"custody.request.approve","digest":…,"requestId":…}   (custody/requests/approval.ts)
 * — Ed25519 directly, or a passkey assertion whose challenge is SHA-256 of those bytes.
 * One bad approval refuses the whole request: a forged approval is a sign of an attack, not noise.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { base64ToBytes } from '../../core/index.ts';
// The pure approval-message file itself: src/custody/index.ts does not re-export requests/ (whose
// index pulls in the ledger), and a signer node must not load I/O code to check a signature.
import { approvalMessage } from '../../custody/requests/approval.ts';
import type { EnrolledApprover } from './approvers.ts';
import { verifyEd25519 } from './ed25519-verify.ts';
import { refuse } from './errors.ts';
import type { SigningApproval } from './request.ts';
import { type PasskeyRelyingParty, verifyPasskeyAssertion } from './webauthn.ts';

/** The challenge a passkey approval signs: SHA-256 of the canonical approval message. */
export function passkeyApprovalChallenge(requestId: string, digest: string): Uint8Array {
  return sha256(approvalMessage(requestId, digest));
}

function verifies(
  a: SigningApproval,
  who: EnrolledApprover,
  requestId: string,
  digest: string,
  rp: PasskeyRelyingParty | undefined,
): boolean {
  if (a.type === 'ed25519') {
    // custody's approval message, checked with the strict (RFC 8032) verifier of ed25519-verify.ts
    const message = approvalMessage(requestId, digest);
    let signature: Uint8Array;
    try {
      signature = base64ToBytes(a.signature);
    } catch {
      return false;
    }
    return who.keys.some(
      (k) => k.type === 'ed25519' && verifyEd25519(base64ToBytes(k.publicKey), message, signature),
    );
  }
  if (!rp) return false; // no relying party configured: this node accepts no passkey approvals
  const challenge = passkeyApprovalChallenge(requestId, digest);
  return who.keys.some(
    (k) =>
      k.type === 'passkey' &&
      k.credentialId === a.credentialId &&
      verifyPasskeyAssertion(k, a, challenge, rp),
  );
}

/** The enrolled approvers behind the approvals, in order; refuses on the first bad one. */
export function checkApprovals(
  approvals: readonly SigningApproval[],
  enrolled: readonly EnrolledApprover[],
  requestId: string,
  digest: string,
  rp?: PasskeyRelyingParty,
): EnrolledApprover[] {
  const byPrincipal = new Map(enrolled.map((e) => [e.principal, e]));
  const seen = new Set<string>();
  const out: EnrolledApprover[] = [];
  approvals.forEach((a, i) => {
    const who = byPrincipal.get(a.approver);
    if (!who)
      refuse(
        'APPROVER_NOT_ENROLLED',
        `approval ${i} is from ${a.approver}, who is not an enrolled approver of this node`,
        {
          index: i,
          approver: a.approver,
        },
      );
    if (seen.has(a.approver))
      refuse('APPROVAL_DUPLICATE_APPROVER', `${a.approver} approved twice; each approver counts once`, {
        index: i,
        approver: a.approver,
      });
    seen.add(a.approver);
    if (a.digest !== digest)
      refuse(
        'APPROVAL_DIGEST_MISMATCH',
        `approval ${i} by ${a.approver} covers another digest than this payload's`,
        {
          index: i,
          approver: a.approver,
          approved: a.digest,
          recomputed: digest,
        },
      );
    if (!verifies(a, who, requestId, digest, rp))
      refuse(
        'APPROVAL_SIGNATURE_INVALID',
        `approval ${i} by ${a.approver} does not verify over this request and digest with any enrolled ${a.type} key`,
        { index: i, approver: a.approver, type: a.type },
      );
    out.push(who);
  });
  return out;
}
