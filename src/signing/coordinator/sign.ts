/**
 * A FROST signature through the nodes (RFC 9591 §5): round one asks every node of the key for a
 * commitment under a fresh session id and keeps the first t that answer; round two sends them the
 * message, the commitment list and the approved request; each share is checked (§5.4 verifyShare),
 * the shares aggregated (§5.3) and the group signature verified as an outside verifier would
 * before it is returned. A node that fails between the rounds (down, killed, misbehaving) is left out
 * and the session restarts with fresh commitments from the others: its nonce is never reused,
 * because a node only ever signs for the session its nonce was committed to. When fewer than t
 * remain the ceremony fails (SIGNING_TOO_FEW_SIGNERS) with every node's code in its details.
 *
 * A node that *refuses* the request (src/signing/authorize's codes: a forged approval, bytes other
 * than the approved ones, a stale policy, a replay) is different: its independent check found
 * something wrong with the request itself (DESIGN principle 1), so the ceremony stops there
 * (SIGNING_REFUSED, every refusing node and its code in the details, audited as failed). Asking
 * other nodes until t of them agree would turn each node's check into a vote the coordinator can
 * route around — exactly what a compromised coordinator or front end would do.
 */
import {
  bytesToHex,
  hexToBytes,
  isRampartError,
  RampartError,
  sha256,
  VerificationError,
} from '../../core/index.ts';
import { REFUSAL_CODES } from '../authorize/errors.ts';
import { getSuite } from '../frost/index.ts';
import { type CommitmentJson, commitmentFromJson, publicFromJson } from '../node/index.ts';
import { inCeremony, newCeremonyId, startCeremony } from './ceremony.ts';
import { type CoordinatorContext, clientFor } from './context.ts';
import { finishRefreshIfReachable } from './refresh.ts';
import type { KeyNode } from './registry.ts';
import { standardVerify } from './verify.ts';

export interface SignOptions {
  keyId: string;
  message: Uint8Array;
  /** The approved signing request each node re-verifies (src/signing/authorize). */
  request?: unknown;
  /** How many sessions to try before giving up (default 3). */
  attempts?: number;
}

export interface SignResult {
  keyId: string;
  suite: string;
  signature: string;
  groupPublicKey: string;
  signers: { nodeId: string; identifier: string }[];
  sessions: { sessionId: string; outcome: string; excluded: string[] }[];
}

export async function runSign(ctx: CoordinatorContext, opts: SignOptions): Promise<SignResult> {
  // A refresh decided but not committed on every node (refresh.ts) is finished first if it can be;
  // if a node is still out of reach the others sign without it (the failure is in the ledger).
  const key = await finishRefreshIfReachable(ctx, opts.keyId);
  const suite = getSuite(key.suite);
  const pub = publicFromJson(key.publicPackage);
  const groupKey = hexToBytes(key.groupPublicKey);
  const ceremony = await startCeremony(ctx.ledger, {
    kind: 'sign',
    keyId: key.keyId,
    actor: ctx.actor,
    participants: key.nodes.map((n) => ({ nodeId: n.nodeId, identifier: n.identifier, url: n.url })),
    details: {
      messageSha256: bytesToHex(sha256(opts.message)),
    },
  });
  return inCeremony(ceremony, async () => {
    const excluded = new Map<string, string>();
    const sessions: SignResult['sessions'] = [];
    const attempts = opts.attempts ?? 3;
    let lastError: unknown;
    for (let attempt = 0; attempt < attempts; attempt++) {
      const sessionId = newCeremonyId();
      const candidates = key.nodes.filter((n) => !excluded.has(n.identifier));
      if (candidates.length < key.threshold) break;
      ctx.progress?.('commit', attempt * 2, attempts * 2);
      const committed = await Promise.allSettled(
        candidates.map(async (n) => {
          const r = await clientFor(ctx, n).post<{ commitment: CommitmentJson }>('/v1/sign/commit', {
            keyId: key.keyId,
            sessionId,
          });
          if (r.commitment.identifier !== n.identifier)
            throw new VerificationError(
              'SIGNING_NODE_MISBEHAVED',
              'a node committed under another identifier',
              { node: n.url },
            );
          return { node: n, commitment: r.commitment };
        }),
      );
      committed.forEach((c, i) => {
        if (c.status === 'rejected') {
          excluded.set(candidates[i]!.identifier, codeOf(c.reason));
          lastError = c.reason;
        }
      });
      const ok = committed.flatMap((c) => (c.status === 'fulfilled' ? [c.value] : []));
      if (ok.length < key.threshold) {
        sessions.push({ sessionId, outcome: 'too few commitments', excluded: [...excluded.keys()] });
        break;
      }
      const sorted = ok.sort((a, b) => (a.node.identifier < b.node.identifier ? -1 : 1));
      const chosen = sorted.slice(0, key.threshold);
      // Nodes not picked destroy their nonce now rather than at its expiry (best effort).
      void Promise.allSettled(
        sorted
          .slice(key.threshold)
          .map(({ node }) => clientFor(ctx, node).post('/v1/sign/abandon', { keyId: key.keyId, sessionId })),
      );
      const list = chosen.map((c) => c.commitment);
      ctx.progress?.('share', attempt * 2 + 1, attempts * 2);
      const shared = await Promise.allSettled(
        chosen.map(async ({ node }) => {
          const r = await clientFor(ctx, node).post<{ identifier: string; share: string }>('/v1/sign/share', {
            keyId: key.keyId,
            sessionId,
            message: bytesToHex(opts.message),
            commitments: list,
            ...(opts.request === undefined ? {} : { request: opts.request }),
          });
          const share = hexToBytes(r.share);
          // RFC 9591 §5.4: identify a node that sends a bad share.
          if (
            r.identifier !== node.identifier ||
            !suite.frost.verifyShare(pub, list.map(commitmentFromJson), opts.message, node.identifier, share)
          )
            throw new VerificationError('SIGNING_SHARE_INVALID', 'a node sent an invalid signature share', {
              node: node.url,
            });
          return { node, share };
        }),
      );
      const shares: Record<string, Uint8Array> = {};
      let failed = false;
      shared.forEach((s, i) => {
        const node = chosen[i]!.node;
        if (s.status === 'fulfilled') shares[node.identifier] = s.value.share;
        else {
          failed = true;
          lastError = s.reason;
          excluded.set(node.identifier, codeOf(s.reason));
        }
      });
      const refusals = shared.flatMap((s, i) =>
        s.status === 'rejected' && isRefusal(s.reason)
          ? [{ node: chosen[i]!.node.nodeId, code: codeOf(s.reason) }]
          : [],
      );
      if (refusals.length > 0)
        throw new RampartError(
          'SIGNING_REFUSED',
          `signer node${refusals.length > 1 ? 's' : ''} refused the request: ${refusals.map((r) => `${r.node} ${r.code}`).join(', ')}`,
          { status: 403, details: { failed: refusals } },
        );
      if (failed) {
        sessions.push({
          sessionId,
          outcome: 'a signer failed in round two; restarting with fresh commitments',
          excluded: [...excluded.keys()],
        });
        continue;
      }
      const signature = suite.frost.aggregate(pub, list.map(commitmentFromJson), opts.message, shares);
      if (!standardVerify(suite, signature, opts.message, groupKey))
        throw new VerificationError('SIGNING_SIGNATURE_INVALID', 'the aggregated signature does not verify');
      sessions.push({ sessionId, outcome: 'signed', excluded: [...excluded.keys()] });
      const result: SignResult = {
        keyId: key.keyId,
        suite: suite.name,
        signature: bytesToHex(signature),
        groupPublicKey: key.groupPublicKey,
        signers: chosen.map(({ node }) => ({ nodeId: node.nodeId, identifier: node.identifier })),
        sessions,
      };
      await ceremony.complete({ signature: result.signature, signers: result.signers, sessions });
      ctx.progress?.('done', attempts * 2, attempts * 2);
      return result;
    }
    throw new RampartError('SIGNING_TOO_FEW_SIGNERS', `fewer than ${key.threshold} nodes could sign`, {
      status: 503,
      details: {
        threshold: key.threshold,
        failed: [...excluded.entries()].map(([identifier, code]) => ({
          node: nodeName(key.nodes, identifier),
          code,
        })),
        ...(isRampartError(lastError) ? { lastError: lastError.code } : {}),
      },
    });
  });
}

/** A node's verdict on the request (authorize's refusal codes), as opposed to a failure to answer. */
function isRefusal(e: unknown): boolean {
  return isRampartError(e) && Object.hasOwn(REFUSAL_CODES, e.code);
}

function codeOf(e: unknown): string {
  return isRampartError(e) ? e.code : 'INTERNAL';
}

function nodeName(nodes: readonly KeyNode[], identifier: string): string {
  return nodes.find((n) => n.identifier === identifier)?.nodeId ?? identifier;
}
