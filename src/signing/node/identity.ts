/**
 * The node's own keys: an Ed25519 key that signs its responses and private messages, and an
 * X25519 key peers encrypt private ceremony messages to. Created on first start, sealed in the
 * node's key store at once (never written in clear), opened into memory while the node runs and
 * zeroed when it stops (best effort: noble and the engine may hold copies).
 */
import { randomBytes } from 'node:crypto';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { bytesToHex, isoTime, RampartError, utf8 } from '../../core/index.ts';
import type { KeyStore } from '../keystore/index.ts';
import type { NodeDb } from './db.ts';

const SIGNING_AAD = utf8('signer-node/identity/ed25519');
const BOX_AAD = utf8('signer-node/identity/x25519');

export interface NodeIdentity {
  readonly signingPublic: Uint8Array;
  readonly boxPublic: Uint8Array;
  /** Ed25519 private key (32 bytes); zeroed by wipe(). */
  readonly signingKey: Uint8Array;
  /** X25519 private key; zeroed by wipe(). */
  readonly boxKey: Uint8Array;
  wipe(): void;
}

function identity(signingKey: Uint8Array, boxKey: Uint8Array): NodeIdentity {
  return {
    signingPublic: ed25519.getPublicKey(signingKey),
    boxPublic: x25519.getPublicKey(boxKey),
    signingKey,
    boxKey,
    wipe() {
      signingKey.fill(0);
      boxKey.fill(0);
    },
  };
}

export async function loadOrCreateIdentity(
  nodeDb: NodeDb,
  keystore: KeyStore,
  nodeId: string,
): Promise<{ identity: NodeIdentity; created: boolean }> {
  const row = await nodeDb.db.selectFrom('identity').selectAll().where('id', '=', 1).executeTakeFirst();
  if (row) {
    const signingKey = await keystore.open(
      `${nodeId}/identity`,
      new Uint8Array(row.sealed_signing_key),
      SIGNING_AAD,
    );
    const boxKey = await keystore.open(`${nodeId}/identity`, new Uint8Array(row.sealed_box_key), BOX_AAD);
    const id = identity(signingKey, boxKey);
    if (bytesToHex(id.signingPublic) !== row.signing_public || bytesToHex(id.boxPublic) !== row.box_public) {
      id.wipe();
      throw new RampartError(
        'SIGNER_IDENTITY_MISMATCH',
        'the sealed node keys do not match their public keys',
        {
          status: 500,
        },
      );
    }
    return { identity: id, created: false };
  }
  const signingKey = new Uint8Array(randomBytes(32));
  const boxKey = new Uint8Array(randomBytes(32));
  const id = identity(signingKey, boxKey);
  const sealedSigning = await keystore.seal(`${nodeId}/identity`, signingKey, SIGNING_AAD);
  const sealedBox = await keystore.seal(`${nodeId}/identity`, boxKey, BOX_AAD);
  await nodeDb.db
    .insertInto('identity')
    .values({
      id: 1,
      sealed_signing_key: sealedSigning,
      sealed_box_key: sealedBox,
      signing_public: bytesToHex(id.signingPublic),
      box_public: bytesToHex(id.boxPublic),
      created_at: isoTime(new Date()),
    })
    .execute();
  return { identity: id, created: true };
}
