/**
 * A refresh ceremony (frost/refresh.ts on each node): every node of the key deals a sharing of
 * zero, the encrypted round-2 values are relayed, and each node replaces its share. The group key
 * must come out unchanged and every node must report the same new public package; the registry
 * then moves to the next generation. All nodes take part: a share left out would be useless
 * afterwards, so a refresh with a node down is refused rather than silently dropping it.
 *
 * Not atomic across nodes: if some nodes finish and others fail, the key is split between two
 * generations until the ceremony is repeated with the nodes that did not move, or those nodes are
 * repaired (repair.ts) from t nodes that did. The failure is in the ledger.
 */
import { InvalidInputError, isoTime, VerificationError } from '../../core/index.ts';
import type { Envelope, Participant, PublicPackageJson, RefreshPackageJson } from '../node/index.ts';
import { inCeremony, startCeremony } from './ceremony.ts';
import { all, type CoordinatorContext, clientFor } from './context.ts';
import { routeEnvelopes, samePackage } from './dkg.ts';
import { getKey, type RegisteredKey, updateKeyPackage } from './registry.ts';

export async function runRefresh(ctx: CoordinatorContext, keyId: string): Promise<RegisteredKey> {
  const key = await getKey(ctx.ledger.store.db, keyId);
  const participants: Participant[] = key.nodes.map(({ url: _url, ...p }) => p);
  const clients = key.nodes.map((n) => clientFor(ctx, n));
  const ceremony = await startCeremony(ctx.ledger, {
    kind: 'refresh',
    keyId,
    actor: ctx.actor,
    participants: key.nodes.map((n) => ({ nodeId: n.nodeId, identifier: n.identifier, url: n.url })),
    details: { fromGeneration: key.generation },
  });
  return inCeremony(ceremony, async () => {
    ctx.progress?.('round 1', 0, 3);
    const r1 = await all(clients, (c) =>
      c.post<RefreshPackageJson>('/v1/refresh/round1', {
        ceremonyId: ceremony.id,
        keyId,
        generation: key.generation,
        participants,
      }),
    );
    ctx.progress?.('round 2', 1, 3);
    const r2 = await all(clients, (c) =>
      c.post<{ envelopes: Envelope[] }>('/v1/refresh/round2', { ceremonyId: ceremony.id, round1: r1 }),
    );
    const inbox = routeEnvelopes(
      participants,
      r2.map((r) => r.envelopes),
    );
    ctx.progress?.('finish', 2, 3);
    const r3 = await all(
      clients.map((c, i) => ({ c, id: participants[i]!.identifier })),
      ({ c, id }) =>
        c.post<{ identifier: string; generation: number; publicPackage: PublicPackageJson }>(
          '/v1/refresh/finish',
          {
            ceremonyId: ceremony.id,
            round2: inbox.get(id) ?? [],
          },
        ),
    );
    const publicPackage = samePackage(r3.map((r) => r.publicPackage));
    if (publicPackage.commitments[0] !== key.publicPackage.commitments[0])
      throw new VerificationError('SIGNING_GROUP_KEY_CHANGED', 'the refresh changed the group key');
    const generation = key.generation + 1;
    if (r3.some((r) => r.generation !== generation))
      throw new InvalidInputError('SIGNING_GENERATION_MISMATCH', 'the nodes disagree on the key generation');
    const now = isoTime(ctx.ledger.clock.now());
    await ceremony.complete({ generation, groupPublicKey: key.groupPublicKey }, (db) =>
      updateKeyPackage(db, keyId, publicPackage, generation, now),
    );
    ctx.progress?.('done', 3, 3);
    return { ...key, publicPackage, generation, updatedAt: now };
  });
}
