/** HTTP routes of custody requests and approvals. The caller is always the authenticated principal. */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  checkStepUp,
  hasSession,
  requireStepUp,
  StepUpError,
  stepUpProofSchema,
} from '../access/stepup/index.ts';
import { InvalidInputError } from '../core/index.ts';
import type { Ledger } from '../ledger/index.ts';
import {
  addApproverKey,
  approveRequest,
  attachOwnerSignature,
  type CustodyRequest,
  exportBundle,
  getRequest,
  listRequests,
  type PolicyHook,
  submitRequest,
  updateRequest,
} from './requests/index.ts';

const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'expected a 0x-prefixed 20-byte hex address');
const requestBody = z.record(z.string(), z.unknown());
const errors = {
  400: errorBody,
  403: errorBody,
  404: errorBody,
  409: errorBody,
  422: errorBody,
  429: errorBody,
};
const json = (r: CustodyRequest) => r as unknown as Record<string, unknown>;

export const custodyRequestRoutes: FastifyPluginAsync<{ ledger: Ledger; policy?: PolicyHook }> = async (
  app,
  { ledger, policy },
) => {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['custody requests'];
  const who = (req: { principal?: { id: string } }) => req.principal!.id;

  api.post(
    '/api/v1/custody/requests',
    {
      config: { permission: 'custody:request:submit' },
      schema: {
        tags,
        summary: 'Submit one Safe transaction for analysis, policy and approval',
        body: z.object({
          wallet: address,
          chainId: z.number().int().positive().optional(),
          transaction: z.record(z.string(), z.unknown()),
        }),
        response: { 200: requestBody, ...errors },
      },
    },
    async (req) =>
      json(
        await submitRequest(ledger, {
          initiator: who(req),
          wallet: req.body.wallet,
          ...(req.body.chainId ? { chainId: req.body.chainId } : {}),
          transaction: req.body.transaction,
          ...(policy ? { policy } : {}),
        }),
      ),
  );

  api.get(
    '/api/v1/custody/requests',
    {
      config: { permission: 'custody:read' },
      schema: {
        tags,
        querystring: z.object({ status: z.enum(['pending', 'denied', 'approved', 'exported']).optional() }),
        response: { 200: z.array(requestBody) },
      },
    },
    async (req) => (await listRequests(ledger, req.query.status)).map(json),
  );

  api.get(
    '/api/v1/custody/requests/:id',
    {
      config: { permission: 'custody:read' },
      schema: { tags, params: z.object({ id: z.string() }), response: { 200: requestBody, ...errors } },
    },
    async (req) => json(await getRequest(ledger, req.params.id)),
  );

  api.put(
    '/api/v1/custody/requests/:id',
    {
      config: { permission: 'custody:request:submit' },
      schema: {
        tags,
        summary: 'Change the transaction: a new analysis and digest; earlier approvals no longer count',
        params: z.object({ id: z.string() }),
        body: z.object({ transaction: z.record(z.string(), z.unknown()) }),
        response: { 200: requestBody, ...errors },
      },
    },
    async (req) =>
      json(
        await updateRequest(ledger, {
          id: req.params.id,
          actor: who(req),
          transaction: req.body.transaction,
          ...(policy ? { policy } : {}),
        }),
      ),
  );

  api.post(
    '/api/v1/custody/requests/:id/approvals',
    {
      config: { permission: 'custody:approve' },
      schema: {
        tags,
        summary:
          "Approve the request's current analysis digest: a person in the console with a passkey step-up over { action: 'custody.request.approve', requestId, digest }; a service or the CLI with an Ed25519 signature over the canonical approval message",
        params: z.object({ id: z.string() }),
        body: z.object({
          digest: z.string().regex(/^[0-9a-f]{64}$/, 'a digest is 64 lowercase hex characters'),
          signature: z.string().min(1).optional(),
          stepUp: stepUpProofSchema.optional(),
        }),
        response: { 200: requestBody, ...errors },
      },
    },
    async (req) => {
      const { digest, signature, stepUp } = req.body;
      if (hasSession(req)) {
        // A console session alone never approves (it could be captured): a passkey step-up over
        // exactly this request and digest, rebuilt here from what is being executed.
        if (!stepUp)
          throw new StepUpError('STEPUP_REQUIRED', 'approving in the console needs a passkey step-up');
        const v = await checkStepUp(
          req,
          { action: 'custody.request.approve', requestId: req.params.id, digest },
          stepUp,
        );
        return json(
          await approveRequest(ledger, {
            id: req.params.id,
            approver: who(req),
            digest,
            passkey: { stepUp: v.id, evidence: v.evidence as unknown as Record<string, unknown>, use: v.use },
          }),
        );
      }
      if (!signature)
        throw new InvalidInputError(
          'APPROVAL_SIGNATURE_REQUIRED',
          'signature: an Ed25519 approval signature is required (or approve in the console with a passkey)',
        );
      return json(await approveRequest(ledger, { id: req.params.id, approver: who(req), digest, signature }));
    },
  );

  api.post(
    '/api/v1/custody/requests/:id/signatures',
    {
      config: { permission: 'custody:request:submit' },
      schema: {
        tags,
        summary: "Attach an owner's signature (65 bytes hex) from a hardware wallet",
        params: z.object({ id: z.string() }),
        body: z.object({ signature: z.string() }),
        response: { 200: requestBody, ...errors },
      },
    },
    async (req) =>
      json(
        await attachOwnerSignature(ledger, {
          id: req.params.id,
          actor: who(req),
          signature: req.body.signature,
        }),
      ),
  );

  api.post(
    '/api/v1/custody/requests/:id/export',
    {
      config: { permission: 'custody:request:submit' },
      schema: {
        tags,
        summary:
          "The execution bundle, once approved and signed (a person in the console: with a passkey step-up over { action: 'custody.request.export', requestId })",
        params: z.object({ id: z.string() }),
        body: z.object({ stepUp: stepUpProofSchema.optional() }).nullish(),
        response: { 200: requestBody, ...errors },
      },
    },
    async (req) => {
      const stepUp = hasSession(req)
        ? await checkStepUp(
            req,
            { action: 'custody.request.export', requestId: req.params.id },
            req.body?.stepUp,
          )
        : undefined;
      return (await exportBundle(ledger, {
        id: req.params.id,
        actor: who(req),
        ...(stepUp ? { stepUp } : {}),
      })) as unknown as Record<string, unknown>;
    },
  );

  api.post(
    '/api/v1/custody/approver-keys',
    {
      config: { permission: 'custody:approve' },
      schema: {
        tags,
        summary: "Register the caller's own Ed25519 approval key (base64)",
        body: z.object({ publicKey: z.string(), stepUp: stepUpProofSchema.optional() }),
        response: { 200: z.object({ principal: z.string(), publicKey: z.string() }), ...errors },
      },
    },
    async (req) => {
      // From a console session, an approval key would bypass the passkey step-up: it needs one itself.
      if (hasSession(req))
        await requireStepUp(req, { action: 'custody.approver_key.add', publicKey: req.body.publicKey });
      await addApproverKey(ledger, { principal: who(req), publicKey: req.body.publicKey, actor: who(req) });
      return { principal: who(req), publicKey: req.body.publicKey };
    },
  );
};
