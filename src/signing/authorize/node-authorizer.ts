/**
 * The signer node's hook (src/signing/node `StartNodeOptions.authorize`, called with the key, its
 * suite, the bytes about to be signed and the request): `authorizeSigning` with the node's own
 * approvers, policy and replay store, read fresh on every call so an enrollment or policy change
 * takes effect at once. A share is never released without an approved request.
 */

import type { EnrolledApprover } from './approvers.ts';
import { authorizeSigning } from './authorize.ts';
import { refuse } from './errors.ts';
import type { NodePolicy } from './quorum.ts';
import type { ReplayGuard } from './replay.ts';
import type { PasskeyRelyingParty } from './webauthn.ts';

export interface NodeAuthorizerDeps {
  approvers(): Promise<readonly EnrolledApprover[]> | readonly EnrolledApprover[];
  policy(): Promise<NodePolicy> | NodePolicy;
  replay: ReplayGuard;
  /** the group key of `keyId` (33-byte commitment or x-only), so a Bitcoin input must pay it */
  groupKey?(keyId: string): Promise<Uint8Array | undefined> | Uint8Array | undefined;
  relyingParty?: PasskeyRelyingParty;
  replayWindowMs?: number;
  clock?: () => Date;
}

export interface SignAuthorizationInput {
  keyId: string;
  suite: string;
  message: Uint8Array;
  request: unknown;
}

export function nodeSignAuthorizer(
  deps: NodeAuthorizerDeps,
): (input: SignAuthorizationInput) => Promise<void> {
  return async (input) => {
    if (input.request === undefined || input.request === null)
      refuse(
        'SIGNING_REQUEST_INVALID',
        'this signer node signs only an approved signing request, and none was sent',
      );
    const groupKey = await deps.groupKey?.(input.keyId);
    await authorizeSigning(input.request, {
      approvers: await deps.approvers(),
      policy: await deps.policy(),
      replay: deps.replay,
      now: deps.clock?.() ?? new Date(),
      signing: { message: input.message, suite: input.suite },
      ...(groupKey ? { groupKey } : {}),
      ...(deps.relyingParty ? { relyingParty: deps.relyingParty } : {}),
      ...(deps.replayWindowMs !== undefined ? { replayWindowMs: deps.replayWindowMs } : {}),
    });
  };
}
