/**
 * Sealed shares: a share is sealed in the key store the moment it exists and only the sealed blob
 * reaches the node's store. The GCM additional data binds the blob to key id, identifier and
 * generation, so a blob cannot be moved to another key or rolled back to an older generation.
 * Opened shares are zeroed by the caller right after use (best effort, see keystore.ts).
 */
import { isoTime, NotFoundError, utf8 } from '../../core/index.ts';
import type { FrostPublic, FrostSecret, Key } from '../frost/index.ts';
import type { KeyStore } from '../keystore/index.ts';
import type { NodeDb } from './db.ts';
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
   * Seals and stores a key (new from DKG, or replacing the previous generation after a refresh or
   * a repair), durably, in one statement. Zeroes `key.secret.signingShare`.
   */
  async put(keyId: string, suite: string, key: Key, generation: number): Promise<void> {
    const identifier = key.secret.identifier;
    let sealed: Uint8Array;
    try {
      sealed = await this.keystore.seal(keyId, key.secret.signingShare, aad(keyId, identifier, generation));
    } finally {
      key.secret.signingShare.fill(0);
    }
    const values = {
      key_id: keyId,
      suite,
      identifier,
      public_package: JSON.stringify(publicToJson(key.public)),
      sealed_share: sealed,
      generation,
      updated_at: isoTime(new Date()),
    };
    await this.nodeDb.db
      .insertInto('shares')
      .values(values)
      .onConflict((oc) =>
        oc.column('key_id').doUpdateSet({
          identifier: values.identifier,
          public_package: values.public_package,
          sealed_share: values.sealed_share,
          generation: values.generation,
          updated_at: values.updated_at,
        }),
      )
      .execute();
  }
}
