/**
 * Composition: config → store → ledger (and witness) → HTTP app. Domain modules never import
 * this file; it only wires them.
 */
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type NonceStore, setVerifyWorkerSpin } from '../access/http-signatures/index.ts';
import {
  type AccessContext,
  baseUrlFor,
  relyingPartyFor,
  sessionPrincipals,
} from '../access/people/index.ts';
import {
  DbNonceStore,
  fileWindowMark,
  ProcessNonceStore,
  ServiceFailureLimiter,
  signedRequestAuthenticator,
  withFailureLimit,
} from '../access/services/index.ts';
import { startFollowing } from '../alliance/incidents/index.ts';
import { withMemberBasicAuth } from '../alliance/members/index.ts';
import { custodyScreening, screeningSetFor } from '../alliance/screening/index.ts';
import { followSpecs } from '../alliance/taxii/index.ts';
import { type Clock, systemClock } from '../core/index.ts';
import type { Config } from '../core/node.ts';
import { provideScreening } from '../custody/registry/index.ts';
import { Ledger, loadLogSigner, loadWitnessSigner, WitnessService } from '../ledger/index.ts';
import { openStore, type Store } from '../store/index.ts';
import { buildHttp } from './http.ts';
import type { PrincipalResolver } from './permissions.ts';

export interface RampartApp {
  config: Config;
  store: Store;
  ledger: Ledger;
  witness: WitnessService | undefined;
  http: FastifyInstance;
  /** People: passkeys, enrollment, sessions. */
  access: AccessContext;
  /** The URL people open: `server.publicUrl`, or http://localhost:<listening port>. */
  baseUrl(): string;
  /** Stop taking requests, finish in-flight ones and pending checkpoints, close the store. */
  close(): Promise<void>;
}

export interface CreateOptions {
  clock?: Clock;
  logger?: boolean | Record<string, unknown>;
  resolvePrincipal?: PrincipalResolver;
  /** An already-open store (tests). */
  store?: Store;
}

export async function createRampart(config: Config, opts: CreateOptions = {}): Promise<RampartApp> {
  const clock = opts.clock ?? systemClock;
  const store =
    opts.store ?? (await openStore({ databaseUrl: config.database.url, dataDir: config.dataDir }));
  let http: FastifyInstance | undefined;
  try {
    const signer = loadLogSigner(join(config.dataDir, 'ledger.key'), config.ledger.origin);
    const ledger = new Ledger({
      store,
      clock,
      origin: config.ledger.origin,
      signer,
      checkpointEveryEntries: config.ledger.checkpointEveryEntries,
      checkpointEverySeconds: config.ledger.checkpointEverySeconds,
      witnesses: config.ledger.witnesses,
      witnessQuorum: config.ledger.witnessQuorum,
      log: (msg, data) => http?.log.warn(data ?? {}, msg),
    });
    // The alliance screening set, loaded now, is the custody guard's SCREENED_ADDRESS list too.
    provideScreening(ledger, custodyScreening(ledger));
    await screeningSetFor(ledger);
    const witness = config.witness.enabled
      ? new WitnessService({
          store,
          clock,
          signer: loadWitnessSigner(join(config.dataDir, 'witness.key'), `${config.ledger.origin}/witness`),
          logs: config.witness.logs,
        })
      : undefined;
    const baseUrl = () => {
      const a = http?.server.address();
      return baseUrlFor(config.server.publicUrl, a && typeof a === 'object' ? a.port : config.server.port);
    };
    const access: AccessContext = { ledger, clock, relyingParty: () => relyingPartyFor(baseUrl()) };
    // The process's verification workers are shared by every server in it: the last setting wins.
    setVerifyWorkerSpin(config.access.verifyWorkerSpinMicros);
    http = await buildHttp({
      config,
      ledger,
      witness,
      access,
      logger: opts.logger ?? false,
      // Console sessions by default; tests may name their own principals.
      resolvePrincipal: withMemberBasicAuth(ledger, opts.resolvePrincipal ?? sessionPrincipals(access)),
      authenticateSigned: signedAuth(ledger, nonceStoreFor(config, store, clock), clock, (level, data, msg) =>
        http?.log[level](data, msg),
      ),
    });
    ledger.start();
    // alliance.follow[]: other members' TAXII collections, polled into screening and incidents.
    const following = startFollowing(ledger, followSpecs(config.alliance.follow));
    const app: RampartApp = {
      config,
      store,
      ledger,
      witness,
      http,
      access,
      baseUrl,
      async close() {
        await following.stop();
        await http!.close();
        await ledger.stop();
        await store.close();
      },
    };
    return app;
  } catch (e) {
    await http?.close().catch(() => {});
    if (!opts.store) await store.close().catch(() => {});
    throw e;
  }
}

/** `access.nonces`: shared in the database, or this process's memory with a start-up cut-off. */
function nonceStoreFor(config: Config, store: Store, clock: Clock): NonceStore {
  const where =
    config.access.nonces === 'auto'
      ? store.dialect === 'postgres'
        ? 'database'
        : 'memory'
      : config.access.nonces;
  return where === 'database'
    ? new DbNonceStore(store.db, clock)
    : new ProcessNonceStore({ clock, mark: fileWindowMark(join(config.dataDir, 'nonce-window')) });
}

/** RFC 9421 signed service requests, checked against the registered service keys. */
function signedAuth(
  ledger: Ledger,
  nonces: NonceStore,
  clock: Clock,
  log: (level: 'warn' | 'error', data: Record<string, unknown>, msg: string) => void,
) {
  const authenticate = withFailureLimit(signedRequestAuthenticator(ledger, nonces, clock), {
    limiter: new ServiceFailureLimiter({ now: () => clock.now().getTime() }),
    ledger,
    log,
  });
  return async (req: import('fastify').FastifyRequest) => {
    // @target-uri as the client addressed us: scheme://authority + the request-target, unnormalised.
    const url = `${req.protocol}://${req.headers.host ?? req.hostname}${req.raw.url ?? req.url}`;
    const headers: Record<string, string | string[] | undefined> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k] = v;
    return authenticate({
      address: req.ip,
      method: req.method,
      url,
      headers,
      ...(req.rawBody ? { body: new Uint8Array(req.rawBody) } : {}),
    });
  };
}
