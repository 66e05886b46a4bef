/**
 * Principals as the permission check sees them (src/server/permissions.ts): the permissions of the
 * grants in force (plus, for a service, those registered with its key), and an `authorize` step
 * that applies the conditions and marks the grants used.
 */
import type { FastifyRequest } from 'fastify';
import type { Ledger } from '../../ledger/index.ts';
import { authorizerFor, type EffectiveAccess } from './authorizer.ts';

export interface AuthorizedPrincipal {
  id: string;
  kind: 'user' | 'service';
  permissions: ReadonlySet<string>;
  roles: string[];
  authorize: (permission: string, req: FastifyRequest) => Promise<void>;
}

/**
 * The principal for one cached access (the authorizer renews `access` when grants change or its
 * short lifetime ends), with a key's own permissions merged in: built once, because the
 * signed-request path asks for it on every request.
 */
const principals = new WeakMap<EffectiveAccess, Map<string, AuthorizedPrincipal>>();

export async function grantedPrincipal(
  ledger: Ledger,
  p: { id: string; kind: 'user' | 'service'; alsoPermissions?: readonly string[] },
): Promise<AuthorizedPrincipal> {
  const authorizer = authorizerFor(ledger);
  const access: EffectiveAccess = await authorizer.access(p.id);
  let byShape = principals.get(access);
  if (!byShape) {
    byShape = new Map();
    principals.set(access, byShape);
  }
  const shape = `${p.kind}\n${p.alsoPermissions?.join('\n') ?? ''}`;
  let principal = byShape.get(shape);
  if (!principal) {
    principal = {
      id: p.id,
      kind: p.kind,
      permissions: p.alsoPermissions?.length
        ? new Set([...access.permissions, ...p.alsoPermissions])
        : access.permissions,
      roles: access.roles,
      authorize: async (permission, req) => {
        try {
          await authorizer.authorize(access, permission, {
            sourceIp: req.ip,
            ...(req.accessSession ? { sessionId: req.accessSession.id } : {}),
          });
        } catch (e) {
          const err = e as { code?: string; details?: unknown };
          req.log.warn(
            { code: err.code, principal: p.id, permission, details: err.details },
            'refused by a condition',
          );
          throw e;
        }
      },
    };
    byShape.set(shape, principal);
  }
  return principal;
}
