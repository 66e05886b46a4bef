/**
 * A DKG ceremony among signer nodes (noble's DKG rounds on each node, frost-rs layout): the
 * coordinator fetches each node's identity, assigns identifiers 1..n in the order given, relays
 * round-1 broadcasts and the encrypted round-2 messages, and checks that every node computed the
 * same public package before it registers the key.
 */
import {
  bytesToHex,
  canonicalJson,
  hexToBytes,
  InvalidInputError,
  isoTime,
  VerificationError,
} from '../../core/index.ts';
import { getSuite, type SuiteName, verifierPublicKey } from '../frost/index.ts';
import type { DkgRound1Package, Envelope, Participant, PublicPackageJson } from '../node/index.ts';
import { inCeremony, startCeremony } from './ceremony.ts';
import { NodeClient } from './client.ts';
import { all, type CoordinatorContext } from './context.ts';
import { findKey, insertKey, type RegisteredKey } from './registry.ts';

export interface DkgOptions {
  suite: SuiteName;
  threshold: number;
  nodeUrls: string[];
  keyId?: string;
}

const KEY_ID = /^[a-z0-9][a-z0-9._-]{0,62}$/;

export async function runDkg(ctx: CoordinatorContext, opts: DkgOptions): Promise<RegisteredKey> {
  const suite = getSuite(opts.suite);
  const n = opts.nodeUrls.length;
  if (n < 2 || n > 255)
    throw new InvalidInputError('SIGNING_NODES_INVALID', 'a DKG needs between 2 and 255 nodes', { nodes: n });
  if (new Set(opts.nodeUrls).size !== n)
    throw new InvalidInputError('SIGNING_NODES_INVALID', 'a node URL is given twice');
  if (!Number.isInteger(opts.threshold) || opts.threshold < 2 || opts.threshold > n)
    throw new InvalidInputError('SIGNING_THRESHOLD_INVALID', `the threshold must be between 2 and ${n}`, {
      threshold: opts.threshold,
    });
  const keyId = opts.keyId ?? `${opts.suite}-${Date.now().toString(36)}`;
  if (!KEY_ID.test(keyId))
    throw new InvalidInputError(
      'SIGNING_KEY_ID_INVALID',
      'a key id is lower-case letters, digits, ".", "_" or "-"',
    );
  if (await findKey(ctx.ledger.store.db, keyId))
    throw new InvalidInputError('SIGNING_KEY_EXISTS', `a key ${keyId} already exists`, { keyId });

  const step = (name: string, i: number) => ctx.progress?.(name, i, 4);
  step('identities', 0);
  const ids = await all(opts.nodeUrls, (url) =>
    new NodeClient(url, ctx.key, undefined, { timeoutMs: ctx.timeoutMs ?? 30_000 }).identity(),
  );
  if (new Set(ids.map((i) => i.signingPublic)).size !== n)
    throw new InvalidInputError('SIGNING_NODES_INVALID', 'two URLs reach the same node');
  const participants: Participant[] = ids.map((id, i) => ({
    identifier: suite.frost.Identifier.fromNumber(i + 1),
    nodeId: id.nodeId,
    signingPublic: id.signingPublic,
    boxPublic: id.boxPublic,
  }));
  const nodes = participants.map((p, i) => ({ ...p, url: opts.nodeUrls[i]!.replace(/\/+$/, '') }));
  const clients = nodes.map(
    (p) => new NodeClient(p.url, ctx.key, p.signingPublic, { timeoutMs: ctx.timeoutMs ?? 30_000 }),
  );

  const ceremony = await startCeremony(ctx.ledger, {
    kind: 'dkg',
    keyId,
    actor: ctx.actor,
    participants: nodes.map((p) => ({ nodeId: p.nodeId, identifier: p.identifier, url: p.url })),
    details: {
      suite: suite.name,
      threshold: opts.threshold,
      // First contact: the node keys learnt now are pinned from here on (trust on first use).
      nodeKeys: nodes.map((p) => ({
        nodeId: p.nodeId,
        signingPublic: p.signingPublic,
        boxPublic: p.boxPublic,
      })),
    },
  });
  return inCeremony(ceremony, async () => {
    step('round 1', 1);
    const r1 = await all(clients, (c) =>
      c.post<DkgRound1Package>('/v1/dkg/round1', {
        ceremonyId: ceremony.id,
        keyId,
        suite: suite.name,
        threshold: opts.threshold,
        participants,
      }),
    );
    r1.forEach((p, i) => {
      if (p.identifier !== participants[i]!.identifier)
        throw new VerificationError(
          'SIGNING_NODE_MISBEHAVED',
          'a node answered round 1 under another identifier',
          { node: nodes[i]!.url },
        );
    });
    step('round 2', 2);
    const r2 = await all(clients, (c) =>
      c.post<{ envelopes: Envelope[] }>('/v1/dkg/round2', { ceremonyId: ceremony.id, round1: r1 }),
    );
    const inbox = routeEnvelopes(
      participants,
      r2.map((r) => r.envelopes),
    );
    step('round 3', 3);
    const r3 = await all(
      clients.map((c, i) => ({ c, id: participants[i]!.identifier })),
      ({ c, id }) =>
        c.post<{ identifier: string; publicPackage: PublicPackageJson }>('/v1/dkg/round3', {
          ceremonyId: ceremony.id,
          round2: inbox.get(id) ?? [],
        }),
    );
    const publicPackage = samePackage(r3.map((r) => r.publicPackage));
    const groupPublicKey = bytesToHex(verifierPublicKey(suite, hexToBytes(publicPackage.commitments[0]!)));
    const key = {
      keyId,
      suite: suite.name,
      threshold: opts.threshold,
      maxSigners: n,
      groupPublicKey,
      publicPackage,
      generation: 1,
      nodes,
    };
    const now = isoTime(ctx.ledger.clock.now());
    await ceremony.complete(
      { groupPublicKey, suite: suite.name, threshold: opts.threshold, maxSigners: n },
      (db) => insertKey(db, key, now),
    );
    step('done', 4);
    return { ...key, createdAt: now, updatedAt: now };
  });
}

/** Envelopes grouped by receiver; each sender must address every other participant exactly once. */
export function routeEnvelopes(
  participants: readonly { identifier: string }[],
  outboxes: readonly Envelope[][],
): Map<string, Envelope[]> {
  const inbox = new Map<string, Envelope[]>();
  outboxes.forEach((out, i) => {
    const from = participants[i]!.identifier;
    const to = new Set(out.map((e) => e.to));
    if (out.some((e) => e.from !== from) || to.size !== out.length)
      throw new VerificationError(
        'SIGNING_NODE_MISBEHAVED',
        'a node sent private messages under another name or twice to one receiver',
      );
    for (const e of out) {
      if (!participants.some((p) => p.identifier === e.to))
        throw new VerificationError('SIGNING_NODE_MISBEHAVED', 'a node sent a private message to a stranger');
      inbox.set(e.to, [...(inbox.get(e.to) ?? []), e]);
    }
  });
  return inbox;
}

/** Every node must report the same public package (else someone cheated or a round was altered). */
export function samePackage(packages: readonly PublicPackageJson[]): PublicPackageJson {
  const first = canonicalJson(packages[0]);
  if (packages.some((p) => canonicalJson(p) !== first))
    throw new VerificationError('SIGNING_PACKAGES_DIFFER', 'the nodes computed different public packages');
  return packages[0]!;
}
