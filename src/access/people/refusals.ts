/**
 * A refused ceremony is a ledger entry (`access.<what>.failed`, with its code), and spends the
 * challenge it used, in one transaction: a failed attempt can never be retried with the same
 * challenge, and every failure is on the record.
 */
import { type AccessContext, nowIso } from './context.ts';
import { AccessError, isAccessError } from './errors.ts';
import { accessDb } from './tables.ts';

export interface RefusalInfo {
  action: string;
  challengeId?: string;
  credentialId?: string;
  subject?: string;
}

export async function auditRefusal(ctx: AccessContext, info: RefusalInfo, err: unknown): Promise<never> {
  const e = isAccessError(err)
    ? err
    : new AccessError('ASSERTION_INVALID', 'the passkey response does not verify', { cause: err });
  const now = nowIso(ctx);
  await ctx.ledger.record(
    {
      actor: 'system',
      action: info.action,
      subject: info.subject ?? '',
      payload: {
        code: e.code,
        ...(info.credentialId ? { credentialId: info.credentialId } : {}),
        ...(info.challengeId ? { challengeId: info.challengeId } : {}),
      },
    },
    async (trx) => {
      if (info.challengeId)
        await accessDb(trx)
          .updateTable('access_challenges')
          .set({ used_at: now })
          .where('id', '=', info.challengeId)
          .where('used_at', 'is', null)
          .execute();
    },
  );
  throw e;
}
