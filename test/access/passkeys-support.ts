/** A people context on a fresh test store, with a clock the test moves, and a software authenticator. */
import { rejects } from 'node:assert/strict';
import type { AccessContext } from '../../src/access/people/index.ts';
import { relyingPartyFor } from '../../src/access/people/index.ts';
import type { Clock } from '../../src/core/index.ts';
import type { Store } from '../../src/store/index.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { testLedger } from '../support/ledger.ts';
import { SoftAuthenticator } from './passkeys-authenticator.ts';

export const ORIGIN = 'http://localhost:8080';

export interface PeopleFixture {
  ctx: AccessContext;
  db: TestDb;
  store: Store;
  authenticator: SoftAuthenticator;
  /** Move the clock forward. */
  advance(ms: number): void;
  close(): Promise<void>;
}

export async function peopleFixture(): Promise<PeopleFixture> {
  const db = await createTestDb();
  const store = await db.open();
  let t = Date.parse('2026-03-01T09:00:00.000Z');
  const clock: Clock = { now: () => new Date(t) };
  const { ledger } = testLedger(store, { clock });
  const ctx: AccessContext = { ledger, clock, relyingParty: () => relyingPartyFor(ORIGIN) };
  return {
    ctx,
    db,
    store,
    authenticator: new SoftAuthenticator(ORIGIN),
    advance: (ms) => {
      t += ms;
    },
    async close() {
      await ledger.stop();
      await store.close();
      await db.drop();
    },
  };
}

/** Rejects with a RampartError of this code. */
export async function refusedWith(p: Promise<unknown>, code: string): Promise<void> {
  await rejects(p, (e: unknown) => {
    if ((e as { code?: string }).code !== code)
      throw new Error(`expected ${code}, got ${(e as { code?: string }).code}: ${(e as Error).message}`);
    return true;
  });
}
