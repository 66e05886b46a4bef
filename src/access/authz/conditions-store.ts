/**
 * The conditions in force: every version kept by sequence (the newest is in force), each change a
 * ledger entry `access.conditions.set` carrying the digest and the Cedar text it compiles to.
 */
import type { Ledger } from '../../ledger/index.ts';
import { prepareConditions } from './cedar-engine.ts';
import { type Condition, parseConditions } from './conditions.ts';
import { bumpGeneration } from './generation.ts';
import { authzDb } from './tables.ts';

export interface ConditionSetView {
  seq: number;
  conditions: Condition[];
  cedar: string;
  digest: string;
  setBy: string;
  setAt: string;
}

export async function currentConditions(ledger: Ledger): Promise<ConditionSetView> {
  const r = await authzDb(ledger.store.db)
    .selectFrom('access_conditions')
    .selectAll()
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!r) {
    const p = prepareConditions([]);
    return {
      seq: 0,
      conditions: [],
      cedar: p.compiled.text,
      digest: p.compiled.digest,
      setBy: 'default',
      setAt: '',
    };
  }
  return {
    seq: Number(r.seq),
    conditions: JSON.parse(r.conditions) as Condition[],
    cedar: r.cedar,
    digest: r.digest,
    setBy: r.set_by,
    setAt: r.set_at,
  };
}

/** Replace the conditions in force (validated and compiled first; nothing changes if they do not). */
export async function setConditions(
  ledger: Ledger,
  input: { conditions: unknown; actor: string },
): Promise<ConditionSetView> {
  const conditions = parseConditions(input.conditions);
  const prepared = prepareConditions(conditions);
  const now = ledger.clock.now().toISOString();
  await ledger.transact(async (tx) => {
    const t = authzDb(tx.db);
    const last = await t
      .selectFrom('access_conditions')
      .select('seq')
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    const seq = Number(last?.seq ?? 0) + 1;
    await t
      .insertInto('access_conditions')
      .values({
        seq,
        conditions: JSON.stringify(conditions),
        cedar: prepared.compiled.text,
        digest: prepared.compiled.digest,
        set_by: input.actor,
        set_at: now,
      })
      .execute();
    tx.audit({
      actor: input.actor,
      action: 'access.conditions.set',
      subject: 'access:conditions',
      payload: {
        seq,
        digest: prepared.compiled.digest,
        conditions: conditions.map((c) => c.id),
        cedar: prepared.compiled.text,
      },
    });
  });
  bumpGeneration(ledger);
  return currentConditions(ledger);
}
