/**
 * Sealed shares: a share is sealed in the key store the moment it exists and only the sealed blob
 * reaches the node's store. The GCM additional data binds the blob to key id, identifier and
 * generation, so a blob cannot be moved to another key or rolled back to an older generation.
 * Opened shares are zeroed by the caller right after use (best effort, see keystore.ts).
 */

import type { Insertable, Kysely } from 'kysely';
import { isoTime, NotFoundError, utf8 } from '../../core/index.ts';
import type { FrostPublic, FrostSecret, Key } from '../frost/index.ts';
import type { KeyStore } from '../keystore/index.ts';
import type { NodeDatabase, NodeDb, ShareTable } from './db.ts';
import { ConflictError } from './errors.ts';
import { publicFromJson, publicToJson } from './packages.ts';

export interface StoredShare {
  keyId: string;
  suite: string;
  identifier: string;
  public: FrostPublic;
  generation: number;
}

function aad(keyId: string, identifier: string, generation: number): Uint8Array {
  return utf8(`frost-share/${keyId}/${identifier}/${generation}`);
}

export class ShareVault {
  constructor(
    private readonly nodeDb: NodeDb,
    private readonly keystore: KeyStore,
  ) {}

  async find(keyId: string): Promise<StoredShare | undefined> {
    const row = await this.nodeDb.db
      .selectFrom('shares')
      .selectAll()
      .where('key_id', '=', keyId)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      keyId: row.key_id,
      suite: row.suite,
      identifier: row.identifier,
      public: publicFromJson(JSON.parse(row.public_package)),
      generation: Number(row.generation),
    };
  }

  async get(keyId: string): Promise<StoredShare> {
    const s = await this.find(keyId);
    if (!s)
      throw new NotFoundError('SIGNER_KEY_UNKNOWN', `this node holds no share of key ${keyId}`, { keyId });
    return s;
  }

  /** Runs `fn` with the opened key; the share bytes are zeroed afterwards. */
  async withKey<T>(keyId: string, fn: (key: Key, stored: StoredShare) => Promise<T> | T): Promise<T> {
    const stored = await this.get(keyId);
    const row = await this.nodeDb.db
      .selectFrom('shares')
      .select('sealed_share')
      .where('key_id', '=', keyId)
      .executeTakeFirstOrThrow();
    const share = await this.keystore.open(
      keyId,
      new Uint8Array(row.sealed_share),
      aad(keyId, stored.identifier, stored.generation),
    );
    const secret = { identifier: stored.identifier, signingShare: Uint8Array.from(share) } as FrostSecret;
    share.fill(0);
    try {
      return await fn({ public: stored.public, secret }, stored);
    } finally {
      secret.signingShare.fill(0);
    }
  }

  /**
   * Seals and stores a key (new from DKG, or replacing the previous generation after a repair),
   * durably, in one transaction; a refresh staged for the key is superseded and dropped. Zeroes
   * `key.secret.signingShare`.
   */
  async put(keyId: string, suite: string, key: Key, generation: number): Promise<void> {
    const row = await this.sealRow(keyId, key, generation);
    await this.nodeDb.db.transaction().execute(async (tx) => {
      await upsertShare(tx, { key_id: keyId, suite, ...row, updated_at: isoTime(new Date()) });
      await tx.deleteFrom('pending_shares').where('key_id', '=', keyId).execute();
    });
  }

  /**
   * Phase one of a refresh: the refreshed key is sealed for its new generation and kept beside the
   * current one, which still signs. Zeroes `key.secret.signingShare`.
   */
  async stage(ceremonyId: string, keyId: string, suite: string, key: Key, generation: number): Promise<void> {
    const row = await this.sealRow(keyId, key, generation);
    // One staged share per key: a newer refresh's replaces an abandoned one.
    await this.nodeDb.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('pending_shares').where('key_id', '=', keyId).execute();
      await tx
        .insertInto('pending_shares')
        .values({ key_id: keyId, ceremony_id: ceremonyId, suite, ...row, created_at: isoTime(new Date()) })
        .execute();
    });
  }

  /**
   * Phase two: the share staged by `ceremonyId` replaces the current one, in one transaction.
   * Idempotent: a node already at `generation` answers as committed (a retried commit, or a repair
   * that got there first).
   */
  async commitStaged(
    ceremonyId: string,
    keyId: string,
    generation: number,
  ): Promise<'committed' | 'already'> {
    return this.nodeDb.db.transaction().execute(async (tx) => {
      const current = await tx
        .selectFrom('shares')
        .select('generation')
        .where('key_id', '=', keyId)
        .executeTakeFirst();
      if (!current)
        throw new NotFoundError('SIGNER_KEY_UNKNOWN', `this node holds no share of key ${keyId}`, { keyId });
      if (Number(current.generation) === generation) {
        await tx.deleteFrom('pending_shares').where('key_id', '=', keyId).execute();
        return 'already';
      }
      const staged = await tx
        .selectFrom('pending_shares')
        .selectAll()
        .where('key_id', '=', keyId)
        .executeTakeFirst();
      if (
        !staged ||
        staged.ceremony_id !== ceremonyId ||
        Number(staged.generation) !== generation ||
        Number(current.generation) !== generation - 1
      )
        throw new ConflictError(
          'SIGNER_REFRESH_NOT_STAGED',
          'this node holds no refreshed share from that ceremony for that generation',
          { keyId, ceremonyId, generation, held: Number(current.generation) },
        );
      await upsertShare(tx, {
        key_id: keyId,
        suite: staged.suite,
        identifier: staged.identifier,
        public_package: staged.public_package,
        sealed_share: staged.sealed_share,
        generation,
        updated_at: isoTime(new Date()),
      });
      await tx.deleteFrom('pending_shares').where('key_id', '=', keyId).execute();
      return 'committed';
    });
  }

  /** A refresh abandoned before its decision: the share it staged is dropped (idempotent). */
  async discardStaged(ceremonyId: string, keyId: string): Promise<void> {
    await this.nodeDb.db
      .deleteFrom('pending_shares')
      .where('key_id', '=', keyId)
      .where('ceremony_id', '=', ceremonyId)
      .execute();
  }

  /** The generation staged for a key, if any (for status and tests; the share stays sealed). */
  async staged(keyId: string): Promise<{ ceremonyId: string; generation: number } | undefined> {
    const row = await this.nodeDb.db
      .selectFrom('pending_shares')
      .select(['ceremony_id', 'generation'])
      .where('key_id', '=', keyId)
      .executeTakeFirst();
    return row ? { ceremonyId: row.ceremony_id, generation: Number(row.generation) } : undefined;
  }

  private async sealRow(keyId: string, key: Key, generation: number) {
    const identifier = key.secret.identifier;
    let sealed: Uint8Array;
    try {
      sealed = await this.keystore.seal(keyId, key.secret.signingShare, aad(keyId, identifier, generation));
    } finally {
      key.secret.signingShare.fill(0);
    }
    return {
      identifier,
      public_package: JSON.stringify(publicToJson(key.public)),
      sealed_share: sealed,
      generation,
    };
  }
}

async function upsertShare(db: Kysely<NodeDatabase>, values: Insertable<ShareTable>): Promise<void> {
  await db
    .insertInto('shares')
    .values(values)
    .onConflict((oc) =>
      oc.column('key_id').doUpdateSet({
        suite: values.suite,
        identifier: values.identifier,
        public_package: values.public_package,
        sealed_share: values.sealed_share,
        generation: values.generation,
        updated_at: values.updated_at,
      }),
    )
    .execute();
}
