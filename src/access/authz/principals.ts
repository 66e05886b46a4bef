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

/** The grants' permissions plus a key's own, computed once per cached access (the signed-request path is hot). */
const mergedSets = new WeakMap<EffectiveAccess, Map<string, ReadonlySet<string>>>();
function merged(access: EffectiveAccess, extra: string[]): ReadonlySet<string> {
  let byKey = mergedSets.get(access);
  if (!byKey) {
    byKey = new Map();
    mergedSets.set(access, byKey);
  }
  const key = extra.join('\n');
  let set = byKey.get(key);
  if (!set) {
    set = new Set([...access.permissions, ...extra]);
    byKey.set(key, set);
  }
  return set;
}

export async function grantedPrincipal(
  ledger: Ledger,
  p: { id: string; kind: 'user' | 'service'; alsoPermissions?: Iterable<string> },
): Promise<AuthorizedPrincipal> {
  const authorizer = authorizerFor(ledger);
  const access: EffectiveAccess = await authorizer.access(p.id);
  const permissions = p.alsoPermissions ? merged(access, [...p.alsoPermissions]) : access.permissions;
  return {
    id: p.id,
    kind: p.kind,
    permissions,
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
}
