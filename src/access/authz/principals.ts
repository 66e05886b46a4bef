/**
 * Principals as the permission check sees them (src/server/permissions.ts): the permissions of the
 * grants in force (plus, for a service, those registered with its key), and an `authorize` step
 * that applies the conditions and marks the grants used.
 */
import type { FastifyRequest } from 'fastify';
import type { Ledger } from '../../ledger/index.ts';
import { type Authorizer, authorizerFor, type EffectiveAccess } from './authorizer.ts';

export interface AuthorizedPrincipal {
  id: string;
  kind: 'user' | 'service';
  permissions: ReadonlySet<string>;
  roles: string[];
  /** Returns nothing when the decision needs no I/O (the common case), else a promise. */
  authorize: (permission: string, req: FastifyRequest) => void | Promise<void>;
}

/**
 * The principal for one cached access (the authorizer renews `access` when grants change or its
 * short lifetime ends), with a key's own permissions merged in: built once, because the
 * signed-request path asks for it on every request.
 */
const principals = new WeakMap<EffectiveAccess, Map<string, AuthorizedPrincipal>>();

interface PrincipalShape {
  id: string;
  kind: 'user' | 'service';
  alsoPermissions?: readonly string[];
  /** permissionsKey(alsoPermissions), when the caller keeps it (it asks on every request). */
  alsoPermissionsKey?: string;
}

/** The principal now: the value itself while its access is cached, else a promise of it. */
export function grantedPrincipal(
  ledger: Ledger,
  p: PrincipalShape,
): AuthorizedPrincipal | Promise<AuthorizedPrincipal> {
  const authorizer = authorizerFor(ledger);
  const access = authorizer.access(p.id);
  return access instanceof Promise
    ? access.then((a) => principalFor(authorizer, a, p))
    : principalFor(authorizer, access, p);
}

/** A list of permissions as one text: principals with the same access and the same extra permissions are one. */
export function permissionsKey(permissions: readonly string[]): string {
  return permissions.join('\n');
}

function principalFor(
  authorizer: Authorizer,
  access: EffectiveAccess,
  p: PrincipalShape,
): AuthorizedPrincipal {
  let byShape = principals.get(access);
  if (!byShape) {
    byShape = new Map();
    principals.set(access, byShape);
  }
  const shape = `${p.kind}\n${p.alsoPermissionsKey ?? (p.alsoPermissions ? permissionsKey(p.alsoPermissions) : '')}`;
  let principal = byShape.get(shape);
  if (!principal) {
    const refused = (e: unknown, permission: string, req: FastifyRequest): never => {
      const err = e as { code?: string; details?: unknown };
      req.log.warn(
        { code: err.code, principal: p.id, permission, details: err.details },
        'refused by a condition',
      );
      throw e;
    };
    principal = {
      id: p.id,
      kind: p.kind,
      permissions: p.alsoPermissions?.length
        ? new Set([...access.permissions, ...p.alsoPermissions])
        : access.permissions,
      roles: access.roles,
      authorize: (permission, req) => {
        try {
          const decided = authorizer.authorize(access, permission, {
            sourceIp: req.ip,
            ...(req.accessSession ? { sessionId: req.accessSession.id } : {}),
          });
          return decided instanceof Promise ? decided.catch((e) => refused(e, permission, req)) : decided;
        } catch (e) {
          return refused(e, permission, req);
        }
      },
    };
    byShape.set(shape, principal);
  }
  return principal;
}
