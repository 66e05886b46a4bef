/**
 * Alliance members and their rights on this instance's TAXII collections: data, changed only through
 * audited calls (one ledger entry each, in the same transaction; permission alliance:members:write
 * on the routes). A member authenticates with HTTP Basic (its id and password) or with signed
 * requests from a service key whose service id is the member id.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { InvalidInputError, NotFoundError } from '../../core/index.ts';
import type { Ledger } from '../../ledger/index.ts';
import type { Database } from '../../store/index.ts';
import { isShareableTlp, type ShareableTlp } from '../taxii/tlp.ts';
import { hashPassword } from './password.ts';

export const MEMBER_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export interface Member {
  id: string;
  name: string;
  identity: string | null;
  hasPassword: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface CollectionRight {
  collectionId: string;
  canRead: boolean;
  canWrite: boolean;
  /** Highest TLP level the member may receive from this collection. */
  tlpMax: ShareableTlp;
}

function checkId(id: string): void {
  if (!MEMBER_ID.test(id))
    throw new InvalidInputError(
      'MEMBER_ID_INVALID',
      'a member id is 1–64 lower-case letters, digits, ".", "_" or "-"',
    );
}

export async function addMember(
  ledger: Ledger,
  m: {
    id: string;
    name: string;
    identity?: string;
    password?: string /** an existing `scrypt$…` hash instead of a password */;
    passwordHash?: string;
  },
  actor: string,
): Promise<Member> {
  checkId(m.id);
  if (m.name.trim() === '') throw new InvalidInputError('MEMBER_NAME_INVALID', 'a member needs a name');
  const identity = m.identity ?? `identity--${randomUUID()}`;
  if (!/^identity--[0-9a-f-]{36}$/.test(identity))
    throw new InvalidInputError(
      'MEMBER_IDENTITY_INVALID',
      'identity must be a STIX identity id (identity--<uuid>)',
    );
  if (m.password !== undefined && m.password.length < 12)
    throw new InvalidInputError('MEMBER_PASSWORD_WEAK', 'a member password has at least 12 characters');
  if (
    m.passwordHash !== undefined &&
    !/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/.test(m.passwordHash)
  )
    throw new InvalidInputError(
      'MEMBER_PASSWORD_HASH_INVALID',
      'passwordHash must be scrypt$N$r$p$salt$hash',
    );
  if (m.passwordHash !== undefined && Number(m.passwordHash.split('$')[1]) < 2 ** 14)
    throw new InvalidInputError('MEMBER_PASSWORD_HASH_WEAK', 'scrypt N must be at least 2^14');
  const hash = m.passwordHash ?? (m.password !== undefined ? await hashPassword(m.password) : null);
  const now = ledger.clock.now().toISOString();
  await ledger.record(
    {
      actor,
      action: 'alliance.member.added',
      subject: `member:${m.id}`,
      payload: { name: m.name, identity, basicAuth: hash !== null },
    },
    async (db) => {
      const existing = await db
        .selectFrom('alliance_members')
        .select('id')
        .where('id', '=', m.id)
        .executeTakeFirst();
      if (existing) throw new InvalidInputError('MEMBER_EXISTS', `member ${m.id} already exists`);
      await db
        .insertInto('alliance_members')
        .values({
          id: m.id,
          name: m.name,
          identity,
          password_hash: hash,
          created_at: now,
          updated_at: now,
          removed_at: null,
        })
        .execute();
    },
  );
  return { id: m.id, name: m.name, identity, hasPassword: hash !== null, createdAt: now, updatedAt: now };
}

export async function setMemberPassword(
  ledger: Ledger,
  id: string,
  password: string,
  actor: string,
): Promise<void> {
  if (password.length < 12)
    throw new InvalidInputError('MEMBER_PASSWORD_WEAK', 'a member password has at least 12 characters');
  const hash = await hashPassword(password);
  await ledger.record(
    { actor, action: 'alliance.member.password_set', subject: `member:${id}` },
    async (db) => {
      const r = await db
        .updateTable('alliance_members')
        .set({ password_hash: hash, updated_at: ledger.clock.now().toISOString() })
        .where('id', '=', id)
        .where('removed_at', 'is', null)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) throw new NotFoundError('MEMBER_NOT_FOUND', `no member ${id}`);
    },
  );
}

export async function removeMember(ledger: Ledger, id: string, actor: string): Promise<void> {
  await ledger.record({ actor, action: 'alliance.member.removed', subject: `member:${id}` }, async (db) => {
    const now = ledger.clock.now().toISOString();
    const r = await db
      .updateTable('alliance_members')
      .set({ removed_at: now, updated_at: now, password_hash: null })
      .where('id', '=', id)
      .where('removed_at', 'is', null)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) throw new NotFoundError('MEMBER_NOT_FOUND', `no member ${id}`);
    await db.deleteFrom('alliance_member_rights').where('member_id', '=', id).execute();
  });
}

/** Grant, change or (with both false) revoke a member's right on a collection. */
export async function setCollectionRight(
  ledger: Ledger,
  memberId: string,
  right: CollectionRight,
  actor: string,
): Promise<void> {
  if (!isShareableTlp(right.tlpMax))
    throw new InvalidInputError(
      'TLP_INVALID',
      'tlpMax is one of clear, green, amber, amber+strict (RED is never shared)',
    );
  await ledger.record(
    { actor, action: 'alliance.member.right_set', subject: `member:${memberId}`, payload: { ...right } },
    async (db) => {
      const m = await db
        .selectFrom('alliance_members')
        .select('id')
        .where('id', '=', memberId)
        .where('removed_at', 'is', null)
        .executeTakeFirst();
      if (!m) throw new NotFoundError('MEMBER_NOT_FOUND', `no member ${memberId}`);
      const c = await db
        .selectFrom('taxii_collections')
        .select('id')
        .where('id', '=', right.collectionId)
        .executeTakeFirst();
      if (!c) throw new NotFoundError('TAXII_COLLECTION_NOT_FOUND', `no collection ${right.collectionId}`);
      await db
        .deleteFrom('alliance_member_rights')
        .where('member_id', '=', memberId)
        .where('collection_id', '=', right.collectionId)
        .execute();
      if (right.canRead || right.canWrite)
        await db
          .insertInto('alliance_member_rights')
          .values({
            member_id: memberId,
            collection_id: right.collectionId,
            can_read: right.canRead ? 1 : 0,
            can_write: right.canWrite ? 1 : 0,
            tlp_max: right.tlpMax,
            updated_at: ledger.clock.now().toISOString(),
          })
          .execute();
    },
  );
}

const toMember = (r: Database['alliance_members']): Member => ({
  id: r.id,
  name: r.name,
  identity: r.identity,
  hasPassword: r.password_hash !== null,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export async function listMembers(db: Kysely<Database>): Promise<(Member & { rights: CollectionRight[] })[]> {
  const rows = await db
    .selectFrom('alliance_members')
    .selectAll()
    .where('removed_at', 'is', null)
    .orderBy('id')
    .execute();
  const rights = await db.selectFrom('alliance_member_rights').selectAll().execute();
  return rows.map((r) => ({
    ...toMember(r),
    rights: rights.filter((x) => x.member_id === r.id).map(toRight),
  }));
}

const toRight = (x: Database['alliance_member_rights']): CollectionRight => ({
  collectionId: x.collection_id,
  canRead: Number(x.can_read) === 1,
  canWrite: Number(x.can_write) === 1,
  tlpMax: x.tlp_max as ShareableTlp,
});

export async function getMember(
  db: Kysely<Database>,
  id: string,
): Promise<(Member & { passwordHash: string | null }) | undefined> {
  const r = await db
    .selectFrom('alliance_members')
    .selectAll()
    .where('id', '=', id)
    .where('removed_at', 'is', null)
    .executeTakeFirst();
  return r && { ...toMember(r), passwordHash: r.password_hash };
}

export async function memberRights(
  db: Kysely<Database>,
  memberId: string,
): Promise<Map<string, CollectionRight>> {
  const rows = await db
    .selectFrom('alliance_member_rights')
    .selectAll()
    .where('member_id', '=', memberId)
    .execute();
  return new Map(rows.map((r) => [r.collection_id, toRight(r)]));
}
