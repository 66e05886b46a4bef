/**
 * One ceremony as the coordinator runs it: a ledger entry when it starts (who, which nodes), and
 * one when it ends, completed (with its result and the registry change, in the same transaction:
 * fail closed) or failed (with the error code). Nothing secret is ever in an entry.
 */
import { randomBytes } from 'node:crypto';
import { base64urlnopad } from '@scure/base';
import type { Transaction } from 'kysely';
import { isoTime, isRampartError } from '../../core/index.ts';
import type { Ledger } from '../../ledger/index.ts';
import type { Database } from '../../store/index.ts';

export type CeremonyKind = 'dkg' | 'sign' | 'refresh' | 'repair';

export function newCeremonyId(): string {
  return base64urlnopad.encode(randomBytes(16));
}

export interface CeremonyParticipantView {
  nodeId: string;
  identifier: string;
  url: string;
}

export interface RunningCeremony {
  readonly id: string;
  complete(
    result: Record<string, unknown>,
    change?: (db: Transaction<Database>) => Promise<void>,
  ): Promise<void>;
  fail(error: unknown): Promise<void>;
}

export async function startCeremony(
  ledger: Ledger,
  opts: {
    kind: CeremonyKind;
    keyId: string;
    actor: string;
    participants: CeremonyParticipantView[];
    details?: Record<string, unknown>;
  },
): Promise<RunningCeremony> {
  const id = newCeremonyId();
  const now = isoTime(ledger.clock.now());
  await ledger.record(
    {
      actor: opts.actor,
      action: `signing.${opts.kind}.started`,
      subject: opts.keyId,
      payload: { ceremonyId: id, participants: opts.participants, ...opts.details },
    },
    async (db) => {
      await db
        .insertInto('signing_ceremonies')
        .values({
          ceremony_id: id,
          key_id: opts.keyId,
          kind: opts.kind,
          status: 'started',
          actor: opts.actor,
          participants: JSON.stringify(opts.participants),
          result: null,
          error: null,
          started_at: now,
          finished_at: null,
        })
        .execute();
    },
  );
  let done = false;
  return {
    id,
    async complete(result, change) {
      done = true;
      await ledger.record(
        {
          actor: opts.actor,
          action: `signing.${opts.kind}.completed`,
          subject: opts.keyId,
          payload: { ceremonyId: id, ...result },
        },
        async (db) => {
          if (change) await change(db);
          await db
            .updateTable('signing_ceremonies')
            .set({
              status: 'completed',
              result: JSON.stringify(result),
              finished_at: isoTime(ledger.clock.now()),
            })
            .where('ceremony_id', '=', id)
            .execute();
        },
      );
    },
    async fail(error) {
      if (done) return;
      done = true;
      const e = isRampartError(error)
        ? { code: error.code, message: error.message }
        : { code: 'INTERNAL', message: 'the ceremony failed' };
      await ledger.record(
        {
          actor: opts.actor,
          action: `signing.${opts.kind}.failed`,
          subject: opts.keyId,
          payload: { ceremonyId: id, error: e },
        },
        async (db) => {
          await db
            .updateTable('signing_ceremonies')
            .set({ status: 'failed', error: JSON.stringify(e), finished_at: isoTime(ledger.clock.now()) })
            .where('ceremony_id', '=', id)
            .execute();
        },
      );
    },
  };
}

/** Runs `body` inside a ceremony: failures are recorded, then rethrown. */
export async function inCeremony<T>(c: RunningCeremony, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (e) {
    await c.fail(e).catch(() => undefined);
    throw e;
  }
}
