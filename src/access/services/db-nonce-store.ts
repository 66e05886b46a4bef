/**
 * The RFC 9421 nonce store in the main database: a nonce is remembered (key id, nonce) until the
 * replay window it was accepted in has passed; the primary key makes "check and remember" an
 * atomic insert, safe across several Rampart instances sharing PostgreSQL.
 *
 * Group commit: nonces arriving together are inserted in one transaction, and every request in
 * the batch is answered after that one commit, so a durable store (SQLite synchronous=FULL,
 * PostgreSQL synchronous_commit=on) pays one fsync per batch instead of one per request. Nothing is
 * acknowledged before it is durable.
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../../core/index.ts';
import type { Database } from '../../store/index.ts';
import type { NonceStore } from '../http-signatures/index.ts';

interface Pending {
  keyId: string;
  nonce: string;
  expiresAt: Date;
  resolve: (fresh: boolean) => void;
  reject: (e: unknown) => void;
}

export class DbNonceStore implements NonceStore {
  private pending: Pending[] = [];
  private scheduled = false;
  private flushes = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  checkAndRemember(keyId: string, nonce: string, expiresAt: Date): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.pending.push({ keyId, nonce, expiresAt, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const fresh = new Array<boolean>(batch.length).fill(false);
    try {
      await this.db.transaction().execute(async (trx) => {
        // Every 100 batches, forget nonces whose window has closed.
        if (++this.flushes % 100 === 0)
          await trx
            .deleteFrom('request_nonces')
            .where('expires_at', '<', this.clock.now().toISOString())
            .execute();
        const seen = new Set<string>();
        for (const [i, p] of batch.entries()) {
          const k = `${p.keyId}\u0000${p.nonce}`;
          if (seen.has(k)) continue; // the same nonce twice in one batch: only the first is fresh
          seen.add(k);
          const r = await trx
            .insertInto('request_nonces')
            .values({ key_id: p.keyId, nonce: p.nonce, expires_at: p.expiresAt.toISOString() })
            .onConflict((oc) => oc.columns(['key_id', 'nonce']).doNothing())
            .executeTakeFirst();
          fresh[i] = Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
        }
      });
    } catch (e) {
      for (const p of batch) p.reject(e);
      return;
    }
    for (const [i, p] of batch.entries()) p.resolve(fresh[i]!);
  }
}
