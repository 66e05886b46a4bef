/**
 * Deny by default (DESIGN principle 3): every route declares the permission it needs in its
 * `config.permission`; registering a route without one throws, so the server does not start.
 * `public` is an explicit choice, used only for what a transparency log must serve to anyone
 * (checkpoints, tiles, proofs, the verifier key), the witness endpoint (authenticated by the
 * checkpoint's own signature, per C2SP tlog-witness), health and the console's static files.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RampartError } from '../core/index.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    permission?: string;
  }
  interface FastifyRequest {
    principal?: Principal;
    /** The request body exactly as received (RFC 9530 Content-Digest is over these bytes). */
    rawBody?: Buffer;
    /** Set when authentication waits for the body (a signed service request). */
    signedAuthPending?: boolean;
  }
}

export interface Principal {
  id: string;
  kind: 'user' | 'service';
  permissions: ReadonlySet<string>;
  /**
   * Called once the permission is held: conditions on it (time of day, network, step-up; see
   * src/access/authz) may still refuse, by throwing a 403 RampartError.
   */
  authorize?: (permission: string, req: FastifyRequest) => void | Promise<void>;
}

/** Resolves the caller; the access module plugs passkey sessions and signed service requests in here. */
export type PrincipalResolver = (req: FastifyRequest) => Promise<Principal | undefined>;

/** Until the access module lands, nobody is authenticated: every non-public route answers 401. */
export const noPrincipals: PrincipalResolver = async () => undefined;

export interface RouteEntry {
  method: string;
  url: string;
  permission: string;
}

/**
 * Installs the check and returns the route table it builds (every route with its permission), which
 * the permission-matrix test walks.
 */
/** Authenticates a signed service request once its body is read; throws a 401 RampartError if it does not verify. */
export type SignedRequestAuthenticator = (req: FastifyRequest) => Promise<Principal>;

/** Throws a 403 RampartError, or returns (a promise only when a condition needs I/O). */
function check(principal: Principal, permission: string, req: FastifyRequest): void | Promise<void> {
  if (!principal.permissions.has(permission))
    throw new RampartError('PERMISSION_DENIED', `permission ${permission} is required`, {
      status: 403,
      details: { permission },
    });
  return principal.authorize?.(permission, req);
}

export function enforcePermissions(
  app: FastifyInstance,
  resolve: PrincipalResolver,
  signed?: SignedRequestAuthenticator,
): RouteEntry[] {
  const table: RouteEntry[] = [];
  app.addHook('onRoute', (route) => {
    const permission = route.config?.permission;
    if (typeof permission !== 'string' || permission.length === 0)
      throw new Error(
        `route ${route.method} ${route.url} declares no permission; every route must (deny by default)`,
      );
    for (const method of [route.method].flat())
      if (method !== 'HEAD') table.push({ method, url: route.url, permission });
  });
  // onRequest: before the body is parsed or validated, so an unauthenticated caller learns nothing
  // about a route beyond 401.
  app.addHook('onRequest', async (req) => {
    const permission = req.routeOptions.config?.permission;
    if (permission === 'public' || permission === undefined) return;
    const principal = await resolve(req);
    if (principal) {
      const checked = check(principal, permission, req);
      if (checked) await checked;
      req.principal = principal;
      return;
    }
    // A signed service request (RFC 9421) is checked once its body has been read: its
    // Content-Digest covers the body. Nothing is validated before that.
    if (signed && (req.headers['signature-input'] !== undefined || req.headers['signature'] !== undefined)) {
      req.signedAuthPending = true;
      return;
    }
    throw new RampartError('AUTH_REQUIRED', 'authentication required', { status: 401 });
  });
  app.addHook('preValidation', async (req) => {
    if (!req.signedAuthPending || !signed) return;
    const principal = await signed(req);
    const checked = check(principal, req.routeOptions.config!.permission!, req);
    if (checked) await checked;
    req.principal = principal;
    req.signedAuthPending = false;
  });
  return table;
}
