/**
 * The RFC 9421 nonce store in the main database: a nonce is remembered (key id, nonce) until the
 * replay window it was accepted in has passed; the primary key makes "check and remember" one
 * atomic insert, safe across several Rampart instances sharing PostgreSQL.
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../../core/index.ts';
import type { Database } from '../../store/index.ts';
import type { NonceStore } from '../http-signatures/index.ts';

export class DbNonceStore implements NonceStore {
  private inserts = 0;
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  async checkAndRemember(keyId: string, nonce: string, expiresAt: Date): Promise<boolean> {
    // Every 1,000 inserts, forget nonces whose window has closed.
    if (++this.inserts % 1000 === 0)
      await this.db
        .deleteFrom('request_nonces')
        .where('expires_at', '<', this.clock.now().toISOString())
        .execute();
    const r = await this.db
      .insertInto('request_nonces')
      .values({ key_id: keyId, nonce, expires_at: expiresAt.toISOString() })
      .onConflict((oc) => oc.columns(['key_id', 'nonce']).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
  }
}
