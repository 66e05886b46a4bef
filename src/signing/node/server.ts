/** Starting and stopping a signer node: its store, key store, identity and HTTP service. */
import { bytesToHex } from '../../core/index.ts';
import type { KeyStore } from '../keystore/index.ts';
import { buildNodeApp } from './app.ts';
import { storeAuthorizer } from './authorization.ts';
import type { NodeConfig } from './config.ts';
import { CeremonyStates, type NodeContext, type SignAuthorizer } from './context.ts';
import { type NodeDb, openNodeDb } from './db.ts';
import { loadOrCreateIdentity } from './identity.ts';
import { openNodeKeyStore } from './keystore.ts';
import { NonceBook } from './nonces.ts';
import { ShareVault } from './shares.ts';

export interface RunningNode {
  readonly id: string;
  readonly url: string;
  /** Ed25519 key that signs the node's responses (hex). */
  readonly signingPublic: string;
  readonly boxPublic: string;
  readonly createdIdentity: boolean;
  close(): Promise<void>;
}

export interface StartNodeOptions {
  env?: Record<string, string | undefined>;
  /**
   * The approval check run before a share is released; by default src/signing/authorize's check
   * over the node's own store (approvers and policy set with `rampart signer approvers|policy`).
   */
  authorize?: SignAuthorizer;
  log?: (line: string) => void;
}

export async function startSignerNode(config: NodeConfig, opts: StartNodeOptions = {}): Promise<RunningNode> {
  let nodeDb: NodeDb | undefined;
  let keystore: KeyStore | undefined;
  try {
    keystore = await openNodeKeyStore(config.keystore, opts.env ?? process.env);
    nodeDb = await openNodeDb(config.dataDir);
    const { identity, created } = await loadOrCreateIdentity(nodeDb, keystore, config.id);
    const nonces = new NonceBook(nodeDb, keystore, config.nonceTtlSeconds);
    await nonces.expire();
    const shares = new ShareVault(nodeDb, keystore);
    const ctx: NodeContext = {
      config,
      nodeDb,
      keystore,
      identity,
      shares,
      nonces,
      ceremonies: new CeremonyStates(),
      // Never without a check: the node's own approvers, policy and replay record by default.
      authorize:
        opts.authorize ??
        storeAuthorizer(nodeDb, async (keyId) => (await shares.find(keyId))?.public.commitments[0]),
    };
    const app = buildNodeApp(ctx, opts.log ? { log: opts.log } : {});
    await app.listen({ host: config.listen.host, port: config.listen.port });
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : config.listen.port;
    const host = config.listen.host.includes(':') ? `[${config.listen.host}]` : config.listen.host;
    const db = nodeDb;
    const ks = keystore;
    return {
      id: config.id,
      url: `http://${host}:${port}`,
      signingPublic: bytesToHex(identity.signingPublic),
      boxPublic: bytesToHex(identity.boxPublic),
      createdIdentity: created,
      async close() {
        await app.close();
        ctx.ceremonies.clear();
        identity.wipe();
        await db.close();
        await ks.close();
      },
    };
  } catch (e) {
    await nodeDb?.close();
    await keystore?.close();
    throw e;
  }
}
