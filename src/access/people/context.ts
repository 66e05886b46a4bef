/** What the people functions work with: the ledger (and through it the store), a clock, the RP. */
import type { Clock } from '../../core/index.ts';
import type { Ledger } from '../../ledger/index.ts';
import type { LockoutPolicy } from './lockout.ts';
import type { RelyingParty } from './relying-party.ts';
import { accessDb } from './tables.ts';

export interface AccessContext {
  ledger: Ledger;
  clock: Clock;
  /** Resolved when needed: the local port is known only once the server listens. */
  relyingParty: () => RelyingParty;
  /** Lock-out limits (tests lower them); DEFAULT_LOCKOUT when absent. */
  lockout?: LockoutPolicy;
}

export function db(ctx: AccessContext) {
  return accessDb(ctx.ledger.store.db);
}

export function nowIso(ctx: AccessContext): string {
  return ctx.clock.now().toISOString();
}

export function laterIso(ctx: AccessContext, ms: number): string {
  return new Date(ctx.clock.now().getTime() + ms).toISOString();
}
