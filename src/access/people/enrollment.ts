/**
 * Enrollment: a one-time link (`/enroll#<token>`) lets its holder register a passkey and become a
 * person with the roles the link carries. The token is 256 random bits, stored hashed, expires in
 * 24 hours and works once. The first administrator's link is made when nobody is enrolled yet;
 * a new one supersedes the ones before it.
 */
import type {
  PublicKeyCredentialCreationOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { InvalidInputError } from '../../core/index.ts';
import { insertGrant } from '../grants/grants.ts';
import { isPrivileged, isRole, ROLES } from '../roles.ts';
import { loadChallenge, saveChallenge, spendChallenge } from './challenges.ts';
import { type AccessContext, db, laterIso } from './context.ts';
import { AccessError } from './errors.ts';
import { countPeople } from './people.ts';
import { auditRefusal } from './refusals.ts';
import { insertPasskey, passkeyPayload, registrationOptions, verifyRegistration } from './registration.ts';
import { hashSecret, newId, newSecret } from './secrets.ts';
import { createSession, type NewSession } from './sessions.ts';
import { accessDb, type EnrollmentTable } from './tables.ts';

export const ENROLLMENT_TTL_MS = 24 * 3600_000;
const FIRST_ADMIN = 'first-administrator';

export interface IssuedEnrollment {
  id: string;
  /** The secret for the link: shown once, never stored. */
  token: string;
  expiresAt: string;
}

/** The first administrator's link; refused (ENROLLMENT_CLOSED) once anyone is enrolled. */
export async function issueFirstAdminEnrollment(
  ctx: AccessContext,
  actor = 'system',
): Promise<IssuedEnrollment> {
  const token = newSecret();
  const id = newId('enr');
  const now = ctx.clock.now().toISOString();
  const expiresAt = laterIso(ctx, ENROLLMENT_TTL_MS);
  await ctx.ledger.transact(async (tx) => {
    const trx = accessDb(tx.db);
    const people = await trx.selectFrom('people').select('id').limit(1).execute();
    if (people.length > 0)
      throw new AccessError(
        'ENROLLMENT_CLOSED',
        'someone is enrolled already: ask an administrator for an invitation',
      );
    const superseded = await trx
      .updateTable('access_enrollments')
      .set({ revoked_at: now })
      .where('purpose', '=', FIRST_ADMIN)
      .where('used_at', 'is', null)
      .where('revoked_at', 'is', null)
      .returning('id')
      .execute();
    await trx
      .insertInto('access_enrollments')
      .values({
        id,
        token_hash: hashSecret(token),
        purpose: FIRST_ADMIN,
        roles: JSON.stringify(['administrator']),
        created_at: now,
        created_by: actor,
        expires_at: expiresAt,
        used_at: null,
        revoked_at: null,
        person_id: null,
      })
      .execute();
    tx.audit({
      actor,
      action: 'access.enrollment.created',
      subject: `enrollment:${id}`,
      payload: {
        purpose: FIRST_ADMIN,
        roles: ['administrator'],
        expiresAt,
        superseded: superseded.map((s) => s.id),
      },
    });
  });
  return { id, token, expiresAt };
}

/**
 * An invitation: a one-time enrollment link carrying non-privileged roles. The administrator role
 * is never granted this way (a privileged grant needs a second administrator's approval, which the
 * roles-as-data work brings).
 */
export async function issueInvitation(
  ctx: AccessContext,
  opts: { roles: string[]; actor: string },
): Promise<IssuedEnrollment> {
  const roles = [...new Set(opts.roles)].sort();
  if (roles.length === 0)
    throw new AccessError('INVITATION_INVALID', 'an invitation names at least one role');
  for (const r of roles) {
    if (!isRole(r)) throw new AccessError('INVITATION_INVALID', `unknown role "${r}"`);
    if (r === 'administrator')
      throw new AccessError(
        'INVITATION_PRIVILEGED',
        'the administrator role cannot be granted by invitation alone',
      );
  }
  const token = newSecret();
  const id = newId('enr');
  const now = ctx.clock.now().toISOString();
  const expiresAt = laterIso(ctx, ENROLLMENT_TTL_MS);
  await ctx.ledger.transact(async (tx) => {
    await accessDb(tx.db)
      .insertInto('access_enrollments')
      .values({
        id,
        token_hash: hashSecret(token),
        purpose: 'invitation',
        roles: JSON.stringify(roles),
        created_at: now,
        created_by: opts.actor,
        expires_at: expiresAt,
        used_at: null,
        revoked_at: null,
        person_id: null,
      })
      .execute();
    tx.audit({
      actor: opts.actor,
      action: 'access.enrollment.created',
      subject: `enrollment:${id}`,
      payload: { purpose: 'invitation', roles, expiresAt },
    });
  });
  return { id, token, expiresAt };
}

/** Issue the first administrator's link only if nobody is enrolled (at start-up). */
export async function firstAdminEnrollmentIfNeeded(
  ctx: AccessContext,
): Promise<IssuedEnrollment | undefined> {
  if ((await countPeople(ctx)) > 0) return undefined;
  return issueFirstAdminEnrollment(ctx);
}

async function usableEnrollment(ctx: AccessContext, token: string): Promise<EnrollmentTable> {
  const row = await db(ctx)
    .selectFrom('access_enrollments')
    .selectAll()
    .where('token_hash', '=', hashSecret(token))
    .executeTakeFirst();
  if (!row || row.revoked_at !== null)
    throw new AccessError('ENROLLMENT_TOKEN_INVALID', 'this enrollment link is not valid');
  if (row.used_at !== null)
    throw new AccessError('ENROLLMENT_TOKEN_USED', 'this enrollment link was already used');
  if (row.expires_at <= ctx.clock.now().toISOString())
    throw new AccessError('ENROLLMENT_TOKEN_EXPIRED', 'this enrollment link has expired');
  if (row.purpose === FIRST_ADMIN && (await countPeople(ctx)) > 0)
    throw new AccessError('ENROLLMENT_CLOSED', 'someone is enrolled already');
  return row;
}

function checkName(name: string): string {
  const n = name.trim();
  if (n.length < 1 || n.length > 100 || /[\p{Cc}]/u.test(n))
    throw new InvalidInputError('PERSON_NAME_INVALID', 'a name is 1–100 printable characters');
  return n;
}

export async function startEnrollment(
  ctx: AccessContext,
  input: { token: string; name: string },
): Promise<{ challengeId: string; options: PublicKeyCredentialCreationOptionsJSON }> {
  const name = checkName(input.name);
  let enrollment: EnrollmentTable;
  try {
    enrollment = await usableEnrollment(ctx, input.token);
  } catch (e) {
    return auditRefusal(ctx, { action: 'access.enrollment.failed' }, e);
  }
  const userHandle = newSecret();
  const options = await registrationOptions(ctx, { handle: userHandle, name, exclude: [] });
  const challengeId = await saveChallenge(ctx, {
    purpose: 'enroll',
    challenge: options.challenge,
    enrollmentId: enrollment.id,
    userHandle,
    name,
  });
  return { challengeId, options };
}

export interface Enrolled {
  person: { id: string; name: string; roles: string[] };
  passkeyId: string;
  session: NewSession;
}

/** Register the passkey, create the person with the link's roles, and sign them in: one transaction. */
export async function finishEnrollment(
  ctx: AccessContext,
  input: { token: string; challengeId: string; response: RegistrationResponseJSON; label?: string },
): Promise<Enrolled> {
  const refusal = { action: 'access.enrollment.failed', challengeId: input.challengeId };
  try {
    const enrollment = await usableEnrollment(ctx, input.token);
    const challenge = await loadChallenge(ctx, input.challengeId, 'enroll');
    if (challenge.enrollment_id !== enrollment.id)
      throw new AccessError('CHALLENGE_MISMATCH', 'this challenge belongs to another enrollment');
    const pk = await verifyRegistration(ctx, input.response, challenge.challenge);
    const roles = JSON.parse(enrollment.roles) as string[];
    const personId = newId('p');
    const name = challenge.name ?? 'unnamed';
    const label = (input.label ?? '').trim().slice(0, 100) || 'first passkey';
    const now = ctx.clock.now();
    const iso = now.toISOString();
    let activeRoles: string[] = [];
    const { result } = await ctx.ledger.transact(async (tx) => {
      await spendChallenge(tx.db, challenge.id, iso);
      const trx = accessDb(tx.db);
      const used = await trx
        .updateTable('access_enrollments')
        .set({ used_at: iso, person_id: personId })
        .where('id', '=', enrollment.id)
        .where('used_at', 'is', null)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(used.numUpdatedRows) !== 1)
        throw new AccessError('ENROLLMENT_TOKEN_USED', 'this enrollment link was already used');
      if (enrollment.purpose === FIRST_ADMIN) {
        const anyone = await trx.selectFrom('people').select('id').limit(1).execute();
        if (anyone.length > 0) throw new AccessError('ENROLLMENT_CLOSED', 'someone is enrolled already');
      }
      await trx
        .insertInto('people')
        .values({
          id: personId,
          name,
          user_handle: challenge.user_handle!,
          status: 'active',
          created_at: iso,
        })
        .execute();
      // The link's roles become grants. The first administrator's is active at once (there is no
      // second administrator yet); from an invitation, a privileged role (approver, …) waits for an
      // administrator other than the one who invited to approve it (four eyes).
      const first = enrollment.purpose === FIRST_ADMIN;
      const active: string[] = [];
      const grants: Array<{ grant: string; role: string; status: string }> = [];
      for (const role of roles) {
        const privileged = isRole(role) && isPrivileged(ROLES[role]);
        const pending = privileged && !first;
        const grant = await insertGrant(tx.db, {
          principal: `user:${personId}`,
          role,
          status: pending ? 'pending' : 'active',
          privileged,
          requestedBy: first ? `enrollment:${enrollment.id}` : enrollment.created_by,
          approvedBy: pending ? null : first ? 'bootstrap:first-administrator' : enrollment.created_by,
          now: iso,
          reason: `enrollment ${enrollment.id}`,
        });
        if (!pending) active.push(role);
        grants.push({ grant, role, status: pending ? 'pending' : 'active' });
      }
      activeRoles = active;
      await insertPasskey(tx.db, personId, pk, label, iso);
      const session = await createSession(tx.db, { personId, passkeyId: pk.id, now });
      const user = `user:${personId}`;
      tx.audit({
        actor: user,
        action: 'access.person.enrolled',
        subject: user,
        payload: { name, roles, enrollment: enrollment.id, purpose: enrollment.purpose, grants },
      });
      tx.audit({
        actor: user,
        action: 'access.passkey.registered',
        subject: user,
        payload: passkeyPayload(pk, label),
      });
      tx.audit({
        actor: user,
        action: 'access.signin',
        subject: user,
        payload: {
          session: session.id,
          credentialId: pk.id,
          via: 'enrollment',
          expiresAt: session.expiresAt,
        },
      });
      return session;
    });
    return { person: { id: personId, name, roles: activeRoles }, passkeyId: pk.id, session: result };
  } catch (e) {
    if (e instanceof AccessError) return auditRefusal(ctx, refusal, e);
    throw e;
  }
}
