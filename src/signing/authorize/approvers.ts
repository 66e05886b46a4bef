/**
 * The approvers a signer node trusts, and the only way that set changes: an enrollment change,
 * applied by `applyEnrollmentChange`, which returns the new set together with the audit record the
 * node must write in the same store transaction (fail closed: no record, no change). The node keeps
 * this set in its own store, never the coordinator's, so a compromised coordinator cannot add a key.
 *
 * A key is an Ed25519 public key (RFC 8032; approvals as in custody/requests/approval.ts) or a
 * passkey credential (WebAuthn; ES256 = ECDSA P-256 with SHA-256, or EdDSA = Ed25519).
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { base64urlnopad } from '@scure/base';
import { z } from 'zod';
import { base64ToBytes, InvalidInputError } from '../../core/index.ts';

const principal = z.string().regex(/^[A-Za-z0-9_.:@-]{1,128}$/, 'expected a principal id');
const role = z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, 'expected a role name');
const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected standard base64');
const b64url = z.string().regex(/^[A-Za-z0-9_-]{1,1024}$/, 'expected base64url without padding');

export const approverKeySchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ed25519'), publicKey: b64 }),
  z.strictObject({
    type: z.literal('passkey'),
    credentialId: b64url,
    algorithm: z.enum(['ES256', 'EdDSA']),
    /** ES256: SEC1 point (33 or 65 bytes); EdDSA: 32 bytes; standard base64 */
    publicKey: b64,
  }),
]);
export type ApproverKey = z.infer<typeof approverKeySchema>;

export interface EnrolledApprover {
  principal: string;
  roles: string[];
  keys: ApproverKey[];
}

export const enrollmentChangeSchema = z.discriminatedUnion('op', [
  z.strictObject({
    op: z.literal('add-key'),
    principal,
    key: approverKeySchema,
    /** required when the principal is new; replaces nothing when it is not */
    roles: z.array(role).max(32).optional(),
    actor: principal,
  }),
  z.strictObject({
    op: z.literal('remove-key'),
    principal,
    keyId: z.string().min(1).max(1100),
    actor: principal,
  }),
  z.strictObject({ op: z.literal('set-roles'), principal, roles: z.array(role).max(32), actor: principal }),
  z.strictObject({ op: z.literal('remove-approver'), principal, actor: principal }),
]);
export type EnrollmentChange = z.infer<typeof enrollmentChangeSchema>;

/** What the node writes to its ledger with the change: `tx.audit(record)` in one transaction. */
export interface EnrollmentAuditRecord {
  actor: string;
  action:
    | 'signing.approver_key.added'
    | 'signing.approver_key.removed'
    | 'signing.approver.roles_set'
    | 'signing.approver.removed';
  subject: string;
  payload: Record<string, unknown>;
}

/** A key's stable id: `ed25519:<base64 key>` or `passkey:<credential id>`. */
export function approverKeyId(key: ApproverKey): string {
  return key.type === 'ed25519' ? `ed25519:${key.publicKey}` : `passkey:${key.credentialId}`;
}

const bad = (message: string, details?: Record<string, unknown>) =>
  new InvalidInputError('APPROVER_ENROLLMENT_INVALID', message, details);

/** Decodes and checks the key bytes: a point on the right curve, of the right length. */
export function checkApproverKey(key: ApproverKey): void {
  let bytes: Uint8Array;
  try {
    bytes = base64ToBytes(key.publicKey);
  } catch {
    throw bad('the public key is not standard base64');
  }
  const ed = key.type === 'ed25519' || key.algorithm === 'EdDSA';
  try {
    if (ed) {
      if (bytes.length !== 32) throw new Error('an Ed25519 public key is 32 bytes');
      const point = ed25519.Point.fromBytes(bytes);
      point.assertValidity();
      // A small-order key (the all-zero encoding among them) lets anyone make signatures that
      // verify under it: refuse it at enrollment, as RFC 8032 strict verifiers do.
      if (point.isSmallOrder()) throw new Error('the key is a point of small order');
    } else {
      if (bytes.length !== 33 && bytes.length !== 65)
        throw new Error('a P-256 public key is 33 or 65 bytes (SEC1)');
      p256.Point.fromBytes(bytes).assertValidity();
    }
  } catch (e) {
    throw bad(`the public key is not a valid ${ed ? 'Ed25519' : 'P-256'} key`, {
      reason: e instanceof Error ? e.message : 'invalid',
    });
  }
  if (key.type === 'passkey') base64urlnopad.decode(key.credentialId);
}

export function parseEnrollmentChange(input: unknown): EnrollmentChange {
  const r = enrollmentChangeSchema.safeParse(input);
  if (!r.success)
    throw bad('the enrollment change is invalid', {
      issues: r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  return r.data;
}

/**
 * Applies one change to the node's approver set. Pure: returns the new set and the audit record;
 * the caller persists both atomically. Nobody changes their own enrollment (separation of duties).
 */
export function applyEnrollmentChange(
  current: readonly EnrolledApprover[],
  input: EnrollmentChange | unknown,
): { approvers: EnrolledApprover[]; audit: EnrollmentAuditRecord } {
  const change = parseEnrollmentChange(input);
  if (change.actor === change.principal)
    throw new InvalidInputError(
      'APPROVER_SELF_ENROLLMENT',
      'nobody may change their own approver enrollment',
      {
        principal: change.principal,
      },
    );
  const approvers = current.map((a) => ({ principal: a.principal, roles: [...a.roles], keys: [...a.keys] }));
  const existing = approvers.find((a) => a.principal === change.principal);
  const missing = () =>
    new InvalidInputError('APPROVER_NOT_FOUND', `${change.principal} is not an enrolled approver`, {
      principal: change.principal,
    });
  switch (change.op) {
    case 'add-key': {
      checkApproverKey(change.key);
      const keyId = approverKeyId(change.key);
      // A key belongs to one principal only: otherwise one device could count twice toward a quorum.
      for (const a of approvers)
        if (a.keys.some((k) => approverKeyId(k) === keyId || sameKeyBytes(k, change.key)))
          throw new InvalidInputError(
            'APPROVER_KEY_DUPLICATE',
            `this key is already enrolled for ${a.principal}`,
            {
              principal: a.principal,
            },
          );
      if (existing) existing.keys.push(change.key);
      else {
        if (!change.roles || change.roles.length === 0)
          throw bad('a new approver needs at least one role', { principal: change.principal });
        approvers.push({ principal: change.principal, roles: uniq(change.roles), keys: [change.key] });
      }
      return {
        approvers,
        audit: {
          actor: change.actor,
          action: 'signing.approver_key.added',
          subject: change.principal,
          payload: {
            keyId,
            key: change.key,
            roles: existing ? existing.roles : uniq(change.roles ?? []),
          },
        },
      };
    }
    case 'remove-key': {
      if (!existing) throw missing();
      const before = existing.keys.length;
      existing.keys = existing.keys.filter((k) => approverKeyId(k) !== change.keyId);
      if (existing.keys.length === before)
        throw new InvalidInputError(
          'APPROVER_KEY_NOT_FOUND',
          `${change.principal} has no key ${change.keyId}`,
        );
      return {
        approvers: approvers.filter((a) => a.keys.length > 0),
        audit: {
          actor: change.actor,
          action: 'signing.approver_key.removed',
          subject: change.principal,
          payload: { keyId: change.keyId, remainingKeys: existing.keys.length },
        },
      };
    }
    case 'set-roles': {
      if (!existing) throw missing();
      const previous = existing.roles;
      existing.roles = uniq(change.roles);
      return {
        approvers,
        audit: {
          actor: change.actor,
          action: 'signing.approver.roles_set',
          subject: change.principal,
          payload: { previous, roles: existing.roles },
        },
      };
    }
    case 'remove-approver': {
      if (!existing) throw missing();
      return {
        approvers: approvers.filter((a) => a.principal !== change.principal),
        audit: {
          actor: change.actor,
          action: 'signing.approver.removed',
          subject: change.principal,
          payload: { keyIds: existing.keys.map(approverKeyId), roles: existing.roles },
        },
      };
    }
  }
}

function uniq(xs: readonly string[]): string[] {
  return [...new Set(xs)].sort();
}

function sameKeyBytes(a: ApproverKey, b: ApproverKey): boolean {
  return a.publicKey === b.publicKey;
}
