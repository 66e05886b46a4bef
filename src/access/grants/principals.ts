/**
 * Who a grant can name: a person (`user:<person id>`) or a service (`service:<service id>`), and
 * only one that exists: a grant to a made-up principal is refused, naming it.
 */
import { InvalidInputError, NotFoundError } from '../../core/index.ts';
import type { Ledger } from '../../ledger/index.ts';
import { authzDb } from '../authz/tables.ts';

const PRINCIPAL = /^(user|service):[A-Za-z0-9._-]{1,100}$/;

export function checkPrincipalSyntax(principal: string): { kind: 'user' | 'service'; id: string } {
  if (!PRINCIPAL.test(principal))
    throw new InvalidInputError(
      'PRINCIPAL_INVALID',
      `"${principal.slice(0, 120)}" is not a principal: expected user:<person id> or service:<service id>`,
      { principal: principal.slice(0, 120) },
    );
  const i = principal.indexOf(':');
  return { kind: principal.slice(0, i) as 'user' | 'service', id: principal.slice(i + 1) };
}

export interface PrincipalInfo {
  principal: string;
  kind: 'user' | 'service';
  /** A person's name, or the service id. */
  name: string;
}

/** The principal as the store knows it; PRINCIPAL_UNKNOWN for anyone else. */
export async function knownPrincipal(ledger: Ledger, principal: string): Promise<PrincipalInfo> {
  const { kind, id } = checkPrincipalSyntax(principal);
  const db = authzDb(ledger.store.db);
  if (kind === 'user') {
    const p = await db
      .selectFrom('people')
      .select(['name', 'status'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (p && p.status === 'active') return { principal, kind, name: p.name };
  } else {
    const s = await ledger.store.db
      .selectFrom('service_keys')
      .select('service_id')
      .where('service_id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (s) return { principal, kind, name: id };
  }
  throw new NotFoundError('PRINCIPAL_UNKNOWN', `no such principal ${principal}`, { principal });
}
