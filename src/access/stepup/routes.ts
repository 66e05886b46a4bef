/** The step-up API: options for one exact action (the assertion then goes with the protected request). */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AccessContext } from '../people/index.ts';
import { assertNotLocked, limitStarts } from '../people/lockout.ts';
import { SELF } from '../roles.ts';
import { StepUpError } from './errors.ts';
import { issueStepUp } from './issue.ts';

const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

export const stepUpRoutes: FastifyPluginAsync<{ ctx: AccessContext }> = async (app, { ctx }) => {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post(
    '/api/v1/access/stepup/options',
    {
      config: { permission: SELF },
      schema: {
        tags: ['access'],
        summary:
          'Start a step-up for one exact action: WebAuthn options whose challenge is the hash of that action, for this session, valid once',
        body: z.object({
          action: z
            .looseObject({ action: z.string().min(1).max(100) })
            .describe(
              'e.g. { "action": "custody.request.approve", "requestId": "req_…", "digest": "<64 hex>" }',
            ),
        }),
        response: {
          200: z.object({
            challengeId: z.string(),
            options: z.looseObject({ challenge: z.string() }),
            actionHash: z.string(),
            expiresAt: z.string(),
          }),
          400: errorBody,
          403: errorBody,
          429: errorBody,
        },
      },
    },
    async (req) => {
      const s = req.accessSession;
      if (!s) throw new StepUpError('STEPUP_REQUIRED', 'a step-up needs a console session');
      await limitStarts(ctx, 'stepup', req.ip);
      await assertNotLocked(ctx, { address: req.ip, personId: s.personId });
      const issued = await issueStepUp(ctx, { id: s.id, personId: s.personId }, req.body.action);
      return {
        ...issued,
        options: issued.options as unknown as { challenge: string } & Record<string, unknown>,
      };
    },
  );
};
