/**
 * The authorizer: what a principal may do now, from its active, unexpired grants, and the
 * conditions on top. One per ledger (so every route of a server shares its caches).
 *
 * Caches are short and exact where it matters: any grant, role, condition or break-glass change in
 * this process empties them (generation.ts); a grant's end is checked against the clock on every
 * request, so an expired grant stops working at once; other processes' changes are seen within
 * PRINCIPAL_TTL_MS. `last_used_at` is written at most once a minute per grant.
 */
import { sql } from 'kysely';
import { RampartError } from '../../core/index.ts';
import type { Ledger } from '../../ledger/index.ts';
import { effectiveGrants } from '../grants/grants.ts';
import {
  evaluateConditions,
  type PreparedConditions,
  prepareConditions,
  requestContext,
  type Verdict,
} from './cedar-engine.ts';
import { currentConditions } from './conditions-store.ts';
import { generationOf } from './generation.ts';
import { rolePermissionMap } from './role-store.ts';
import { authzDb } from './tables.ts';

const PRINCIPAL_TTL_MS = 2_000;
const ROLES_TTL_MS = 5_000;
const CONDITIONS_TTL_MS = 5_000;
const TOUCH_EVERY_MS = 60_000;
const MAX_VERDICTS = 10_000;

export interface EffectiveAccess {
  principal: string;
  roles: string[];
  permissions: ReadonlySet<string>;
  grants: ReadonlyArray<{ id: string; role: string; expiresAt: string | null }>;
}

/** Facts about the request the conditions look at. */
export interface RequestFacts {
  sourceIp: string;
  /** The console session, for the step-up age. */
  sessionId?: string;
}

export class Authorizer {
  private gen = -1;
  private roles: { map: Map<string, readonly string[]>; at: number } | undefined;
  private conditions: { prepared: PreparedConditions; at: number } | undefined;
  private readonly principals = new Map<string, { access: EffectiveAccess; at: number; untilMs: number }>();
  private readonly touched = new Map<string, number>();
  /** When touch() last looked at (access, permission): every grant it concerns was marked then. */
  private readonly touchChecked = new WeakMap<EffectiveAccess, Map<string, number>>();
  private readonly verdicts = new Map<string, Verdict>();

  constructor(private readonly ledger: Ledger) {}

  private fresh(): void {
    const g = generationOf(this.ledger);
    if (g === this.gen) return;
    this.gen = g;
    this.roles = undefined;
    this.conditions = undefined;
    this.principals.clear();
    this.verdicts.clear();
  }

  async roleMap(): Promise<Map<string, readonly string[]>> {
    this.fresh();
    if (this.roles && Date.now() - this.roles.at < ROLES_TTL_MS) return this.roles.map;
    const map = await rolePermissionMap(this.ledger);
    this.roles = { map, at: Date.now() };
    return map;
  }

  async prepared(): Promise<PreparedConditions> {
    this.fresh();
    if (this.conditions && Date.now() - this.conditions.at < CONDITIONS_TTL_MS)
      return this.conditions.prepared;
    const current = await currentConditions(this.ledger);
    const prepared =
      this.conditions && this.conditions.prepared.compiled.digest === current.digest
        ? this.conditions.prepared
        : prepareConditions(current.conditions);
    this.conditions = { prepared, at: Date.now() };
    return prepared;
  }

  /**
   * The principal's roles and permissions now (active grants, not past their end): the cached value
   * itself when it is still good (no promise, no turn of the event loop: the signed-request path
   * asks on every request), else a promise of the value read from the database.
   */
  access(principal: string): EffectiveAccess | Promise<EffectiveAccess> {
    this.fresh();
    const now = this.ledger.clock.now();
    const c = this.principals.get(principal);
    if (c && Date.now() - c.at < PRINCIPAL_TTL_MS && now.getTime() < c.untilMs) return c.access;
    return this.readAccess(principal, now.toISOString());
  }

  private async readAccess(principal: string, now: string): Promise<EffectiveAccess> {
    const grants = await effectiveGrants(this.ledger, principal, now);
    const map = await this.roleMap();
    const permissions = new Set<string>();
    for (const g of grants) for (const p of map.get(g.role) ?? []) permissions.add(p);
    const access: EffectiveAccess = {
      principal,
      roles: [...new Set(grants.map((g) => g.role))],
      permissions,
      grants,
    };
    const ends = grants.map((g) => g.expiresAt).filter((e): e is string => e !== null);
    const until = ends.length ? ([...ends].sort()[0] ?? null) : null;
    this.principals.set(principal, {
      access,
      at: Date.now(),
      // Compared as milliseconds on every request (formatting the clock as ISO text cost more).
      untilMs: until === null ? Number.POSITIVE_INFINITY : Date.parse(until),
    });
    return access;
  }

  /**
   * After the role check passed: the conditions (Cedar), then the grants that gave the permission
   * are marked used. Throws 403 CONDITION_DENIED (or CONDITION_ERROR) naming the conditions.
   */
  authorize(access: EffectiveAccess, permission: string, facts: RequestFacts): void | Promise<void> {
    // The common case decided at once: conditions cached and none on this permission, and the
    // grants marked used within the minute (see touch).
    this.fresh();
    const cached = this.conditions;
    if (cached && Date.now() - cached.at < CONDITIONS_TTL_MS && !cached.prepared.applies(permission))
      return this.touch(access, permission);
    return this.authorizeWithConditions(access, permission, facts);
  }

  private async authorizeWithConditions(
    access: EffectiveAccess,
    permission: string,
    facts: RequestFacts,
  ): Promise<void> {
    const prepared = await this.prepared();
    if (prepared.applies(permission)) {
      const now = this.ledger.clock.now();
      const stepUpAge = prepared.needsStepUp(permission)
        ? await this.stepUpAge(facts.sessionId, now)
        : undefined;
      const context = requestContext(now, facts.sourceIp, stepUpAge);
      // A decision is a pure function of the policy set, principal, roles, permission and context,
      // so it is remembered for exactly that key (the minute of day is part of it).
      const key = `${prepared.setId}\u0000${access.principal}\u0000${access.roles.join(',')}\u0000${permission}\u0000${context.minuteOfDay}\u0000${context.weekday}\u0000${context.sourceIp}\u0000${context.stepUpAgeSeconds ?? ''}`;
      let verdict = this.verdicts.get(key);
      if (!verdict) {
        verdict = evaluateConditions(prepared, {
          principal: access.principal,
          roles: access.roles,
          permission,
          context,
        });
        if (this.verdicts.size >= MAX_VERDICTS) this.verdicts.clear();
        this.verdicts.set(key, verdict);
      }
      if (!verdict.allowed)
        throw new RampartError(
          verdict.code,
          verdict.code === 'CONDITION_ERROR'
            ? `a condition on ${permission} could not be evaluated: refused`
            : `${permission} is not allowed now: condition ${verdict.conditions.join(', ')}`,
          { status: 403, details: { permission, conditions: verdict.conditions } },
        );
    }
    await this.touch(access, permission);
  }

  /** Seconds since the session's last successful step-up; undefined when there is none. */
  private async stepUpAge(sessionId: string | undefined, now: Date): Promise<number | undefined> {
    if (!sessionId) return undefined;
    try {
      const r = await sql<{ at: string | null }>`select max(used_at) as at from access_stepups
        where session_id = ${sessionId} and outcome = 'used'`.execute(this.ledger.store.db);
      const at = r.rows[0]?.at;
      return at ? Math.max(0, Math.floor((now.getTime() - Date.parse(at)) / 1000)) : undefined;
    } catch {
      return undefined; // no step-up table: no step-up, and the condition denies
    }
  }

  /** Marks the grants used (at most once a minute each); no promise when nothing is due. */
  private touch(access: EffectiveAccess, permission: string): void | Promise<void> {
    if (access.grants.length === 0) return;
    const now = this.ledger.clock.now();
    // Most requests come well within a minute of the last mark: one map read decides it.
    let checked = this.touchChecked.get(access);
    if (!checked) {
      checked = new Map();
      this.touchChecked.set(access, checked);
    }
    const last = checked.get(permission);
    if (last !== undefined && now.getTime() - last < TOUCH_EVERY_MS) return;
    checked.set(permission, now.getTime());
    return this.markUsed(access, permission, now);
  }

  private async markUsed(access: EffectiveAccess, permission: string, now: Date): Promise<void> {
    const map = await this.roleMap();
    const due = access.grants
      .filter((g) => map.get(g.role)?.includes(permission))
      .filter((g) => now.getTime() - (this.touched.get(g.id) ?? Number.NEGATIVE_INFINITY) >= TOUCH_EVERY_MS)
      .map((g) => g.id);
    if (due.length === 0) return;
    for (const id of due) this.touched.set(id, now.getTime());
    await authzDb(this.ledger.store.db)
      .updateTable('access_grants')
      .set({ last_used_at: now.toISOString() })
      .where('id', 'in', due)
      .execute();
  }
}

const authorizers = new WeakMap<Ledger, Authorizer>();

export function authorizerFor(ledger: Ledger): Authorizer {
  let a = authorizers.get(ledger);
  if (!a) {
    a = new Authorizer(ledger);
    authorizers.set(ledger, a);
  }
  return a;
}
