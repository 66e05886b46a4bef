/**
 * What a node needs to re-verify a signing request (src/signing/authorize), kept in the node's own
 * store so a compromised coordinator can change none of it: the enrolled approvers, the policy in
 * force, and the requests already authorized (replay). Approvers and the policy change only through
 * `enroll` / `setPolicy`, run by an operator on the node's machine (`rampart signer approvers`,
 * `rampart signer policy`), each change written with its audit record in one transaction.
 */
import type { Kysely } from 'kysely';
import { isoTime, RampartError } from '../../core/index.ts';
import { type Policy, parsePolicyObject } from '../../custody/index.ts';
import {
  applyEnrollmentChange,
  type EnrolledApprover,
  type NodePolicy,
  nodePolicyVersion,
  nodeSignAuthorizer,
  type ReplayGuard,
} from '../authorize/index.ts';
import type { SignAuthorizer } from './context.ts';
import type { NodeDatabase, NodeDb } from './db.ts';

type Db = Kysely<NodeDatabase>;

export async function readApprovers(db: Db): Promise<EnrolledApprover[]> {
  const rows = await db.selectFrom('approvers').selectAll().orderBy('principal').execute();
  return rows.map((r) => ({
    principal: r.principal,
    ...(JSON.parse(r.enrollment) as Omit<EnrolledApprover, 'principal'>),
  }));
}

async function audit(db: Db, e: { actor: string; action: string; subject: string; payload: unknown }) {
  await db
    .insertInto('node_audit')
    .values({
      seq: undefined,
      time: isoTime(new Date()),
      actor: e.actor,
      action: e.action,
      subject: e.subject,
      payload: JSON.stringify(e.payload),
    })
    .execute();
}

/** Applies one enrollment change (authorize's applyEnrollmentChange) and its audit record, atomically. */
export async function enroll(
  nodeDb: NodeDb,
  change: unknown,
): Promise<{ approvers: EnrolledApprover[]; action: string }> {
  return nodeDb.db.transaction().execute(async (trx) => {
    const current = await readApprovers(trx);
    const r = applyEnrollmentChange(current, change);
    await trx.deleteFrom('approvers').execute();
    for (const a of r.approvers)
      await trx
        .insertInto('approvers')
        .values({ principal: a.principal, enrollment: JSON.stringify({ roles: a.roles, keys: a.keys }) })
        .execute();
    await audit(trx, r.audit);
    return { approvers: r.approvers, action: r.audit.action };
  });
}

export async function readPolicy(db: Db): Promise<(NodePolicy & { version: string }) | undefined> {
  const row = await db.selectFrom('node_policy').selectAll().where('id', '=', 1).executeTakeFirst();
  if (!row) return undefined;
  const stored = JSON.parse(row.policy) as {
    transactionPolicy: unknown;
    otherPayloads: NodePolicy['otherPayloads'];
  };
  return {
    transactionPolicy: parsePolicyObject(stored.transactionPolicy, 'the stored node policy'),
    otherPayloads: stored.otherPayloads,
    version: row.version,
  };
}

/** Sets the policy in force on this node (audited); requests made under another version are refused as stale. */
export async function setPolicy(
  nodeDb: NodeDb,
  policy: { transactionPolicy: Policy; otherPayloads: NodePolicy['otherPayloads'] },
  actor: string,
): Promise<string> {
  if (!Number.isInteger(policy.otherPayloads.approvals) || policy.otherPayloads.approvals < 1)
    throw new RampartError('SIGNER_POLICY_INVALID', 'other payloads need at least one approval');
  const version = nodePolicyVersion(policy);
  await nodeDb.db.transaction().execute(async (trx) => {
    const previous = await trx
      .selectFrom('node_policy')
      .select('version')
      .where('id', '=', 1)
      .executeTakeFirst();
    const values = { policy: JSON.stringify(policy), version, set_at: isoTime(new Date()), set_by: actor };
    await trx
      .insertInto('node_policy')
      .values({ id: 1, ...values })
      .onConflict((oc) => oc.column('id').doUpdateSet(values))
      .execute();
    await audit(trx, {
      actor,
      action: 'signing.node_policy.set',
      subject: version,
      payload: { previous: previous?.version ?? null, version, otherPayloads: policy.otherPayloads },
    });
  });
  return version;
}

/** The replay record in the node's store (durable before it resolves: SQLite synchronous=FULL). */
export function storeReplayGuard(db: Db): ReplayGuard {
  return {
    async lookup(replayKey) {
      const r = await db
        .selectFrom('replay')
        .selectAll()
        .where('replay_key', '=', replayKey)
        .executeTakeFirst();
      return r
        ? { messageSha256: r.message_sha256, firstAuthorizedAt: new Date(r.first_authorized_at) }
        : undefined;
    },
    async remember(replayKey, record) {
      await db
        .insertInto('replay')
        .values({
          replay_key: replayKey,
          message_sha256: record.messageSha256,
          first_authorized_at: record.firstAuthorizedAt.toISOString(),
        })
        .onConflict((oc) => oc.doNothing())
        .execute();
    },
  };
}

/**
 * The node's default approval check: authorize's `nodeSignAuthorizer` over this store. With no
 * policy set the node refuses every signature (fail closed).
 */
export function storeAuthorizer(
  nodeDb: NodeDb,
  groupKey: (keyId: string) => Promise<Uint8Array | undefined>,
): SignAuthorizer {
  return nodeSignAuthorizer({
    approvers: () => readApprovers(nodeDb.db),
    policy: async () => {
      const p = await readPolicy(nodeDb.db);
      if (!p)
        throw new RampartError(
          'SIGNER_POLICY_NOT_SET',
          'this node has no policy yet: it signs nothing (rampart signer policy set)',
          {
            status: 409,
          },
        );
      return p;
    },
    replay: storeReplayGuard(nodeDb.db),
    groupKey,
  });
}
