/**
 * People's HTTP API under /api/v1/access: enrollment and sign-in (public: they are how one gets a
 * session), the session, sign-out, one's own passkeys, and the list of people.
 */
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authorizerFor } from '../authz/authorizer.ts';
import { SELF } from '../roles.ts';
import { finishSignIn, startSignIn } from './authentication.ts';
import type { AccessContext } from './context.ts';
import { clearedCookie, sessionCookie } from './cookies.ts';
import { finishEnrollment, startEnrollment } from './enrollment.ts';
import { AccessError, isAccessError } from './errors.ts';
import { sessionOf } from './http-auth.ts';
import {
  assertNotLocked,
  clearAuthFailures,
  limitStarts,
  recordAuthFailure,
  signInAttemptKeys,
} from './lockout.ts';
import { finishAddPasskey, listPasskeys, revokePasskey, startAddPasskey } from './passkeys.ts';
import { listPeople, rolesOf } from './people.ts';
import { csrfTokenFor } from './secrets.ts';
import { type NewSession, SESSION_ABSOLUTE_MS, signOut } from './sessions.ts';

const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
const errors = {
  400: errorBody,
  401: errorBody,
  403: errorBody,
  404: errorBody,
  409: errorBody,
  429: errorBody,
};
const b64url = z
  .string()
  .max(100_000)
  .regex(/^[A-Za-z0-9_-]*={0,2}$/, 'expected base64url');
const ceremony = z.object({
  challengeId: z.string().min(1).max(100),
  options: z.looseObject({ challenge: z.string() }).describe('PublicKeyCredential*OptionsJSON'),
});
const registrationResponse = z.looseObject({
  id: b64url,
  rawId: b64url,
  type: z.literal('public-key'),
  response: z.looseObject({ clientDataJSON: b64url, attestationObject: b64url }),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
});
const authenticationResponse = z.looseObject({
  id: b64url,
  rawId: b64url,
  type: z.literal('public-key'),
  response: z.looseObject({
    clientDataJSON: b64url,
    authenticatorData: b64url,
    signature: b64url,
    userHandle: b64url.optional(),
  }),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
});
const person = z.object({ id: z.string(), name: z.string(), roles: z.array(z.string()) });
const signedIn = z.object({ person, csrfToken: z.string(), expiresAt: z.string() });
const sessionState = z.union([
  z.object({ signedIn: z.literal(false), reason: z.string().optional() }),
  z.object({
    signedIn: z.literal(true),
    person,
    permissions: z.array(z.string()),
    csrfToken: z.string().describe('send it as X-CSRF-Token on every state-changing request'),
    expiresAt: z.string(),
    idleExpiresAt: z.string(),
  }),
]);
const passkey = z.object({
  id: z.string(),
  label: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  backedUp: z.boolean(),
  transports: z.array(z.string()),
});

export const peopleRoutes: FastifyPluginAsync<{ ctx: AccessContext }> = async (app, { ctx }) => {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const pub = { permission: 'public' };
  const self = { permission: SELF };
  const tags = ['access'];

  // Every refusal is logged with its code (the caller sees only the code and a short message).
  app.addHook('onError', async (req, _reply, err) => {
    if (isAccessError(err)) req.log.warn({ code: err.code, url: req.url }, 'access refused');
  });

  function startSession(reply: FastifyReply, session: NewSession): string {
    reply.header('set-cookie', sessionCookie(ctx.relyingParty(), session.secret, SESSION_ABSOLUTE_MS / 1000));
    reply.header('cache-control', 'no-store');
    return csrfTokenFor(session.secret);
  }

  /** The options as a plain JSON object (the zod schema checks only that a challenge is there). */
  async function asCeremony(p: Promise<{ challengeId: string; options: object }>) {
    const { challengeId, options } = await p;
    return { challengeId, options: options as { challenge: string } & Record<string, unknown> };
  }

  function current(req: FastifyRequest) {
    const s = req.accessSession;
    if (!s) throw new AccessError('SESSION_INVALID', 'not a session');
    return s;
  }

  api.get(
    '/api/v1/access/session',
    {
      config: pub,
      schema: { tags, summary: 'The caller’s session, and its CSRF token', response: { 200: sessionState } },
    },
    async (req, reply) => {
      reply.header('cache-control', 'no-store');
      try {
        const s = await sessionOf(ctx, req);
        if (!s) return { signedIn: false as const };
        return {
          signedIn: true as const,
          person: { id: s.personId, name: s.name, roles: s.roles },
          permissions: [...(await authorizerFor(ctx.ledger).access(`user:${s.personId}`)).permissions].sort(),
          csrfToken: s.csrfToken,
          expiresAt: s.expiresAt,
          idleExpiresAt: s.idleExpiresAt,
        };
      } catch (e) {
        if (!isAccessError(e)) throw e;
        reply.header('set-cookie', clearedCookie(ctx.relyingParty()));
        return { signedIn: false as const, reason: e.code };
      }
    },
  );

  api.post(
    '/api/v1/access/enroll/options',
    {
      config: pub,
      schema: {
        tags,
        summary: 'Start enrollment with a one-time link: WebAuthn registration options',
        body: z.object({ token: z.string().min(1).max(200), name: z.string().min(1).max(100) }),
        response: { 200: ceremony, ...errors },
      },
    },
    async (req) => {
      await limitStarts(ctx, 'enroll', req.ip);
      return asCeremony(startEnrollment(ctx, req.body));
    },
  );

  api.post(
    '/api/v1/access/enroll/verify',
    {
      config: pub,
      schema: {
        tags,
        summary: 'Finish enrollment: register the passkey, become a person, sign in',
        body: z.object({
          token: z.string().min(1).max(200),
          challengeId: z.string().min(1).max(100),
          response: registrationResponse,
          label: z.string().max(100).optional(),
        }),
        response: { 200: signedIn, ...errors },
      },
    },
    async (req, reply) => {
      const r = await finishEnrollment(ctx, {
        token: req.body.token,
        challengeId: req.body.challengeId,
        response: req.body.response as unknown as RegistrationResponseJSON,
        ...(req.body.label ? { label: req.body.label } : {}),
      });
      return { person: r.person, csrfToken: startSession(reply, r.session), expiresAt: r.session.expiresAt };
    },
  );

  api.post(
    '/api/v1/access/signin/options',
    {
      config: pub,
      schema: {
        tags,
        summary: 'Start signing in with a passkey',
        response: { 200: ceremony, 429: errorBody },
      },
    },
    async (req) => {
      await limitStarts(ctx, 'signin', req.ip);
      return asCeremony(startSignIn(ctx));
    },
  );

  api.post(
    '/api/v1/access/signin/verify',
    {
      config: pub,
      schema: {
        tags,
        summary: 'Finish signing in: verify the passkey assertion, start a session',
        body: z.object({ challengeId: z.string().min(1).max(100), response: authenticationResponse }),
        response: { 200: signedIn, ...errors },
      },
    },
    async (req, reply) => {
      // Lock-out (lockout.ts): refused before anything is verified while locked; failures counted.
      const keys = await signInAttemptKeys(ctx, req.ip, req.body.response.id);
      await assertNotLocked(ctx, keys);
      let r: Awaited<ReturnType<typeof finishSignIn>>;
      try {
        r = await finishSignIn(ctx, {
          challengeId: req.body.challengeId,
          response: req.body.response as unknown as AuthenticationResponseJSON,
        });
      } catch (e) {
        if (isAccessError(e)) await recordAuthFailure(ctx, keys, 'signin');
        throw e;
      }
      await clearAuthFailures(ctx, keys);
      const roles = await rolesOf(ctx, r.person.id);
      return {
        person: { ...r.person, roles },
        csrfToken: startSession(reply, r.session),
        expiresAt: r.session.expiresAt,
      };
    },
  );

  api.post(
    '/api/v1/access/signout',
    {
      config: self,
      schema: {
        tags,
        summary: 'Sign out: end this session',
        response: { 200: z.object({ signedOut: z.literal(true) }), ...errors },
      },
    },
    async (req, reply) => {
      const s = current(req);
      await signOut(ctx, { id: s.id, personId: s.personId });
      reply.header('set-cookie', clearedCookie(ctx.relyingParty()));
      return { signedOut: true as const };
    },
  );

  api.get(
    '/api/v1/access/passkeys',
    {
      config: self,
      schema: { tags, summary: 'My passkeys', response: { 200: z.array(passkey), ...errors } },
    },
    async (req) => listPasskeys(ctx, current(req).personId),
  );

  api.post(
    '/api/v1/access/passkeys/options',
    {
      config: self,
      schema: { tags, summary: 'Start registering another passkey', response: { 200: ceremony, ...errors } },
    },
    async (req) => asCeremony(startAddPasskey(ctx, current(req).personId)),
  );

  api.post(
    '/api/v1/access/passkeys',
    {
      config: self,
      schema: {
        tags,
        summary: 'Register another passkey',
        body: z.object({
          challengeId: z.string().min(1).max(100),
          response: registrationResponse,
          label: z.string().max(100).optional(),
        }),
        response: { 200: passkey, ...errors },
      },
    },
    async (req) =>
      finishAddPasskey(ctx, {
        personId: current(req).personId,
        challengeId: req.body.challengeId,
        response: req.body.response as unknown as RegistrationResponseJSON,
        ...(req.body.label ? { label: req.body.label } : {}),
      }),
  );

  api.delete(
    '/api/v1/access/passkeys/:id',
    {
      config: self,
      schema: {
        tags,
        summary: 'Revoke one of my passkeys (not the last one)',
        params: z.object({ id: b64url.min(1).max(400) }),
        response: { 200: z.object({ revoked: z.literal(true) }), ...errors },
      },
    },
    async (req) => {
      const s = current(req);
      await revokePasskey(ctx, {
        personId: s.personId,
        passkeyId: req.params.id,
        actor: `user:${s.personId}`,
      });
      return { revoked: true as const };
    },
  );

  api.get(
    '/api/v1/access/people',
    {
      config: { permission: 'access:people:read' },
      schema: {
        tags,
        summary: 'Everyone enrolled, with their roles',
        response: {
          200: z.array(person.extend({ status: z.string(), createdAt: z.string() })),
          ...errors,
        },
      },
    },
    async () => listPeople(ctx),
  );
};
