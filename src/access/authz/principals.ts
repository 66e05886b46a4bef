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

export async function grantedPrincipal(
  ledger: Ledger,
  p: { id: string; kind: 'user' | 'service'; alsoPermissions?: Iterable<string> },
): Promise<AuthorizedPrincipal> {
  const authorizer = authorizerFor(ledger);
  const access: EffectiveAccess = await authorizer.access(p.id);
  let permissions = access.permissions;
  if (p.alsoPermissions) {
    const all = new Set(access.permissions);
    for (const x of p.alsoPermissions) all.add(x);
    permissions = all;
  }
  return {
    id: p.id,
    kind: p.kind,
    permissions,
    roles: access.roles,
    authorize: (permission, req) =>
      authorizer.authorize(access, permission, {
        sourceIp: req.ip,
        ...(req.accessSession ? { sessionId: req.accessSession.id } : {}),
      }),
  };
}
