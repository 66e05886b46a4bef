/**
 * Proactive refresh on the node (frost/refresh.ts: Herzberg et al. 1995, frost-rs refresh layout).
 * Round-2 values go to each receiver in an envelope.
 *
 * Two phases, so that a refresh moves every node or none: on finish the refreshed share is sealed
 * and *staged* beside the current one, which still signs; only when the coordinator has seen every
 * node finish with the same public package, and recorded that decision, does it ask each node to
 * commit (the staged share replaces the old one in the same row, generation + 1: the old share no
 * longer exists on this node, and nonces committed under the old generation can no longer be used)
 * or, before the decision, to abort (the staged share is dropped). A node that misses the commit
 * keeps its staged share across restarts and is committed by the next attempt (idempotent).
 */
import { z } from 'zod';
import { bytesToHex, hexToBytes, InvalidInputError } from '../../core/index.ts';
import {
  getSuite,
  type RefreshRound1Package,
  type RefreshSecret,
  refreshFinish,
  refreshRound1,
  refreshRound2,
  wipeRefreshSecret,
} from '../frost/index.ts';
import { type NodeContext, type Participant, participantSchema, self } from './context.ts';
import { ceremonyIdSchema, keyIdSchema } from './dkg.ts';
import { type Envelope, envelopeSchema, openEnvelope, sealEnvelope } from './envelope.ts';
import { ConflictError } from './errors.ts';
import { hexBytes, identifierSchema, publicToJson } from './packages.ts';

export const refreshPackageSchema = z.strictObject({
  identifier: identifierSchema,
  verifyingKey: hexBytes,
  commitment: z.array(hexBytes),
});
export type RefreshPackageJson = z.infer<typeof refreshPackageSchema>;

export const refreshRound1Body = z.strictObject({
  ceremonyId: ceremonyIdSchema,
  keyId: keyIdSchema,
  generation: z.number().int().min(1),
  participants: z.array(participantSchema).min(1).max(255),
});
export const refreshRound2Body = z.strictObject({
  ceremonyId: ceremonyIdSchema,
  round1: z.array(refreshPackageSchema),
});
export const refreshFinishBody = z.strictObject({
  ceremonyId: ceremonyIdSchema,
  round2: z.array(envelopeSchema),
});
export const refreshCommitBody = z.strictObject({
  ceremonyId: ceremonyIdSchema,
  keyId: keyIdSchema,
  generation: z.number().int().min(2),
});
export const refreshAbortBody = z.strictObject({
  ceremonyId: ceremonyIdSchema,
  keyId: keyIdSchema,
});

interface RefreshState {
  keyId: string;
  suiteName: string;
  generation: number;
  me: Participant;
  participants: Participant[];
  secret: RefreshSecret;
}

const fromJson = (p: RefreshPackageJson): RefreshRound1Package => ({
  identifier: p.identifier,
  verifyingKey: hexToBytes(p.verifyingKey),
  commitment: p.commitment.map(hexToBytes),
});

export async function refreshStart(
  ctx: NodeContext,
  body: z.infer<typeof refreshRound1Body>,
): Promise<RefreshPackageJson> {
  const me = self(ctx, body.participants);
  return ctx.shares.withKey(body.keyId, (key, stored) => {
    if (stored.generation !== body.generation)
      throw new ConflictError('SIGNER_GENERATION_MISMATCH', 'this node holds another generation of the key', {
        expected: body.generation,
        held: stored.generation,
      });
    if (me.identifier !== key.secret.identifier)
      throw new InvalidInputError(
        'SIGNER_PARTICIPANTS_INVALID',
        'the coordinator names this node with another identifier',
      );
    const suite = getSuite(stored.suite);
    const r = refreshRound1(
      suite,
      key,
      body.participants.map((p) => p.identifier),
    );
    const state: RefreshState = {
      keyId: body.keyId,
      suiteName: stored.suite,
      generation: stored.generation,
      me,
      participants: body.participants,
      secret: r.secret,
    };
    ctx.ceremonies.start('refresh', body.ceremonyId, state, () => wipeRefreshSecret(r.secret));
    return {
      identifier: r.public.identifier,
      verifyingKey: bytesToHex(r.public.verifyingKey),
      commitment: r.public.commitment.map((c) => bytesToHex(c)),
    };
  });
}

export async function refreshSend(
  ctx: NodeContext,
  body: z.infer<typeof refreshRound2Body>,
): Promise<{ envelopes: Envelope[] }> {
  const st = ctx.ceremonies.get<RefreshState>('refresh', body.ceremonyId);
  const suite = getSuite(st.suiteName);
  const others = body.round1.filter((p) => p.identifier !== st.me.identifier).map(fromJson);
  const out = refreshRound2(suite, st.secret, others);
  const envelopes: Envelope[] = [];
  for (const [to, pkg] of Object.entries(out)) {
    const receiver = st.participants.find((p) => p.identifier === to)!;
    envelopes.push(
      sealEnvelope(
        {
          purpose: 'refresh-round2',
          ceremonyId: body.ceremonyId,
          keyId: st.keyId,
          from: st.me.identifier,
          to,
        },
        pkg.signingShare,
        hexToBytes(receiver.boxPublic),
        ctx.identity.signingKey,
      ),
    );
    pkg.signingShare.fill(0);
  }
  return { envelopes };
}

export async function refreshComplete(
  ctx: NodeContext,
  body: z.infer<typeof refreshFinishBody>,
): Promise<{ identifier: string; generation: number; publicPackage: ReturnType<typeof publicToJson> }> {
  const st = ctx.ceremonies.get<RefreshState>('refresh', body.ceremonyId);
  const suite = getSuite(st.suiteName);
  try {
    const round2 = body.round2.map((env) => {
      const sender = st.participants.find((p) => p.identifier === env.from);
      if (!sender || env.to !== st.me.identifier)
        throw new InvalidInputError(
          'SIGNER_PARTICIPANTS_INVALID',
          'a refresh message is from a stranger or for another node',
        );
      return {
        identifier: env.from,
        signingShare: openEnvelope(
          {
            purpose: 'refresh-round2',
            ceremonyId: body.ceremonyId,
            keyId: st.keyId,
            from: env.from,
            to: st.me.identifier,
          },
          env,
          hexToBytes(sender.signingPublic),
          ctx.identity.boxKey,
        ),
      };
    });
    const generation = st.generation + 1;
    const refreshed = await ctx.shares.withKey(st.keyId, (key, stored) => {
      if (stored.generation !== st.generation)
        throw new ConflictError('SIGNER_GENERATION_MISMATCH', 'the share changed during the refresh');
      try {
        return refreshFinish(suite, st.secret, key, round2);
      } finally {
        for (const r of round2) r.signingShare.fill(0);
      }
    });
    const publicPackage = publicToJson(refreshed.public);
    await ctx.shares.stage(body.ceremonyId, st.keyId, suite.name, refreshed, generation);
    return { identifier: st.me.identifier, generation, publicPackage };
  } finally {
    ctx.ceremonies.finish(body.ceremonyId);
  }
}

/** Phase two, on the coordinator's decision: the staged share becomes this node's share. */
export async function refreshCommit(
  ctx: NodeContext,
  body: z.infer<typeof refreshCommitBody>,
): Promise<{ keyId: string; generation: number; outcome: 'committed' | 'already' }> {
  const outcome = await ctx.shares.commitStaged(body.ceremonyId, body.keyId, body.generation);
  return { keyId: body.keyId, generation: body.generation, outcome };
}

/** A refresh that will not be committed: the share it staged here is dropped. */
export async function refreshAbort(
  ctx: NodeContext,
  body: z.infer<typeof refreshAbortBody>,
): Promise<{ keyId: string; aborted: true }> {
  ctx.ceremonies.abandon('refresh', body.ceremonyId);
  await ctx.shares.discardStaged(body.ceremonyId, body.keyId);
  return { keyId: body.keyId, aborted: true };
}
