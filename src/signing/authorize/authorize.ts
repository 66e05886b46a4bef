/**
 * `authorizeSigning`: what a signer node checks, from raw data, before it contributes a signature
 * share (DESIGN principle 1: verify independently, never trust the screen — or the coordinator).
 * Pure apart from the replay question it asks the node's store through `ReplayGuard`.
 *
 * Order (each refusal has its own code, see errors.ts):
 *  1. the request parses;
 *  2. its policy version is the node's current one (a request judged under an older policy is stale);
 *  3. the message to sign is recomputed from the raw payload (payload.ts: it also names the replay
 *     key), and this request (and Bitcoin input) was not authorized before by this node, except as a
 *     retry of the same message within the retry window (replay.ts explains why);
 *  4. the digest recomputed from the payload equals the one the request says was approved — so a
 *     payload differing by one byte from the approved one is refused;
 *  5. the node's own analysis and policy allow it, giving the quorum requirements (quorum.ts);
 *  6. every approval is from a distinct enrolled approver, covers exactly this digest and verifies
 *     (approvals.ts);
 *  7. the approvals meet every requirement, with the needed roles;
 *  8. when the node says which bytes it is about to sign (`ctx.signing`), they are `message`, and the
 *     key's suite fits the payload (a Bitcoin key-path spend needs `secp256k1-tr`).
 * Then the replay record is stored (before any share is released) and the node signs `message`.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, equalBytes } from '../../core/index.ts';
import type { VelocityEntry } from '../../custody/index.ts';
import { checkApprovals } from './approvals.ts';
import type { EnrolledApprover } from './approvers.ts';
import { refuse } from './errors.ts';
import { recomputePayload } from './payload.ts';
import {
  checkQuorum,
  type NodePolicy,
  nodePolicyVersion,
  otherRequirements,
  type Requirement,
  safeRequirements,
} from './quorum.ts';
import { type ReplayGuard, replayVerdict } from './replay.ts';
import { parseSigningRequest, type SigningRequest } from './request.ts';
import type { PasskeyRelyingParty } from './webauthn.ts';

export interface SignerContext {
  /** the node's enrolled approvers (from its own store; see approvers.ts) */
  approvers: readonly EnrolledApprover[];
  /** the node's current policy */
  policy: NodePolicy;
  replay: ReplayGuard;
  now: Date;
  /**
   * The group key this node signs for, when the payload names one: a Bitcoin input must pay it
   * (x-only Taproot output key, or the 33-byte group commitment of a `secp256k1-tr` DKG key).
   */
  groupKey?: Uint8Array;
  /** required to accept passkey approvals */
  relyingParty?: PasskeyRelyingParty;
  /** what the node was asked to sign: checked against the recomputed message (and suite) */
  signing?: { message: Uint8Array; suite: string };
  /** how long a restarted session may ask again for the same request and message */
  replayWindowMs?: number;
}

export interface Authorization {
  requestId: string;
  kind: SigningRequest['payload']['kind'];
  /** the exact bytes to sign: a Safe transaction hash, a BIP341 sighash, or the message */
  message: Uint8Array;
  digest: string;
  policyVersion: string;
  /** the key the replay record was stored under */
  replayKey: string;
  /** the approvers whose approvals were accepted */
  approvers: string[];
  requirements: Requirement[];
}

export async function authorizeSigning(input: unknown, ctx: SignerContext): Promise<Authorization> {
  const req = parseSigningRequest(input);

  const current = nodePolicyVersion(ctx.policy);
  if (req.policyVersion !== current)
    refuse(
      'SIGNING_POLICY_STALE',
      "the request was judged under another policy version than this node's current one",
      {
        requested: req.policyVersion,
        current,
      },
    );

  const recomputed = recomputePayload(
    req.requestId,
    req.payload,
    ctx.groupKey ? { outputKey: ctx.groupKey } : {},
  );
  const messageSha256 = bytesToHex(sha256(recomputed.message));
  const previous = await ctx.replay.lookup(recomputed.replayKey);
  const verdict = replayVerdict(previous, messageSha256, ctx.now, ctx.replayWindowMs);
  if (verdict === 'replayed' || verdict === 'substituted')
    refuse(
      'SIGNING_REQUEST_REPLAYED',
      verdict === 'replayed'
        ? `request ${req.requestId} was already signed by this node`
        : `request ${req.requestId} was already signed by this node, for other bytes`,
      { replayKey: recomputed.replayKey, firstAuthorizedAt: previous?.firstAuthorizedAt.toISOString() },
    );

  if (recomputed.digest !== req.digest)
    refuse('SIGNING_DIGEST_MISMATCH', 'the digest recomputed from the payload is not the approved digest', {
      approved: req.digest,
      recomputed: recomputed.digest,
    });

  let requirements: Requirement[];
  if (recomputed.kind === 'safe') {
    const history: VelocityEntry[] =
      req.payload.kind === 'safe'
        ? (req.payload.history ?? []).map((h) => ({
            at: new Date(h.at),
            chainId: recomputed.analysis.chainId,
            wallet: recomputed.analysis.wallet,
            asset: h.asset,
            amount: BigInt(h.amount),
          }))
        : [];
    requirements = safeRequirements(ctx.policy, recomputed.analysis, {
      now: ctx.now,
      history,
      approvers: ctx.approvers,
      ...(recomputed.wallet.addressBook ? { addressBook: recomputed.wallet.addressBook } : {}),
    });
  } else requirements = otherRequirements(ctx.policy);

  const accepted = checkApprovals(
    req.approvals,
    ctx.approvers,
    req.requestId,
    recomputed.digest,
    ctx.relyingParty,
  );
  checkQuorum(accepted, requirements);

  if (ctx.signing) {
    if (!equalBytes(ctx.signing.message, recomputed.message))
      refuse(
        'SIGNING_MESSAGE_MISMATCH',
        'the bytes this node was asked to sign are not the message of the approved request',
        {
          expectedSha256: messageSha256,
        },
      );
    if (recomputed.kind === 'bitcoin' && ctx.signing.suite !== 'secp256k1-tr')
      refuse('SIGNING_KEY_MISMATCH', 'a Taproot key-path spend is signed with a secp256k1-tr key', {
        suite: ctx.signing.suite,
      });
  }
  await ctx.replay.remember(recomputed.replayKey, { messageSha256, firstAuthorizedAt: ctx.now });

  return {
    requestId: req.requestId,
    kind: recomputed.kind,
    message: recomputed.message,
    digest: recomputed.digest,
    policyVersion: current,
    replayKey: recomputed.replayKey,
    approvers: accepted.map((a) => a.principal),
    requirements,
  };
}
