/**
 * Step-up over HTTP: the body field a protected route accepts, and `requireStepUp`, which a route
 * calls with the action it is about to execute, rebuilt from its own parameters and body.
 *
 *   body: z.object({ …, stepUp: stepUpProofSchema.optional() })
 *   const used = await requireStepUp(req, { action: 'access.role.grant', personId, role });
 *
 * Step-up concerns people signed in to the console (a session): a captured session must not be
 * enough to approve, change a role or export. A request without a session (a signed service request)
 * is refused with STEPUP_REQUIRED here; routes that also serve services decide that with
 * `hasSession(req)` before calling.
 */
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AuditedTx } from '../../ledger/index.ts';
import { StepUpError } from './errors.ts';
import { checkAction } from './statement.ts';
import { consumeStepUp, type VerifiedStepUp, verifyAndUseStepUp, verifyStepUp } from './verify.ts';

const b64url = z
  .string()
  .max(100_000)
  .regex(/^[A-Za-z0-9_-]*={0,2}$/, 'expected base64url');

/** `{ challengeId, response }`: the step-up's id and the WebAuthn assertion (AuthenticationResponseJSON). */
export const stepUpProofSchema = z
  .object({
    challengeId: z.string().min(1).max(100),
    response: z.looseObject({
      id: b64url.min(1),
      rawId: b64url,
      type: z.literal('public-key'),
      response: z.looseObject({
        clientDataJSON: b64url,
        authenticatorData: b64url,
        signature: b64url,
        userHandle: b64url.optional(),
      }),
      clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
    }),
  })
  .describe('a passkey step-up: POST /api/v1/access/stepup/options for the action, then the assertion');

export type StepUpProofBody = z.infer<typeof stepUpProofSchema>;

/** Whether the caller is a person with a console session (step-up applies). */
export function hasSession(req: FastifyRequest): boolean {
  return req.accessSession !== undefined && req.accessContext !== undefined;
}

function prepare(req: FastifyRequest, action: object, proof: unknown) {
  const a = checkAction(action);
  const session = req.accessSession;
  const ctx = req.accessContext;
  if (!session || !ctx)
    throw new StepUpError('STEPUP_REQUIRED', `${a.action} needs a passkey step-up from a console session`);
  if (proof === undefined || proof === null)
    throw new StepUpError('STEPUP_REQUIRED', `${a.action} needs a passkey step-up`, {
      details: { action: a.action },
    });
  const parsed = stepUpProofSchema.safeParse(proof);
  if (!parsed.success)
    throw new StepUpError('STEPUP_REQUIRED', `stepUp: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return {
    ctx,
    input: {
      session: { id: session.id, personId: session.personId },
      action: a,
      proof: {
        challengeId: parsed.data.challengeId,
        response: parsed.data.response as unknown as AuthenticationResponseJSON,
      },
      address: req.ip,
    },
  };
}

function bodyProof(req: FastifyRequest): unknown {
  const b = req.body as { stepUp?: unknown } | undefined;
  return b && typeof b === 'object' ? b.stepUp : undefined;
}

/**
 * Verify the request's step-up (`body.stepUp`, or `proof`) for exactly `action` and use it, in a
 * ledger transaction of its own (`access.stepup.used`). Throws a StepUpError (403) or LOCKED_OUT (429).
 */
export async function requireStepUp(
  req: FastifyRequest,
  action: object,
  proof: unknown = bodyProof(req),
): Promise<VerifiedStepUp> {
  const { ctx, input } = prepare(req, action, proof);
  return verifyAndUseStepUp(ctx, input);
}

/**
 * Verify now, use later inside the change's own transaction (`use(tx)`), so the step-up is spent
 * if and only if the change commits.
 */
export async function checkStepUp(
  req: FastifyRequest,
  action: object,
  proof: unknown = bodyProof(req),
): Promise<VerifiedStepUp & { use(tx: AuditedTx): Promise<void> }> {
  const { ctx, input } = prepare(req, action, proof);
  const v = await verifyStepUp(ctx, input);
  return { ...v, use: (tx) => consumeStepUp(ctx, tx, v) };
}
