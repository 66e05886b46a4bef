/**
 * `authorizeSigning`: what a signer node checks, from raw data, before it contributes a signature
 * share (DESIGN principle 1: verify independently, never trust the screen — or the coordinator).
 * Pure apart from the replay question it asks the node's store through `ReplayGuard`.
 *
 * Order (each refusal has its own code, see errors.ts):
 *  1. the request parses;
 *  2. its policy version is the node's current one (a request judged under an older policy is stale);
 *  3. this request (and Bitcoin input) was never signed by this node;
 *  4. the message to sign and the digest are recomputed from the raw payload (payload.ts), and the
 *     digest equals the one the request says was approved — so a payload differing by one byte
 *     from the approved one is refused;
 *  5. the node's own analysis and policy allow it, giving the quorum requirements (quorum.ts);
 *  6. every approval is from a distinct enrolled approver, covers exactly this digest and verifies
 *     (approvals.ts);
 *  7. the approvals meet every requirement, with the needed roles.
 * On success the node signs `message` (and only it) and records `replayKey` durably before
 * releasing its share.
 */
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
import type { ReplayGuard } from './replay.ts';
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
}

export interface Authorization {
  requestId: string;
  kind: SigningRequest['payload']['kind'];
  /** the exact bytes to sign: a Safe transaction hash, a BIP341 sighash, or the message */
  message: Uint8Array;
  digest: string;
  policyVersion: string;
  /** record this (durably) when the share is released */
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
  if (await ctx.replay.alreadySigned(recomputed.replayKey))
    refuse('SIGNING_REQUEST_REPLAYED', `request ${req.requestId} was already signed by this node`, {
      replayKey: recomputed.replayKey,
    });

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
