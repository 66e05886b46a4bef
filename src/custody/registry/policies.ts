/**
 * The transaction policy in force: the newest one set (`custody.policy.set` in the ledger, with its
 * digest), or the built-in default policy when none was. Requests are judged by it, with the
 * velocity history of requests approved or exported in the last 7 days.
 */
import type { Ledger } from '../../ledger/index.ts';
import type { Analysis } from '../analysis/analyze.ts';
import {
  DEFAULT_POLICY_YAML,
  defaultPolicy,
  evaluatePolicy,
  type Policy,
  type PolicyDecision,
  parsePolicy,
  policyDigest,
  type VelocityEntry,
  velocityEntries,
} from '../policy/index.ts';
import type { PolicyOutcome } from '../requests/decision.ts';
import { getWallet } from './wallets.ts';

export interface ActivePolicy {
  policy: Policy;
  digest: string;
  source: string;
  /** 0 for the built-in default */
  seq: number;
  setBy: string | null;
  setAt: string | null;
}

export async function setPolicy(ledger: Ledger, text: string, actor: string): Promise<ActivePolicy> {
  const policy = parsePolicy(text, 'the policy file');
  const digest = policyDigest(policy);
  const now = ledger.clock.now().toISOString();
  let seq = 0;
  await ledger.transact(async (tx) => {
    const last = await tx.db
      .selectFrom('custody_policies')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .executeTakeFirst();
    seq = Number(last?.seq ?? 0) + 1;
    await tx.db
      .insertInto('custody_policies')
      .values({ seq, digest, source: text, set_by: actor, set_at: now })
      .execute();
    tx.audit({
      actor,
      action: 'custody.policy.set',
      subject: `policy:${seq}`,
      payload: {
        digest,
        name: policy.name ?? null,
        version: policy.version,
        rules: policy.rules.map((r) => r.id),
      },
    });
  });
  return { policy, digest, source: text, seq, setBy: actor, setAt: now };
}

export async function activePolicy(ledger: Ledger): Promise<ActivePolicy> {
  const row = await ledger.store.db
    .selectFrom('custody_policies')
    .selectAll()
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) {
    const policy = defaultPolicy();
    return {
      policy,
      digest: policyDigest(policy),
      source: DEFAULT_POLICY_YAML,
      seq: 0,
      setBy: null,
      setAt: null,
    };
  }
  return {
    policy: parsePolicy(row.source, `policy ${row.seq}`),
    digest: row.digest,
    source: row.source,
    seq: Number(row.seq),
    setBy: row.set_by,
    setAt: row.set_at,
  };
}

async function history(ledger: Ledger, wallet: string, now: Date): Promise<VelocityEntry[]> {
  const since = new Date(now.getTime() - 7 * 86_400_000).toISOString();
  const rows = await ledger.store.db
    .selectFrom('custody_requests')
    .select(['analysis', 'updated_at'])
    .where('wallet', '=', wallet.toLowerCase())
    .where('status', 'in', ['approved', 'exported'])
    .where('updated_at', '>=', since)
    .execute();
  return rows.flatMap((r) => velocityEntries(JSON.parse(r.analysis) as Analysis, new Date(r.updated_at)));
}

export async function evaluateWithActivePolicy(
  ledger: Ledger,
  analysis: Analysis,
  policy?: Policy,
): Promise<PolicyDecision> {
  const p = policy ?? (await activePolicy(ledger)).policy;
  const now = ledger.clock.now();
  const wallet = await getWallet(ledger, analysis.wallet, analysis.chainId);
  return evaluatePolicy(p, analysis, {
    now,
    history: await history(ledger, analysis.wallet, now),
    ...(wallet.addressBook ? { addressBook: wallet.addressBook } : {}),
  });
}

/** The hook requests are judged with. */
export function policyHook(ledger: Ledger) {
  return async (analysis: Analysis): Promise<PolicyOutcome> => {
    const d = await evaluateWithActivePolicy(ledger, analysis);
    return {
      decision: d.decision,
      ruleId: d.ruleId,
      reason: `${d.reason} (policy ${d.policy.name ?? ''} v${d.policy.version}, ${d.policy.digest.slice(0, 12)}…)`,
      requiredApprovals: d.requiredApprovals,
      fromRoles: d.fromRoles,
    };
  };
}
