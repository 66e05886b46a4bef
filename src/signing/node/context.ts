/** What a running signer node's handlers share. */

import { z } from 'zod';
import { bytesToHex, InvalidInputError, NotFoundError } from '../../core/index.ts';
import type { KeyStore } from '../keystore/index.ts';
import type { NodeConfig } from './config.ts';
import type { NodeDb } from './db.ts';
import { ConflictError } from './errors.ts';
import type { NodeIdentity } from './identity.ts';
import type { NonceBook } from './nonces.ts';
import { identifierSchema } from './packages.ts';
import type { ShareVault } from './shares.ts';

const hex32 = z.string().regex(/^[0-9a-f]{64}$/);

/** A participant of a ceremony as the coordinator names it: FROST identifier and node keys. */
export const participantSchema = z.strictObject({
  identifier: identifierSchema,
  nodeId: z.string().min(1).max(200),
  signingPublic: hex32,
  boxPublic: hex32,
});
export type Participant = z.infer<typeof participantSchema>;

/**
 * The check a node runs on a signing request before it releases a share (approvals, policy,
 * digest recomputed from raw data). Throws a RampartError to refuse.
 */
export type SignAuthorizer = (input: {
  keyId: string;
  suite: string;
  message: Uint8Array;
  request: unknown;
}) => Promise<void>;

export interface NodeContext {
  readonly config: NodeConfig;
  readonly nodeDb: NodeDb;
  readonly keystore: KeyStore;
  readonly identity: NodeIdentity;
  readonly shares: ShareVault;
  readonly nonces: NonceBook;
  readonly ceremonies: CeremonyStates;
  readonly authorize: SignAuthorizer;
}

/** The participant that is this node (by its signing key), after checking the list. */
export function self(ctx: NodeContext, participants: readonly Participant[]): Participant {
  const ids = new Set(participants.map((p) => p.identifier));
  const keys = new Set(participants.map((p) => p.signingPublic));
  if (ids.size !== participants.length || keys.size !== participants.length)
    throw new InvalidInputError('SIGNER_PARTICIPANTS_INVALID', 'a participant appears twice');
  const pinned = ctx.config.peers;
  if (pinned.length > 0) {
    const allowed = new Set(pinned.map((p) => p.publicKey));
    allowed.add(bytesToHex(ctx.identity.signingPublic));
    for (const p of participants)
      if (!allowed.has(p.signingPublic))
        throw new InvalidInputError(
          'SIGNER_PEER_NOT_PINNED',
          "a participant is not among this node's pinned peers",
          {
            nodeId: p.nodeId,
          },
        );
  }
  const me = participants.find((p) => p.signingPublic === bytesToHex(ctx.identity.signingPublic));
  if (!me) throw new InvalidInputError('SIGNER_NOT_A_PARTICIPANT', 'this node is not among the participants');
  if (me.boxPublic !== bytesToHex(ctx.identity.boxPublic))
    throw new InvalidInputError(
      'SIGNER_PARTICIPANTS_INVALID',
      'the participant list has a wrong encryption key for this node',
    );
  return me;
}

interface Held {
  kind: string;
  expires: number;
  state: unknown;
  wipe: () => void;
}

/** Round state of ceremonies in progress, in memory only (a restart aborts them), with a deadline. */
export class CeremonyStates {
  readonly #held = new Map<string, Held>();
  constructor(private readonly ttlMs = 10 * 60_000) {}

  start(kind: string, id: string, state: unknown, wipe: () => void): void {
    this.sweep();
    if (this.#held.has(id))
      throw new ConflictError('SIGNER_CEREMONY_EXISTS', 'a ceremony with this id is already in progress', {
        ceremonyId: id,
      });
    this.#held.set(id, { kind, expires: Date.now() + this.ttlMs, state, wipe });
  }

  get<T>(kind: string, id: string): T {
    this.sweep();
    const h = this.#held.get(id);
    if (!h || h.kind !== kind)
      throw new NotFoundError(
        'SIGNER_CEREMONY_UNKNOWN',
        `no ${kind} ceremony with this id is in progress here`,
        { ceremonyId: id },
      );
    return h.state as T;
  }

  finish(id: string): void {
    const h = this.#held.get(id);
    if (!h) return;
    this.#held.delete(id);
    h.wipe();
  }

  /** Ends a ceremony of this kind if it is still held (an abort; a no-op otherwise). */
  abandon(kind: string, id: string): void {
    if (this.#held.get(id)?.kind === kind) this.finish(id);
  }

  clear(): void {
    for (const id of [...this.#held.keys()]) this.finish(id);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, h] of this.#held) if (h.expires < now) this.finish(id);
  }
}
