/**
 * Sessions over HTTP: the principal resolver (session cookie → `user:<id>` with the permissions of
 * the person's roles) and the CSRF check. CSRF: every state-changing request made with a session
 * must carry `X-CSRF-Token` equal to the session's token (from `GET /api/v1/access/session`); a
 * page on another origin can make the browser send the cookie (SameSite aside) but cannot read the
 * token. Requests without a session (signed service requests) are not concerned.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type AuthorizedPrincipal, grantedPrincipal } from '../authz/principals.ts';
import { admitBreakGlass, breakGlassSecret } from '../break-glass/break-glass.ts';
import type { AccessContext } from './context.ts';
import { readSessionCookie } from './cookies.ts';
import { AccessError } from './errors.ts';
import { sameSecret } from './secrets.ts';
import { type ResolvedSession, resolveSession } from './sessions.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller's session, when the caller is a person signed in to the console. */
    accessSession?: ResolvedSession;
    /** The people context that resolved the session (step-up checks run against it). */
    accessContext?: AccessContext;
  }
}

export type UserPrincipal = AuthorizedPrincipal;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The session behind the request's cookie; undefined without a cookie, an AccessError for a bad one. */
export async function sessionOf(
  ctx: AccessContext,
  req: FastifyRequest,
): Promise<ResolvedSession | undefined> {
  const secret = readSessionCookie(ctx.relyingParty(), req.headers.cookie);
  if (secret === undefined) return undefined;
  if (secret === '') throw new AccessError('SESSION_INVALID', 'not a session');
  return resolveSession(ctx, secret);
}

export function sessionPrincipals(ctx: AccessContext) {
  return async (req: FastifyRequest): Promise<UserPrincipal | undefined> => {
    // Break-glass (src/access/break-glass): every use is recorded and raises an alert.
    const glass = breakGlassSecret(req.headers.authorization);
    if (glass !== undefined) {
      const bg = await admitBreakGlass(ctx.ledger, glass, { method: req.method, url: req.url, ip: req.ip });
      req.log.error(
        {
          code: 'BREAK_GLASS_USED',
          principal: bg.principal,
          use: bg.uses,
          url: req.url,
          ip: req.ip,
          expiresAt: bg.expiresAt,
        },
        'ALERT: break-glass account used',
      );
      return grantedPrincipal(ctx.ledger, { id: bg.principal, kind: 'user' });
    }
    let session: ResolvedSession | undefined;
    try {
      session = await sessionOf(ctx, req);
    } catch (e) {
      req.log.info({ code: (e as AccessError).code }, 'session refused');
      throw e;
    }
    if (!session) return undefined;
    req.accessSession = session;
    req.accessContext = ctx;
    // Permissions come from the person's grants in force now, not from the session.
    return grantedPrincipal(ctx.ledger, { id: `user:${session.personId}`, kind: 'user' });
  };
}

/** preHandler: a state-changing request made with a session needs the session's CSRF token. */
export async function csrfPreHandler(req: FastifyRequest, _reply: FastifyReply): Promise<void> {
  const session = req.accessSession;
  if (!session || SAFE_METHODS.has(req.method)) return;
  const header = req.headers['x-csrf-token'];
  if (typeof header !== 'string' || !sameSecret(header, session.csrfToken)) {
    req.log.warn({ code: 'CSRF_TOKEN_INVALID', session: session.id }, 'CSRF token missing or wrong');
    throw new AccessError('CSRF_TOKEN_INVALID', 'missing or wrong X-CSRF-Token header');
  }
}
