/**
 * A refresh ceremony (frost/refresh.ts on each node): every node of the key deals a sharing of
 * zero, the encrypted round-2 values are relayed, and each node computes its new share. The group
 * key must come out unchanged and every node must report the same new public package. All nodes
 * take part: a share left out would be useless afterwards, so a refresh with a node down is refused
 * rather than silently dropping it.
 *
 * Atomic, in two phases (node/refresh.ts): the nodes only *stage* their new shares; the decision is
 * the ceremony's completion, written with the registry's move to the next generation in one
 * transaction; then every node commits. A failure before the decision aborts on every node (each
 * keeps the share it had: the key never splits). A node that misses the commit keeps its staged
 * share durably and is committed by `finishRefresh`, which every refresh runs first, every
 * signature runs first (best effort), and `rampart signing refresh --finish` runs alone; a
 * `signing.refresh.committed` entry records that no node needs asking any more. Until then the
 * other nodes sign (a lagging node's shares no longer verify against the registry and it is
 * routed around).
 */
import { InvalidInputError, isoTime, RampartError, VerificationError } from '../../core/index.ts';
import type { Envelope, Participant, PublicPackageJson, RefreshPackageJson } from '../node/index.ts';
import { inCeremony, startCeremony } from './ceremony.ts';
import { all, type CoordinatorContext, clientFor } from './context.ts';
import { routeEnvelopes, samePackage } from './dkg.ts';
import { getKey, type RegisteredKey, updateKeyPackage } from './registry.ts';

export async function runRefresh(ctx: CoordinatorContext, keyId: string): Promise<RegisteredKey> {
  // Never start on a split key: a refresh decided earlier is committed everywhere first.
  const key = await finishRefresh(ctx, keyId);
  const participants: Participant[] = key.nodes.map(({ url: _url, ...p }) => p);
  const clients = key.nodes.map((n) => clientFor(ctx, n));
  const ceremony = await startCeremony(ctx.ledger, {
    kind: 'refresh',
    keyId,
    actor: ctx.actor,
    participants: key.nodes.map((n) => ({ nodeId: n.nodeId, identifier: n.identifier, url: n.url })),
    details: { fromGeneration: key.generation },
  });
  const decided = await inCeremony(ceremony, async () => {
    try {
      return await stageEverywhere();
    } catch (e) {
      // A decision whose transaction committed though its caller saw an error (a connection lost
      // at commit) stands: the nodes are committed below, never aborted.
      const status = await ceremonyStatus(ctx, keyId, ceremony.id);
      if (status === 'completed') return getKey(ctx.ledger.store.db, keyId);
      // Before the decision: every node drops what it staged and keeps the share it had. A node
      // that misses this keeps an unused staged share, which the next refresh replaces. When the
      // store cannot say whether the decision was taken, nothing is aborted: a staged share left
      // behind is harmless, one dropped after the decision would strand the key.
      if (status !== undefined)
        await Promise.allSettled(
          clients.map((c) => c.post('/v1/refresh/abort', { ceremonyId: ceremony.id, keyId })),
        );
      throw e;
    }
  });
  ctx.progress?.('commit', 3, 4);
  await commitEverywhere(ctx, decided, ceremony.id);
  ctx.progress?.('done', 4, 4);
  return decided;

  async function stageEverywhere(): Promise<RegisteredKey> {
    ctx.progress?.('round 1', 0, 4);
    const r1 = await all(clients, (c) =>
      c.post<RefreshPackageJson>('/v1/refresh/round1', {
        ceremonyId: ceremony.id,
        keyId,
        generation: key.generation,
        participants,
      }),
    );
    ctx.progress?.('round 2', 1, 4);
    const r2 = await all(clients, (c) =>
      c.post<{ envelopes: Envelope[] }>('/v1/refresh/round2', { ceremonyId: ceremony.id, round1: r1 }),
    );
    const inbox = routeEnvelopes(
      participants,
      r2.map((r) => r.envelopes),
    );
    ctx.progress?.('finish', 2, 4);
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
    // The decision: the registry's next generation and the ceremony's completion, one transaction.
    const now = isoTime(ctx.ledger.clock.now());
    await ceremony.complete({ generation, groupPublicKey: key.groupPublicKey }, (db) =>
      updateKeyPackage(db, keyId, publicPackage, generation, now),
    );
    return { ...key, publicPackage, generation, updatedAt: now };
  }
}

/**
 * Commits the key's last decided refresh on every node that has not switched yet (a no-op on the
 * others), and returns the key as registered (which committing does not change). Throws
 * SIGNING_REFRESH_UNCOMMITTED naming the nodes still behind.
 */
export async function finishRefresh(ctx: CoordinatorContext, keyId: string): Promise<RegisteredKey> {
  const db = ctx.ledger.store.db;
  const key = await getKey(db, keyId);
  // Generation 1 is the DKG's: only a refresh moves it on, so a key never refreshed has nothing to
  // commit and costs no further read before a signature.
  if (key.generation === 1) return key;
  // Committed everywhere already (the usual case, run before every signature): one indexed read of
  // the ledger's few refresh-committed entries, no node asked, no ceremony history scanned.
  const [committed] = await ctx.ledger.latest({ action: REFRESH_COMMITTED, subject: keyId });
  if ((committed?.payload as { generation?: number } | undefined)?.generation === key.generation) return key;
  const last = await db
    .selectFrom('signing_ceremonies')
    .select(['ceremony_id', 'result'])
    .where('key_id', '=', keyId)
    .where('kind', '=', 'refresh')
    .where('status', '=', 'completed')
    .orderBy('started_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  // Never refreshed, or the registry's generation is not a refresh's: nothing to commit.
  if (!last || JSON.parse(last.result ?? '{}').generation !== key.generation) return key;
  await commitEverywhere(ctx, key, last.ceremony_id);
  return key;
}

/**
 * `finishRefresh` before a signature or a repair: a node still out of reach does not stop them (the
 * others act without it; the failure is in the ledger as `signing.refresh.uncommitted`).
 */
export async function finishRefreshIfReachable(
  ctx: CoordinatorContext,
  keyId: string,
): Promise<RegisteredKey> {
  try {
    return await finishRefresh(ctx, keyId);
  } catch (e) {
    if ((e as { code?: string }).code !== 'SIGNING_REFRESH_UNCOMMITTED') throw e;
    return getKey(ctx.ledger.store.db, keyId);
  }
}

const REFRESH_COMMITTED = 'signing.refresh.committed';

/** The ceremony's recorded status; undefined when the store cannot be read (unknown). */
async function ceremonyStatus(
  ctx: CoordinatorContext,
  keyId: string,
  ceremonyId: string,
): Promise<string | undefined> {
  try {
    const row = await ctx.ledger.store.db
      .selectFrom('signing_ceremonies')
      .select('status')
      .where('key_id', '=', keyId)
      .where('ceremony_id', '=', ceremonyId)
      .executeTakeFirst();
    return row?.status ?? 'missing';
  } catch {
    return undefined;
  }
}

async function commitEverywhere(
  ctx: CoordinatorContext,
  key: RegisteredKey,
  ceremonyId: string,
): Promise<void> {
  const settled = await Promise.allSettled(
    key.nodes.map((n) =>
      clientFor(ctx, n).post<{ outcome: 'committed' | 'already' }>('/v1/refresh/commit', {
        ceremonyId,
        keyId: key.keyId,
        generation: key.generation,
      }),
    ),
  );
  const behind = settled.flatMap((s, i) =>
    s.status === 'rejected'
      ? [{ node: key.nodes[i]!.nodeId, code: (s.reason as { code?: string }).code ?? 'UNREACHABLE' }]
      : [],
  );
  if (behind.length === 0) {
    await ctx.ledger.record({
      actor: ctx.actor,
      action: REFRESH_COMMITTED,
      subject: key.keyId,
      payload: { ceremonyId, generation: key.generation },
    });
    return;
  }
  await ctx.ledger.record({
    actor: ctx.actor,
    action: 'signing.refresh.uncommitted',
    subject: key.keyId,
    payload: { ceremonyId, generation: key.generation, behind },
  });
  throw new RampartError(
    'SIGNING_REFRESH_UNCOMMITTED',
    `the refresh to generation ${key.generation} is decided, but ${behind.map((b) => b.node).join(', ')} did not switch yet: run \`rampart signing refresh --key ${key.keyId} --finish\` once ${behind.length > 1 ? 'they are' : 'it is'} reachable`,
    { status: 503, details: { keyId: key.keyId, generation: key.generation, ceremonyId, behind } },
  );
}
