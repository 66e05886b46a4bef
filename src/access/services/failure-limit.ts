/**
 * Lock-out for signed service requests: after `limit` refused signatures (bad signature, unknown
 * key, replay, expired…) from one source address, or naming one key id, within a window, that
 * address or key id is refused with LOCKED_OUT (HTTP 429, Retry-After) for a window, before any
 * signature work is done — an attacker cannot grind keys or flood the verifier. Each lock-out is a
 * ledger entry and an error-level log line; every refusal is logged with its precise reason.
 *
 * Counters live in this process's memory: checking a store on every service request would cost
 * more than the signature check itself (see `npm run bench -- access`). With several processes
 * each counts on its own, so the effective limit is `limit` × processes; people's sign-in lock-out
 * (access_lockouts) is shared through the store.
 */
import { RampartError } from '../../core/index.ts';
import type { Ledger } from '../../ledger/index.ts';
import { SignatureRefusal } from '../http-signatures/index.ts';
import type { ServicePrincipal, SignedRequestInput } from './signed-request-auth.ts';

export interface FailureLimitPolicy {
  windowMs: number;
  /** Refusals per source address within a window; the limit-th locks. */
  address: number;
  /** Refusals naming one key id within a window. */
  keyId: number;
}

export const DEFAULT_SERVICE_FAILURE_LIMIT: FailureLimitPolicy = {
  windowMs: 5 * 60_000,
  address: 50,
  keyId: 20,
};

interface Counter {
  windowStart: number;
  failures: number;
  lockedUntil: number;
}

export class ServiceLockedOutError extends RampartError {
  override readonly name = 'ServiceLockedOutError';
  constructor(retryAfterSeconds: number, scope: 'address' | 'key') {
    super('LOCKED_OUT', 'too many refused signed requests; try again later', {
      status: 429,
      details: { retryAfterSeconds, scope },
    });
  }
}

/** The key id a request claims, read without verifying anything (RFC 9421 §2.3 `keyid`). */
export function claimedKeyId(headers: SignedRequestInput['headers']): string | undefined {
  const input = headers['signature-input'];
  const text = Array.isArray(input) ? input.join(',') : input;
  const m = text ? /;\s*keyid="([^"\\]{1,200})"/.exec(text) : null;
  return m?.[1];
}

export class ServiceFailureLimiter {
  readonly #counters = new Map<string, Counter>();
  readonly #policy: FailureLimitPolicy;
  readonly #now: () => number;

  constructor(opts: { policy?: FailureLimitPolicy; now?: () => number } = {}) {
    this.#policy = opts.policy ?? DEFAULT_SERVICE_FAILURE_LIMIT;
    this.#now = opts.now ?? Date.now;
  }

  /** Throws LOCKED_OUT when the address or the claimed key id is locked now. */
  assertNotLocked(address: string, keyId: string | undefined): void {
    const now = this.#now();
    for (const [key, scope] of this.#keys(address, keyId)) {
      const c = this.#counters.get(key);
      if (c && c.lockedUntil > now)
        throw new ServiceLockedOutError(Math.max(1, Math.ceil((c.lockedUntil - now) / 1000)), scope);
    }
  }

  /** Counts one refusal; returns the scopes that became locked with it. */
  recordFailure(address: string, keyId: string | undefined): Array<'address' | 'key'> {
    const now = this.#now();
    const locked: Array<'address' | 'key'> = [];
    if (this.#counters.size > 100_000) this.#forgetOld(now);
    for (const [key, scope] of this.#keys(address, keyId)) {
      let c = this.#counters.get(key);
      if (!c || now - c.windowStart >= this.#policy.windowMs) {
        c = { windowStart: now, failures: 0, lockedUntil: c?.lockedUntil ?? 0 };
        this.#counters.set(key, c);
      }
      c.failures++;
      if (c.failures === (scope === 'address' ? this.#policy.address : this.#policy.keyId)) {
        c.lockedUntil = now + this.#policy.windowMs;
        locked.push(scope);
      }
    }
    return locked;
  }

  #keys(address: string, keyId: string | undefined): Array<[string, 'address' | 'key']> {
    const out: Array<[string, 'address' | 'key']> = [[`a:${address}`, 'address']];
    if (keyId) out.push([`k:${keyId}`, 'key']);
    return out;
  }

  #forgetOld(now: number): void {
    for (const [k, c] of this.#counters)
      if (now - c.windowStart >= this.#policy.windowMs && c.lockedUntil <= now) this.#counters.delete(k);
  }
}

export interface LimitedAuthOptions {
  limiter: ServiceFailureLimiter;
  ledger: Ledger;
  log: (level: 'warn' | 'error', data: Record<string, unknown>, msg: string) => void;
}

/** Wraps a signed-request authenticator with the lock-out, logging and auditing described above. */
export function withFailureLimit(
  authenticate: (req: SignedRequestInput) => Promise<ServicePrincipal>,
  opts: LimitedAuthOptions,
): (req: SignedRequestInput & { address: string }) => Promise<ServicePrincipal> {
  return async (req) => {
    const keyId = claimedKeyId(req.headers);
    opts.limiter.assertNotLocked(req.address, keyId);
    try {
      return await authenticate(req);
    } catch (e) {
      if (!(e instanceof SignatureRefusal)) throw e;
      // The caller sees only the code; the reason is for the operator.
      opts.log(
        'warn',
        { code: e.code, reason: e.reason, address: req.address, keyId },
        'signed request refused',
      );
      const locked = opts.limiter.recordFailure(req.address, keyId);
      for (const scope of locked) {
        opts.log('error', { code: 'LOCKED_OUT', scope, address: req.address, keyId }, 'service lock-out');
        await opts.ledger.record({
          actor: 'system',
          action: 'access.service.lockout',
          subject: scope === 'address' ? `address:${req.address}` : `service-key:${keyId}`,
          payload: { scope, lastRefusal: e.code },
        });
      }
      throw e;
    }
  };
}
