/**
 * Who is asking, as the TAXII layer sees it: this member's own people and services (`local`: every
 * collection, every marking) or another alliance member (only its collection rights, and never
 * TLP:RED). A service principal that is not a registered member is refused: a key that could read
 * the alliance collections without member rights would bypass the sharing rules.
 */
import type { Kysely } from 'kysely';
import { RampartError } from '../../core/index.ts';
import type { Database } from '../../store/index.ts';
import { type CollectionRight, getMember, memberRights } from '../members/members.ts';
import type { Visibility } from './store.ts';
import { levelsUpTo } from './tlp.ts';

export type Caller =
  | { kind: 'local'; actor: string }
  | { kind: 'member'; actor: string; memberId: string; rights: Map<string, CollectionRight> };

export async function callerOf(
  db: Kysely<Database>,
  principal: { id: string; kind: string } | undefined,
): Promise<Caller> {
  if (!principal) throw new RampartError('AUTH_REQUIRED', 'authentication required', { status: 401 });
  if (principal.kind === 'user') return { kind: 'local', actor: principal.id };
  const memberId = principal.id.replace(/^service:/, '');
  const m = await getMember(db, memberId);
  if (!m)
    throw new RampartError('NOT_A_MEMBER', `${principal.id} is not an alliance member of this instance`, {
      status: 403,
    });
  return { kind: 'member', actor: principal.id, memberId, rights: await memberRights(db, memberId) };
}

export function canRead(c: Caller, collectionId: string): boolean {
  return c.kind === 'local' || c.rights.get(collectionId)?.canRead === true;
}

export function canWrite(c: Caller, collectionId: string): boolean {
  return c.kind === 'local' || c.rights.get(collectionId)?.canWrite === true;
}

/** The TLP levels this caller may receive from the collection. */
export function visibilityFor(c: Caller, collectionId: string): Visibility {
  if (c.kind === 'local') return undefined;
  const r = c.rights.get(collectionId);
  return r?.canRead ? levelsUpTo(r.tlpMax) : [];
}

/** `local` or `member:<id>`: who added an object, as stored. */
export function adderOf(c: Caller): string {
  return c.kind === 'local' ? 'local' : `member:${c.memberId}`;
}
