/**
 * A repair ceremony (frost/repair.ts: Laing & Stinson's repairable threshold scheme): the node that
 * lost its share (same node id; its data directory may be new, with new node keys, which are
 * learnt now, pinned and recorded in the ledger) gets it rebuilt from t helpers, none of whom
 * reveals its own share; it checks the result against its verifying share before sealing it.
 */
import { InvalidInputError, isoTime, RampartError } from '../../core/index.ts';
import type { Envelope, Participant } from '../node/index.ts';
import { inCeremony, startCeremony } from './ceremony.ts';
import { NodeClient } from './client.ts';
import { all, type CoordinatorContext, clientFor } from './context.ts';
import { routeEnvelopes } from './dkg.ts';
import { finishRefreshIfReachable } from './refresh.ts';
import { type KeyNode, type RegisteredKey, updateKeyNode } from './registry.ts';

export interface RepairOptions {
  keyId: string;
  /** The node whose share is lost: its node id or URL as registered. */
  node: string;
  /** Where it now answers, if it moved. */
  url?: string;
}

export async function runRepair(ctx: CoordinatorContext, opts: RepairOptions): Promise<RegisteredKey> {
  // A refresh decided but not committed everywhere (refresh.ts) is finished first where it can be:
  // a helper still on the old generation would answer for a polynomial the key no longer has. A
  // node still out of reach is then left out of the helpers (below), or is the one repaired.
  const key = await finishRefreshIfReachable(ctx, opts.keyId);
  const lostNode = key.nodes.find((n) => n.nodeId === opts.node || n.url === opts.node.replace(/\/+$/, ''));
  if (!lostNode)
    throw new InvalidInputError(
      'SIGNING_NODE_UNKNOWN',
      `no node ${opts.node} holds a share of ${key.keyId}`,
      {
        known: key.nodes.map((n) => n.nodeId),
      },
    );
  const url = (opts.url ?? lostNode.url).replace(/\/+$/, '');
  const identity = await new NodeClient(url, ctx.key, undefined, {
    timeoutMs: ctx.timeoutMs ?? 30_000,
  }).identity();
  if (identity.nodeId !== lostNode.nodeId)
    throw new InvalidInputError(
      'SIGNING_NODE_MISMATCH',
      `${url} is node ${identity.nodeId}, not ${lostNode.nodeId}`,
    );
  const lost: KeyNode = {
    ...lostNode,
    url,
    signingPublic: identity.signingPublic,
    boxPublic: identity.boxPublic,
  };
  const rekeyed = lost.signingPublic !== lostNode.signingPublic || lost.boxPublic !== lostNode.boxPublic;

  // Helpers: the first t other nodes that answer and hold the key at the registry's generation (a
  // share of another generation lies on another polynomial: the repaired share would not verify).
  // A node that is down, or answers without the key, counts as unreachable.
  const others = key.nodes.filter((n) => n.identifier !== lost.identifier);
  const held = await Promise.allSettled(
    others.map((n) =>
      clientFor(ctx, n).get<{ generation: number }>(`/v1/keys/${encodeURIComponent(key.keyId)}`),
    ),
  );
  const behind: Array<{ node: string; generation: number }> = [];
  const unreachable: string[] = [];
  const ready = others.filter((n, i) => {
    const h = held[i]!;
    if (h.status === 'rejected') unreachable.push(n.nodeId);
    else if (h.value.generation !== key.generation)
      behind.push({ node: n.nodeId, generation: h.value.generation });
    return h.status === 'fulfilled' && h.value.generation === key.generation;
  });
  const helpers = ready.slice(0, key.threshold);
  if (helpers.length < key.threshold)
    throw new RampartError(
      'SIGNING_TOO_FEW_HELPERS',
      `a repair needs ${key.threshold} other nodes at generation ${key.generation}; ${helpers.length} ${helpers.length === 1 ? 'is' : 'are'}` +
        (unreachable.length ? `, ${unreachable.join(', ')} did not answer for the key` : '') +
        (behind.length
          ? `, ${behind.map((b) => `${b.node} holds generation ${b.generation}`).join(', ')} (finish the refresh: \`rampart signing refresh --key ${key.keyId} --finish\`)`
          : ''),
      { status: 503, details: { keyId: key.keyId, generation: key.generation, unreachable, behind } },
    );

  const strip = ({ url: _u, ...p }: KeyNode): Participant => p;
  const ceremony = await startCeremony(ctx.ledger, {
    kind: 'repair',
    keyId: key.keyId,
    actor: ctx.actor,
    participants: helpers.map((n) => ({ nodeId: n.nodeId, identifier: n.identifier, url: n.url })),
    details: {
      lost: { nodeId: lost.nodeId, identifier: lost.identifier, url },
      ...(rekeyed ? { newNodeKeys: { signingPublic: lost.signingPublic, boxPublic: lost.boxPublic } } : {}),
    },
  });
  return inCeremony(ceremony, async () => {
    const helperParts = helpers.map(strip);
    const clients = helpers.map((n) => clientFor(ctx, n));
    ctx.progress?.('step 1', 0, 3);
    const s1 = await all(clients, (c) =>
      c.post<{ envelopes: Envelope[] }>('/v1/repair/step1', {
        ceremonyId: ceremony.id,
        keyId: key.keyId,
        generation: key.generation,
        helpers: helperParts,
        lost: strip(lost),
      }),
    );
    const inbox = routeEnvelopes(
      helperParts,
      s1.map((r) => r.envelopes),
    );
    ctx.progress?.('step 2', 1, 3);
    const s2 = await all(
      clients.map((c, i) => ({ c, id: helperParts[i]!.identifier })),
      ({ c, id }) =>
        c.post<{ envelope: Envelope }>('/v1/repair/step2', {
          ceremonyId: ceremony.id,
          deltas: inbox.get(id) ?? [],
        }),
    );
    ctx.progress?.('step 3', 2, 3);
    await clientFor(ctx, lost).post('/v1/repair/step3', {
      ceremonyId: ceremony.id,
      keyId: key.keyId,
      suite: key.suite,
      generation: key.generation,
      me: strip(lost),
      helpers: helperParts,
      publicPackage: key.publicPackage,
      sigmas: s2.map((r) => r.envelope),
    });
    await ceremony.complete(
      {
        repaired: { nodeId: lost.nodeId, identifier: lost.identifier },
        helpers: helpers.map((h) => h.nodeId),
        rekeyed,
      },
      (db) => updateKeyNode(db, key.keyId, lost),
    );
    ctx.progress?.('done', 3, 3);
    const nodes = key.nodes.map((n) => (n.identifier === lost.identifier ? lost : n));
    return { ...key, nodes, updatedAt: isoTime(ctx.ledger.clock.now()) };
  });
}
