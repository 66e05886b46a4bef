/**
 * Signing nonces used once, even across crashes (RFC 9591 §4.1 and §5.1: a nonce pair is used for
 * one signature share only; reuse with two different messages reveals the share).
 *
 * - commit: the nonce pair is sealed and committed to the node's store (SQLite, synchronous=FULL)
 *   BEFORE the commitment leaves the node, so a node never publishes a commitment it could lose
 *   track of. A session id is taken once: a second commit for it is refused.
 * - share: the sealed nonce is opened into memory, then deleted durably (row updated to `used`,
 *   blob set to NULL, secure_delete on) BEFORE the share is computed and released. A node killed
 *   after that point has lost the nonce; the coordinator restarts with fresh commitments. A second
 *   share request for the session is refused, as is a commitment list this node's commitment is
 *   not in (or is in with other bytes).
 * Unused nonces expire (`nonceTtlSeconds`) and are destroyed the same way.
 */

import { equalBytes, hexToBytes, InvalidInputError, isoTime, utf8 } from '../../core/index.ts';
import type { Frost, FrostSuite, Key, NonceCommitments, Nonces } from '../frost/index.ts';
import { identifierScalar } from '../frost/index.ts';
import type { KeyStore } from '../keystore/index.ts';
import type { NodeDb } from './db.ts';
import { ConflictError } from './errors.ts';
import { crashPoint } from './faults.ts';
import { type CommitmentJson, commitmentFromJson, commitmentToJson } from './packages.ts';

function nonceAad(keyId: string, sessionId: string, identifier: string, generation: number): Uint8Array {
  return utf8(`frost-nonce/${keyId}/${sessionId}/${identifier}/${generation}`);
}

export class NonceBook {
  constructor(
    private readonly nodeDb: NodeDb,
    private readonly keystore: KeyStore,
    private readonly ttlSeconds: number,
  ) {}

  /** Destroys unused nonces past their expiry. Returns how many. */
  async expire(now = new Date()): Promise<number> {
    const r = await this.nodeDb.db
      .updateTable('sessions')
      .set({ sealed_nonces: null, status: 'expired', used_at: isoTime(now) })
      .where('status', '=', 'committed')
      .where('expires_at', '<', isoTime(now))
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  /**
   * Destroys the nonce of a session the coordinator did not pick (it chose other signers): the
   * commitment was released but will never be signed against. Idempotent; a used nonce stays used.
   */
  async abandon(keyId: string, sessionId: string): Promise<boolean> {
    const r = await this.nodeDb.db
      .updateTable('sessions')
      .set({ sealed_nonces: null, status: 'abandoned', used_at: isoTime(new Date()) })
      .where('session_id', '=', sessionId)
      .where('key_id', '=', keyId)
      .where('status', '=', 'committed')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Round one (RFC 9591 §5.1): new nonces for `sessionId`, sealed and stored before the commitment is returned. */
  async commit(
    frost: Frost,
    key: Key,
    keyId: string,
    generation: number,
    sessionId: string,
  ): Promise<CommitmentJson> {
    await this.expire();
    const seen = await this.nodeDb.db
      .selectFrom('sessions')
      .select('status')
      .where('session_id', '=', sessionId)
      .executeTakeFirst();
    if (seen)
      throw new ConflictError(
        'SIGNER_SESSION_REUSED',
        'this signing session already has a commitment from this node',
        { sessionId },
      );
    const { nonces, commitments } = frost.commit(key.secret);
    const plain = new Uint8Array(nonces.hiding.length + nonces.binding.length);
    plain.set(nonces.hiding, 0);
    plain.set(nonces.binding, nonces.hiding.length);
    nonces.hiding.fill(0);
    nonces.binding.fill(0);
    let sealed: Uint8Array;
    try {
      sealed = await this.keystore.seal(
        sessionId,
        plain,
        nonceAad(keyId, sessionId, key.secret.identifier, generation),
      );
    } finally {
      plain.fill(0);
    }
    const now = new Date();
    const commitment = commitmentToJson(commitments);
    // Unique session_id: of two concurrent commits for one session, one insert fails.
    await this.nodeDb.db
      .insertInto('sessions')
      .values({
        session_id: sessionId,
        key_id: keyId,
        generation,
        commitment: JSON.stringify(commitment),
        sealed_nonces: sealed,
        status: 'committed',
        created_at: isoTime(now),
        expires_at: isoTime(new Date(now.getTime() + this.ttlSeconds * 1000)),
        used_at: null,
      })
      .execute()
      .catch((e: unknown) => {
        throw new ConflictError(
          'SIGNER_SESSION_REUSED',
          'this signing session already has a commitment from this node',
          {
            sessionId,
            reason: (e as Error).message.slice(0, 80),
          },
        );
      });
    crashPoint('after-nonce-persist');
    return commitment;
  }

  /**
   * Round two (RFC 9591 §5.2): checks the session and the commitment list, destroys the nonce
   * durably, and only then hands it to `sign`. `authorize` runs after the checks and before the
   * nonce is consumed (the node's approval check: a refused request leaves the nonce unused).
   */
  async consume<T>(
    suite: FrostSuite,
    key: Key,
    keyId: string,
    generation: number,
    sessionId: string,
    list: readonly CommitmentJson[],
    sign: (nonces: Nonces, list: NonceCommitments[]) => T,
    authorize: () => Promise<void>,
  ): Promise<T> {
    const row = await this.nodeDb.db
      .selectFrom('sessions')
      .selectAll()
      .where('session_id', '=', sessionId)
      .executeTakeFirst();
    if (!row || row.key_id !== keyId)
      throw new ConflictError(
        'SIGNER_SESSION_UNKNOWN',
        'this node has no commitment for this signing session',
        { sessionId },
      );
    if (row.status !== 'committed' || row.sealed_nonces === null)
      throw new ConflictError(
        'SIGNER_NONCE_USED',
        'the nonce of this signing session has already been used or destroyed',
        {
          sessionId,
          status: row.status,
        },
      );
    if (row.expires_at < isoTime(new Date())) {
      await this.expire();
      throw new ConflictError(
        'SIGNER_NONCE_USED',
        'the nonce of this signing session has expired and was destroyed',
        { sessionId, status: 'expired' },
      );
    }
    if (Number(row.generation) !== generation)
      throw new ConflictError(
        'SIGNER_NONCE_USED',
        'the share changed since this commitment (refresh or repair)',
        { sessionId },
      );
    const commitments = checkList(suite, key, list);
    const mine: CommitmentJson = JSON.parse(row.commitment);
    const listed = list.find((c) => c.identifier === mine.identifier);
    if (
      !listed ||
      !equalBytes(hexToBytes(listed.hiding), hexToBytes(mine.hiding)) ||
      !equalBytes(hexToBytes(listed.binding), hexToBytes(mine.binding))
    )
      throw new InvalidInputError(
        'SIGNER_COMMITMENT_MISMATCH',
        "the commitment list does not contain this node's commitment for this session",
        { sessionId },
      );

    await authorize();

    const plain = await this.keystore.open(
      sessionId,
      new Uint8Array(row.sealed_nonces),
      nonceAad(keyId, sessionId, key.secret.identifier, generation),
    );
    try {
      // Durable destruction first; `status = 'committed'` makes it atomic against a concurrent request.
      const r = await this.nodeDb.db
        .updateTable('sessions')
        .set({ sealed_nonces: null, status: 'used', used_at: isoTime(new Date()) })
        .where('session_id', '=', sessionId)
        .where('status', '=', 'committed')
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1)
        throw new ConflictError(
          'SIGNER_NONCE_USED',
          'the nonce of this signing session has already been used',
          { sessionId },
        );
      crashPoint('after-nonce-delete');
      const half = plain.length / 2;
      const nonces = {
        hiding: Uint8Array.from(plain.subarray(0, half)),
        binding: Uint8Array.from(plain.subarray(half)),
      } as Nonces;
      try {
        return sign(nonces, commitments);
      } finally {
        nonces.hiding.fill(0);
        nonces.binding.fill(0);
      }
    } finally {
      plain.fill(0);
    }
  }
}

/** The signers' commitment list: distinct participants of the key, at least the threshold. */
function checkList(suite: FrostSuite, key: Key, list: readonly CommitmentJson[]): NonceCommitments[] {
  const ids = new Set<string>();
  for (const c of list) {
    identifierScalar(suite, c.identifier);
    if (ids.has(c.identifier))
      throw new InvalidInputError(
        'SIGNER_COMMITMENT_LIST_INVALID',
        'a signer appears twice in the commitment list',
        { identifier: c.identifier },
      );
    if (!Object.hasOwn(key.public.verifyingShares, c.identifier))
      throw new InvalidInputError(
        'SIGNER_COMMITMENT_LIST_INVALID',
        'the commitment list names a signer that holds no share of this key',
        { identifier: c.identifier },
      );
    ids.add(c.identifier);
  }
  if (ids.size < key.public.signers.min)
    throw new InvalidInputError('SIGNER_COMMITMENT_LIST_INVALID', 'fewer signers than the threshold', {
      signers: ids.size,
      threshold: key.public.signers.min,
    });
  return list.map(commitmentFromJson);
}
