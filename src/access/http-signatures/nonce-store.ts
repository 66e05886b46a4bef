/**
 * Replay protection (RFC 9421 §7.2.2): a nonce is accepted once per key while its signature
 * could still be accepted. The interface is all a store needs to offer; the database-backed
 * store implements it over a table with a unique (key id, nonce) constraint.
 */
import { type Clock, RampartError, systemClock } from '../../core/index.ts';

export interface NonceStore {
  /**
   * Records (keyId, nonce) until `expiresAt` and returns true, or returns false when that pair is
   * already recorded and has not expired. Must be atomic: of two concurrent calls with the same
   * pair, exactly one returns true.
   */
  checkAndRemember(keyId: string, nonce: string, expiresAt: Date): boolean | Promise<boolean>;
  /**
   * A store that may have forgotten nonces (an in-memory store after a restart) names the latest
   * replay-window end it could have accepted: signatures whose window ends at or before it are
   * refused as expired.
   */
  readonly minimumWindowEnd?: Date | undefined;
}

/**
 * An in-memory NonceStore for tests and single-process use: bounded, forgets entries once they
 * expire, and fails closed (NONCE_STORE_FULL, 503) rather than forget an unexpired nonce.
 */
export class MemoryNonceStore implements NonceStore {
  readonly #entries = new Map<string, number>();
  readonly #maxEntries: number;
  readonly #clock: Clock;

  constructor(opts: { maxEntries?: number; clock?: Clock } = {}) {
    this.#maxEntries = opts.maxEntries ?? 100_000;
    this.#clock = opts.clock ?? systemClock;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Synchronous: a store in memory answers at once (and throws NONCE_STORE_FULL at once). */
  checkAndRemember(keyId: string, nonce: string, expiresAt: Date): boolean {
    const now = this.#clock.now().getTime();
    const id = JSON.stringify([keyId, nonce]);
    const seen = this.#entries.get(id);
    if (seen !== undefined && seen >= now) return false;
    if (seen === undefined && this.#entries.size >= this.#maxEntries) this.#sweep(now);
    if (seen === undefined && this.#entries.size >= this.#maxEntries)
      throw new RampartError('NONCE_STORE_FULL', 'too many requests in the replay window', { status: 503 });
    this.#entries.set(id, expiresAt.getTime());
    return true;
  }

  #sweep(now: number): void {
    for (const [id, expiresAt] of this.#entries) if (expiresAt < now) this.#entries.delete(id);
  }
}
