/**
 * The access review: every grant with its last use, flagged when unused (never used, or not in
 * `unusedDays`), expiring (within `expiringDays`), pending a second approval, privileged, or held by
 * a break-glass account; and every break-glass account with the alerts its uses raised. Running it
 * first sweeps grants past their end to `expired` (each an `access.grant.expired` entry).
 */
import type { Ledger } from '../../ledger/index.ts';
import { authzDb } from '../authz/tables.ts';
import { type BreakGlassView, isBreakGlassPrincipal, listBreakGlass } from '../break-glass/index.ts';
import { expireGrants, type Grant, listGrants } from './grants.ts';

export type ReviewFlag = 'unused' | 'expiring' | 'pending' | 'privileged' | 'break-glass';

export interface ReviewedGrant extends Grant {
  principalName: string | null;
  flags: ReviewFlag[];
}

export interface BreakGlassAlert {
  index: number;
  time: string;
  account: string;
  payload: unknown;
}

export interface AccessReview {
  generatedAt: string;
  unusedDays: number;
  expiringDays: number;
  expiredNow: number;
  summary: { grants: number; unused: number; expiring: number; pending: number; breakGlassUses: number };
  grants: ReviewedGrant[];
  breakGlass: BreakGlassView[];
  alerts: BreakGlassAlert[];
}

const DAY = 86_400_000;

/** The flags of one grant at `now` (pure). */
export function reviewFlags(
  g: Grant,
  now: Date,
  opts: { unusedDays: number; expiringDays: number },
): ReviewFlag[] {
  const flags: ReviewFlag[] = [];
  const t = now.getTime();
  if (g.status === 'pending') flags.push('pending');
  if (
    g.status === 'active' &&
    (g.lastUsedAt === null || t - Date.parse(g.lastUsedAt) > opts.unusedDays * DAY)
  )
    flags.push('unused');
  if (
    (g.status === 'active' || g.status === 'pending') &&
    g.expiresAt !== null &&
    Date.parse(g.expiresAt) - t <= opts.expiringDays * DAY
  )
    flags.push('expiring');
  if (g.privileged) flags.push('privileged');
  if (isBreakGlassPrincipal(g.principal)) flags.push('break-glass');
  return flags;
}

export async function accessReview(
  ledger: Ledger,
  opts: { unusedDays?: number; expiringDays?: number; all?: boolean } = {},
): Promise<AccessReview> {
  const unusedDays = opts.unusedDays ?? 30;
  const expiringDays = opts.expiringDays ?? 7;
  const expiredNow = await expireGrants(ledger);
  const now = ledger.clock.now();
  const people = await authzDb(ledger.store.db).selectFrom('people').select(['id', 'name']).execute();
  const names = new Map(people.map((p) => [`user:${p.id}`, p.name]));
  const grants = (await listGrants(ledger))
    .filter((g) => opts.all || g.status === 'pending' || g.status === 'active')
    .map((g) => ({
      ...g,
      principalName:
        names.get(g.principal) ?? (g.principal.startsWith('service:') ? g.principal.slice(8) : null),
      flags: reviewFlags(g, now, { unusedDays, expiringDays }),
    }));
  const breakGlass = await listBreakGlass(ledger);
  const uses = await ledger.latest({ action: 'access.break-glass.used', limit: 200 });
  const alerts = uses.map((e) => ({
    index: e.index,
    time: e.time,
    account: e.subject,
    payload: e.payload ?? null,
  }));
  const count = (f: ReviewFlag) => grants.filter((g) => g.flags.includes(f)).length;
  return {
    generatedAt: now.toISOString(),
    unusedDays,
    expiringDays,
    expiredNow,
    summary: {
      grants: grants.length,
      unused: count('unused'),
      expiring: count('expiring'),
      pending: count('pending'),
      breakGlassUses: alerts.length,
    },
    grants,
    breakGlass,
    alerts,
  };
}
