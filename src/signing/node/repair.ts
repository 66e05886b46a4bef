/**
 * Share repair on the node (frost/repair.ts: Laing & Stinson's repairable threshold scheme, frost-rs
 * steps 1–3). Helpers exchange deltas in envelopes, each sends its sigma in an envelope to the node
 * being repaired, which sums them, checks the result against its verifying share and seals it.
 */
import { z } from 'zod';
import { hexToBytes, InvalidInputError } from '../../core/index.ts';
import { getSuite, repairStep1, repairStep2, repairStep3 } from '../frost/index.ts';
import { type NodeContext, type Participant, participantSchema, self } from './context.ts';
import { ceremonyIdSchema, keyIdSchema } from './dkg.ts';
import { type Envelope, envelopeSchema, openEnvelope, sealEnvelope } from './envelope.ts';
import { ConflictError } from './errors.ts';
import { publicFromJson, publicPackageSchema } from './packages.ts';

export const repairStep1Body = z.strictObject({
  ceremonyId: ceremonyIdSchema,
  keyId: keyIdSchema,
  generation: z.number().int().min(1),
  helpers: z.array(participantSchema).min(1).max(255),
  lost: participantSchema,
});
export const repairStep2Body = z.strictObject({
  ceremonyId: ceremonyIdSchema,
  deltas: z.array(envelopeSchema),
});
export const repairStep3Body = z.strictObject({
  ceremonyId: ceremonyIdSchema,
  keyId: keyIdSchema,
  suite: z.string(),
  generation: z.number().int().min(1),
  me: participantSchema,
  helpers: z.array(participantSchema).min(1).max(255),
  publicPackage: publicPackageSchema,
  sigmas: z.array(envelopeSchema),
});

interface RepairState {
  keyId: string;
  suiteName: string;
  me: Participant;
  helpers: Participant[];
  lost: Participant;
  own: Uint8Array;
}

export async function repairDeal(
  ctx: NodeContext,
  body: z.infer<typeof repairStep1Body>,
): Promise<{ envelopes: Envelope[] }> {
  const me = self(ctx, body.helpers);
  return ctx.shares.withKey(body.keyId, (key, stored) => {
    if (stored.generation !== body.generation)
      throw new ConflictError('SIGNER_GENERATION_MISMATCH', 'this node holds another generation of the key', {
        expected: body.generation,
        held: stored.generation,
      });
    const suite = getSuite(stored.suite);
    const deltas = repairStep1(
      suite,
      key,
      body.helpers.map((h) => h.identifier),
      body.lost.identifier,
    );
    const envelopes: Envelope[] = [];
    let own: Uint8Array | undefined;
    for (const [to, delta] of Object.entries(deltas)) {
      if (to === me.identifier) {
        own = delta;
        continue;
      }
      const receiver = body.helpers.find((h) => h.identifier === to)!;
      envelopes.push(
        sealEnvelope(
          {
            purpose: 'repair-delta',
            ceremonyId: body.ceremonyId,
            keyId: body.keyId,
            from: me.identifier,
            to,
          },
          delta,
          hexToBytes(receiver.boxPublic),
          ctx.identity.signingKey,
        ),
      );
      delta.fill(0);
    }
    const state: RepairState = {
      keyId: body.keyId,
      suiteName: stored.suite,
      me,
      helpers: body.helpers,
      lost: body.lost,
      own: own!,
    };
    ctx.ceremonies.start('repair', body.ceremonyId, state, () => state.own.fill(0));
    return { envelopes };
  });
}

export async function repairSigma(
  ctx: NodeContext,
  body: z.infer<typeof repairStep2Body>,
): Promise<{ envelope: Envelope }> {
  const st = ctx.ceremonies.get<RepairState>('repair', body.ceremonyId);
  const suite = getSuite(st.suiteName);
  const received: Uint8Array[] = [];
  try {
    for (const env of body.deltas) {
      const sender = st.helpers.find((h) => h.identifier === env.from);
      if (!sender || env.to !== st.me.identifier || env.from === st.me.identifier)
        throw new InvalidInputError(
          'SIGNER_PARTICIPANTS_INVALID',
          'a repair delta is from a stranger or for another node',
        );
      received.push(
        openEnvelope(
          {
            purpose: 'repair-delta',
            ceremonyId: body.ceremonyId,
            keyId: st.keyId,
            from: env.from,
            to: st.me.identifier,
          },
          env,
          hexToBytes(sender.signingPublic),
          ctx.identity.boxKey,
        ),
      );
    }
    if (received.length !== st.helpers.length - 1)
      throw new InvalidInputError('SIGNER_PARTICIPANTS_INVALID', 'a repair delta is missing', {
        received: received.length,
      });
    const sigma = repairStep2(suite, [st.own, ...received]);
    const envelope = sealEnvelope(
      {
        purpose: 'repair-sigma',
        ceremonyId: body.ceremonyId,
        keyId: st.keyId,
        from: st.me.identifier,
        to: st.lost.identifier,
      },
      sigma,
      hexToBytes(st.lost.boxPublic),
      ctx.identity.signingKey,
    );
    sigma.fill(0);
    return { envelope };
  } finally {
    for (const r of received) r.fill(0);
    ctx.ceremonies.finish(body.ceremonyId);
  }
}

export async function repairReceive(
  ctx: NodeContext,
  body: z.infer<typeof repairStep3Body>,
): Promise<{ identifier: string; generation: number }> {
  const me = self(ctx, [body.me]);
  const suite = getSuite(body.suite);
  if (body.helpers.some((h) => h.identifier === me.identifier))
    throw new InvalidInputError('SIGNER_PARTICIPANTS_INVALID', 'the node being repaired cannot be a helper');
  const sigmas: Uint8Array[] = [];
  try {
    for (const env of body.sigmas) {
      const sender = body.helpers.find((h) => h.identifier === env.from);
      if (!sender || env.to !== me.identifier)
        throw new InvalidInputError(
          'SIGNER_PARTICIPANTS_INVALID',
          'a repair sigma is from a stranger or for another node',
        );
      sigmas.push(
        openEnvelope(
          {
            purpose: 'repair-sigma',
            ceremonyId: body.ceremonyId,
            keyId: body.keyId,
            from: env.from,
            to: me.identifier,
          },
          env,
          hexToBytes(sender.signingPublic),
          ctx.identity.boxKey,
        ),
      );
    }
    if (sigmas.length !== body.helpers.length)
      throw new InvalidInputError('SIGNER_PARTICIPANTS_INVALID', 'a repair sigma is missing');
    const key = repairStep3(suite, sigmas, me.identifier, publicFromJson(body.publicPackage));
    await ctx.shares.put(body.keyId, suite.name, key, body.generation);
    return { identifier: me.identifier, generation: body.generation };
  } finally {
    for (const s of sigmas) s.fill(0);
  }
}
