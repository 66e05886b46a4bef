/**
 * Distributed key generation on the node: noble's DKG round API (frost-rs layout; RFC 9591 leaves
 * DKG out of scope, Appendix C gives the VSS it builds on). Round 2 shares are secret: each goes to
 * its receiver in an envelope (envelope.ts) the coordinator cannot open. The share that round 3
 * yields is sealed at once (shares.ts); the round state lives in memory only.
 */
import { z } from 'zod';
import { bytesToHex, hexToBytes, InvalidInputError } from '../../core/index.ts';
import { getSuite, type Key, SUITE_NAMES } from '../frost/index.ts';
import { type NodeContext, type Participant, participantSchema, self } from './context.ts';
import { type Envelope, envelopeSchema, openEnvelope, sealEnvelope } from './envelope.ts';
import { ConflictError } from './errors.ts';
import { hexBytes, identifierSchema, publicToJson } from './packages.ts';

export const keyIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'lower-case letters, digits, ".", "_" or "-"');
export const ceremonyIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);

export const dkgRound1PackageSchema = z.strictObject({
  identifier: identifierSchema,
  commitment: z.array(hexBytes).min(1),
  proofOfKnowledge: hexBytes,
});
export type DkgRound1Package = z.infer<typeof dkgRound1PackageSchema>;

export const dkgRound1Body = z.strictObject({
  ceremonyId: ceremonyIdSchema,
  keyId: keyIdSchema,
  suite: z.enum(SUITE_NAMES),
  threshold: z.number().int().min(1),
  participants: z.array(participantSchema).min(1).max(255),
});
export const dkgRound2Body = z.strictObject({
  ceremonyId: ceremonyIdSchema,
  round1: z.array(dkgRound1PackageSchema),
});
export const dkgRound3Body = z.strictObject({
  ceremonyId: ceremonyIdSchema,
  round2: z.array(envelopeSchema),
});

interface DkgState {
  keyId: string;
  suite: ReturnType<typeof getSuite>;
  me: Participant;
  participants: Participant[];
  secret: ReturnType<ReturnType<typeof getSuite>['frost']['DKG']['round1']>['secret'];
  round1?: DkgRound1Package[];
}

function toRound1(p: DkgRound1Package) {
  return {
    identifier: p.identifier,
    commitment: p.commitment.map((c) => Uint8Array.from(hexToBytes(c))),
    proofOfKnowledge: Uint8Array.from(hexToBytes(p.proofOfKnowledge)),
  };
}

export async function dkgRound1(
  ctx: NodeContext,
  body: z.infer<typeof dkgRound1Body>,
): Promise<DkgRound1Package> {
  const suite = getSuite(body.suite);
  const n = body.participants.length;
  if (body.threshold < 2 || body.threshold > n)
    throw new InvalidInputError('SIGNER_THRESHOLD_INVALID', `the threshold must be between 2 and ${n}`, {
      threshold: body.threshold,
    });
  const me = self(ctx, body.participants);
  if (await ctx.shares.find(body.keyId))
    throw new ConflictError('SIGNER_KEY_EXISTS', 'this node already holds a share of a key with this id', {
      keyId: body.keyId,
    });
  const { public: pub, secret } = suite.frost.DKG.round1(me.identifier, { min: body.threshold, max: n });
  const state: DkgState = { keyId: body.keyId, suite, me, participants: body.participants, secret };
  ctx.ceremonies.start('dkg', body.ceremonyId, state, () => suite.frost.DKG.clean(secret));
  return {
    identifier: pub.identifier,
    commitment: pub.commitment.map((c) => bytesToHex(c)),
    proofOfKnowledge: bytesToHex(pub.proofOfKnowledge),
  };
}

export async function dkgRound2(
  ctx: NodeContext,
  body: z.infer<typeof dkgRound2Body>,
): Promise<{ envelopes: Envelope[] }> {
  const st = ctx.ceremonies.get<DkgState>('dkg', body.ceremonyId);
  const others = body.round1.filter((p) => p.identifier !== st.me.identifier);
  const out = st.suite.frost.DKG.round2(st.secret, others.map(toRound1));
  st.round1 = others;
  const envelopes: Envelope[] = [];
  for (const [to, pkg] of Object.entries(out)) {
    const receiver = st.participants.find((p) => p.identifier === to);
    if (!receiver)
      throw new InvalidInputError('SIGNER_PARTICIPANTS_INVALID', 'a round-2 receiver is not a participant');
    envelopes.push(
      sealEnvelope(
        { purpose: 'dkg-round2', ceremonyId: body.ceremonyId, keyId: st.keyId, from: st.me.identifier, to },
        pkg.signingShare,
        hexToBytes(receiver.boxPublic),
        ctx.identity.signingKey,
      ),
    );
    pkg.signingShare.fill(0);
  }
  return { envelopes };
}

export async function dkgRound3(
  ctx: NodeContext,
  body: z.infer<typeof dkgRound3Body>,
): Promise<{ identifier: string; publicPackage: ReturnType<typeof publicToJson> }> {
  const st = ctx.ceremonies.get<DkgState>('dkg', body.ceremonyId);
  if (!st.round1) throw new ConflictError('SIGNER_CEREMONY_ORDER', 'round 3 before round 2');
  const round2 = body.round2.map((env) => {
    const sender = st.participants.find((p) => p.identifier === env.from);
    if (!sender || env.to !== st.me.identifier)
      throw new InvalidInputError(
        'SIGNER_PARTICIPANTS_INVALID',
        'a round-2 message is from a stranger or for another node',
      );
    const share = openEnvelope(
      {
        purpose: 'dkg-round2',
        ceremonyId: body.ceremonyId,
        keyId: st.keyId,
        from: env.from,
        to: st.me.identifier,
      },
      env,
      hexToBytes(sender.signingPublic),
      ctx.identity.boxKey,
    );
    return { identifier: env.from, signingShare: share };
  });
  let key: Key;
  try {
    key = st.suite.frost.DKG.round3(st.secret, st.round1.map(toRound1), round2) as Key;
  } finally {
    for (const r of round2) r.signingShare.fill(0);
    ctx.ceremonies.finish(body.ceremonyId);
  }
  const publicPackage = publicToJson(key.public);
  await ctx.shares.put(st.keyId, st.suite.name, key, 1);
  return { identifier: st.me.identifier, publicPackage };
}
