/**
 * The node's side of a FROST signature (RFC 9591 §5): round one `commit`, round two `share`.
 * Nonce durability is nonces.ts's; the approval check (`ctx.authorize`) runs before a nonce is
 * consumed, from the raw message and the request the node is given, never from a verdict the
 * coordinator asserts.
 */
import { z } from 'zod';
import { bytesToHex, hexToBytes, RampartError } from '../../core/index.ts';
import { getSuite } from '../frost/index.ts';
import type { NodeContext } from './context.ts';
import { ceremonyIdSchema, keyIdSchema } from './dkg.ts';
import { type CommitmentJson, commitmentSchema } from './packages.ts';

export const commitBody = z.strictObject({ keyId: keyIdSchema, sessionId: ceremonyIdSchema });
export const shareBody = z.strictObject({
  keyId: keyIdSchema,
  sessionId: ceremonyIdSchema,
  /** The exact bytes to sign, hex (at most 64 KiB). */
  message: z
    .string()
    .regex(/^([0-9a-f]{2})*$/)
    .max(131_072),
  commitments: z.array(commitmentSchema).min(1).max(255),
  /** The approved signing request the node re-verifies (see authorize). */
  request: z.unknown().optional(),
});

export async function commit(
  ctx: NodeContext,
  body: z.infer<typeof commitBody>,
): Promise<{ commitment: CommitmentJson; generation: number }> {
  return ctx.shares.withKey(body.keyId, async (key, stored) => {
    const suite = getSuite(stored.suite);
    const commitment = await ctx.nonces.commit(
      suite.frost,
      key,
      body.keyId,
      stored.generation,
      body.sessionId,
    );
    return { commitment, generation: stored.generation };
  });
}

export async function abandon(
  ctx: NodeContext,
  body: z.infer<typeof commitBody>,
): Promise<{ destroyed: boolean }> {
  return { destroyed: await ctx.nonces.abandon(body.keyId, body.sessionId) };
}

export async function share(
  ctx: NodeContext,
  body: z.infer<typeof shareBody>,
): Promise<{ identifier: string; share: string }> {
  const message = hexToBytes(body.message);
  return ctx.shares.withKey(body.keyId, async (key, stored) => {
    const suite = getSuite(stored.suite);
    const s = await ctx.nonces.consume(
      suite,
      key,
      body.keyId,
      stored.generation,
      body.sessionId,
      body.commitments,
      (nonces, list) => suite.frost.signShare(key.secret, key.public, nonces, list, message),
      () => ctx.authorize({ keyId: body.keyId, suite: suite.name, message, request: body.request }),
    );
    if (!(s instanceof Uint8Array))
      throw new RampartError('SIGNER_SHARE_FAILED', 'no signature share was produced', { status: 500 });
    return { identifier: key.secret.identifier, share: bytesToHex(s) };
  });
}
