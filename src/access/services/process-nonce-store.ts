/**
 * The replay store for one Rampart process: nonces live in memory for their replay window
 * (RFC 9421 §7.2.2 leaves the mechanism to the verifier), with no database write per request.
 *
 * What memory forgets on a crash is covered by a high-water mark kept on disk: before a nonce is
 * acknowledged, the end of its replay window is known to be at or below the mark (it is raised,
 * durably, a little ahead of need — at most one small fsync'd write every `markSlackSeconds`). After a
 * restart, every signature whose window ends at or before the mark is refused as expired, so none of
 * the nonces the previous process accepted can be replayed; a client caught by this signs again. On a
 * clean first start there is no mark and nothing is refused.
 *
 * It holds for one process only. Several Rampart processes serving one API must share the database
 * store (`access.nonces: database`, the default with PostgreSQL), or a nonce accepted by one could be
 * replayed to another.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Clock, RampartError, systemClock } from '../../core/index.ts';
import type { NonceStore } from '../http-signatures/index.ts';

/** Where the mark lives: read once at start, written (durably) when it must rise. */
export interface WindowMark {
  read(): number | undefined;
  write(untilMs: number): void;
}

/** The mark as a small file, replaced atomically (write, fsync, rename, fsync the directory). */
export function fileWindowMark(path: string): WindowMark {
  return {
    read() {
      if (!existsSync(path)) return undefined;
      const ms = Date.parse(readFileSync(path, 'utf8').trim());
      if (Number.isNaN(ms))
        throw new RampartError(
          'NONCE_MARK_INVALID',
          `${path} does not hold a timestamp; delete it only if no Rampart process is running`,
        );
      return ms;
    },
    write(untilMs) {
      const tmp = `${path}.tmp`;
      const fd = openSync(tmp, 'w', 0o600);
      try {
        writeSync(fd, `${new Date(untilMs).toISOString()}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, path);
      const dir = openSync(dirname(path), 'r');
      try {
        fsyncSync(dir);
      } finally {
        closeSync(dir);
      }
    },
  };
}

export interface ProcessNonceStoreOptions {
  clock?: Clock;
  /** Without a mark, the store protects only while the process lives (tests, benchmarks). */
  mark?: WindowMark;
  /** How far past the needed point the mark is raised, so that it is written rarely. */
  markSlackSeconds?: number;
  /** 10,000 requests/s over a 300 s window is 3 M entries (~300 MB); beyond the cap we fail closed. */
  maxEntries?: number;
}

export class ProcessNonceStore implements NonceStore {
  /** (key id, nonce) → end of its replay window, ms. Insertion order ≈ expiry order. */
  readonly #entries = new Map<string, number>();
  readonly #clock: Clock;
  readonly #mark: WindowMark | undefined;
  readonly #slackMs: number;
  readonly #maxEntries: number;
  #markMs: number;
  /**
   * The window end of the entry first in the map when last looked at (infinite when empty). Only
   * when it has passed is there anything to forget; a stale value costs one walk, never a nonce.
   */
  #frontUntil = Number.POSITIVE_INFINITY;
  readonly minimumWindowEnd: Date | undefined;

  constructor(opts: ProcessNonceStoreOptions = {}) {
    this.#clock = opts.clock ?? systemClock;
    this.#mark = opts.mark;
    this.#slackMs = (opts.markSlackSeconds ?? 2) * 1000;
    this.#maxEntries = opts.maxEntries ?? 3_000_000;
    const previous = this.#mark?.read();
    this.minimumWindowEnd = previous === undefined ? undefined : new Date(previous);
    this.#markMs = previous ?? 0;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Synchronous (no turn of the event loop per request); a failing mark write throws at once. */
  checkAndRemember(keyId: string, nonce: string, expiresAt: Date): boolean {
    const now = this.#clock.now().getTime();
    this.#forgetExpired(now);
    const id = `${keyId}\u0000${nonce}`;
    const seen = this.#entries.get(id);
    if (seen !== undefined && seen >= now) return false;
    if (seen === undefined && this.#entries.size >= this.#maxEntries)
      throw new RampartError('NONCE_STORE_FULL', 'too many requests in the replay window', { status: 503 });
    const until = expiresAt.getTime();
    // Durable before acknowledged: a crash after this point leaves a mark that refuses this window.
    if (this.#mark && until > this.#markMs) {
      this.#mark.write(until + this.#slackMs);
      this.#markMs = until + this.#slackMs;
    }
    if (seen !== undefined) this.#entries.delete(id);
    else if (this.#entries.size === 0) this.#frontUntil = until;
    this.#entries.set(id, until);
    return true;
  }

  /**
   * Entries arrive roughly in expiry order (every window is `created` + the same maximum age), so
   * expired ones are dropped from the front, a few at a time, without scanning the whole map. An
   * entry that expires early behind a later one just waits for its turn; it cannot be accepted
   * twice meanwhile, which is the only thing that matters.
   */
  #forgetExpired(now: number): void {
    // Most calls find the front entry still live: known without walking the map (no iterator).
    if (now <= this.#frontUntil) return;
    let budget = 64;
    for (const [id, expiresAt] of this.#entries) {
      if (expiresAt >= now) {
        this.#frontUntil = expiresAt;
        return;
      }
      if (budget-- === 0) return;
      this.#entries.delete(id);
    }
    this.#frontUntil = Number.POSITIVE_INFINITY;
  }
}
