/**
 * The signer node's HTTP service (Fastify). Every route but none is open: each request must carry
 * an RFC 9421 signature by a configured coordinator key, covering method, target URI and the
 * body's Content-Digest, with a fresh nonce (replays refused through the node's own store), and
 * every answer is signed by the node (response-signature.ts). Bodies are validated with zod.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { type NonceStore, prepareServiceKey, verifyRequest } from '../../access/index.ts';
import { bytesToHex, hexToBytes, isRampartError, RampartError } from '../../core/index.ts';
import { SUITE_NAMES } from '../frost/index.ts';
import type { NodeContext } from './context.ts';
import { dkgRound1, dkgRound1Body, dkgRound2, dkgRound2Body, dkgRound3, dkgRound3Body } from './dkg.ts';
import { crashPoint } from './faults.ts';
import { publicToJson } from './packages.ts';
import {
  refreshAbort,
  refreshAbortBody,
  refreshCommit,
  refreshCommitBody,
  refreshComplete,
  refreshFinishBody,
  refreshRound1Body,
  refreshRound2Body,
  refreshSend,
  refreshStart,
} from './refresh.ts';
import {
  repairDeal,
  repairReceive,
  repairSigma,
  repairStep1Body,
  repairStep2Body,
  repairStep3Body,
} from './repair.ts';
import { signResponse } from './response-signature.ts';
import { abandon, commit, commitBody, share, shareBody } from './sign.ts';

declare module 'fastify' {
  interface FastifyRequest {
    signerRawBody?: Buffer;
  }
}

/** Replay protection in the node's own store: (keyid, nonce) once within the replay window. */
export function nodeNonceStore(ctx: NodeContext): NonceStore {
  return {
    async checkAndRemember(keyId, nonce, expiresAt) {
      const now = Date.now();
      await ctx.nodeDb.db.deleteFrom('request_nonces').where('expires_at', '<', now).execute();
      const r = await ctx.nodeDb.db
        .insertInto('request_nonces')
        .values({ key_id: keyId, nonce, expires_at: expiresAt.getTime() })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
    },
  };
}

function targetUri(req: FastifyRequest): string {
  return `http://${req.headers.host}${req.url}`;
}

function fieldsOf(req: FastifyRequest) {
  const out: { name: string; value: string }[] = [];
  for (const [name, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    for (const value of Array.isArray(v) ? v : [v]) out.push({ name: name.toLowerCase(), value });
  }
  return out;
}

function send(
  ctx: NodeContext,
  req: FastifyRequest,
  reply: FastifyReply,
  status: number,
  payload: unknown,
): FastifyReply {
  const body = JSON.stringify(payload);
  reply.code(status).header('content-type', 'application/json; charset=utf-8');
  if (req.headers.signature !== undefined && req.headers['signature-input'] !== undefined) {
    try {
      const h = signResponse(
        { method: req.method, url: targetUri(req), fields: fieldsOf(req) },
        status,
        body,
        ctx.config.id,
        ctx.identity.signingKey,
        new Date(),
      );
      for (const [k, v] of Object.entries(h)) reply.header(k, v);
    } catch {
      // A request whose signature fields cannot be parsed gets an unsigned (error) answer.
    }
  }
  return reply.send(body);
}

function errorBody(e: unknown): { status: number; body: unknown } {
  if (isRampartError(e)) return { status: e.status, body: { error: e.toJSON() } };
  // Fastify's own refusals (body too large, unsupported media type, …): their status, a generic body.
  const status = (e as { statusCode?: unknown })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500)
    return {
      status,
      body: { error: { code: 'SIGNER_BAD_REQUEST', message: 'the request was not accepted' } },
    };
  // Anything unexpected: no message or stack leaves the node (it might carry secret material).
  return {
    status: 500,
    body: { error: { code: 'SIGNER_INTERNAL', message: 'internal error in the signer node' } },
  };
}

export function buildNodeApp(ctx: NodeContext, opts: { log?: (line: string) => void } = {}): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 1 << 20 });
  const nonceStore = nodeNonceStore(ctx);
  const coordinatorKeys = new Map(
    ctx.config.coordinators.map((c) => [c.keyId, prepareServiceKey(hexToBytes(c.publicKey), c.keyId)]),
  );

  // JSON only, kept as raw bytes: the signature's Content-Digest is checked over exactly them.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    req.signerRawBody = body as Buffer;
    done(null, undefined);
  });

  app.addHook('onRequest', async (req) => {
    // Authentication before anything else; the body is checked against its digest in preHandler.
    if (req.method === 'GET') await authenticate(req);
  });
  app.addHook('preHandler', async (req) => {
    if (req.method !== 'GET') await authenticate(req);
  });

  async function authenticate(req: FastifyRequest): Promise<void> {
    const raw = req.signerRawBody;
    await verifyRequest(
      {
        method: req.method,
        url: targetUri(req),
        headers: req.headers as Record<string, string | string[] | undefined>,
        ...(raw ? { body: new Uint8Array(raw) } : {}),
      },
      {
        now: new Date(),
        nonceStore,
        maxAgeSeconds: ctx.config.maxRequestAgeSeconds,
        lookupKey: (keyId) => coordinatorKeys.get(keyId),
      },
    );
  }

  app.setErrorHandler((e, req, reply) => {
    const { status, body } = errorBody(e);
    if (status >= 500)
      opts.log?.(`error ${req.method} ${req.url}: ${isRampartError(e) ? e.code : 'internal'}`);
    return send(ctx, req, reply, status, body);
  });
  app.setNotFoundHandler((req, reply) =>
    send(ctx, req, reply, 404, {
      error: { code: 'NOT_FOUND', message: `no route ${req.method} ${req.url}` },
    }),
  );

  function parse<S extends z.ZodType>(schema: S, req: FastifyRequest): z.infer<S> {
    let json: unknown;
    try {
      json = JSON.parse((req.signerRawBody ?? Buffer.alloc(0)).toString('utf8'));
    } catch {
      throw new RampartError('SIGNER_BODY_INVALID', 'the body is not JSON');
    }
    const r = schema.safeParse(json);
    if (!r.success) {
      const first = r.error.issues[0];
      throw new RampartError(
        'SIGNER_BODY_INVALID',
        `invalid request body at ${first?.path.join('.') || '(root)'}: ${first?.message}`,
        {
          details: {
            issues: r.error.issues.slice(0, 5).map((i) => ({ path: i.path.join('.'), message: i.message })),
          },
        },
      );
    }
    return r.data;
  }

  function post<S extends z.ZodType>(
    path: string,
    schema: S,
    handler: (body: z.infer<S>) => Promise<unknown>,
    after?: () => void,
  ) {
    app.post(path, async (req, reply) => {
      const out = await handler(parse(schema, req));
      send(ctx, req, reply, 200, out);
      if (after) reply.raw.once('finish', after);
      return reply;
    });
  }

  app.get('/v1/identity', async (req, reply) =>
    send(ctx, req, reply, 200, {
      nodeId: ctx.config.id,
      signingPublic: bytesToHex(ctx.identity.signingPublic),
      boxPublic: bytesToHex(ctx.identity.boxPublic),
      keystore: ctx.keystore.kind,
      suites: [...SUITE_NAMES],
    }),
  );
  app.get<{ Params: { keyId: string } }>('/v1/keys/:keyId', async (req, reply) => {
    const s = await ctx.shares.get(req.params.keyId);
    return send(ctx, req, reply, 200, {
      keyId: s.keyId,
      suite: s.suite,
      identifier: s.identifier,
      generation: s.generation,
      publicPackage: publicToJson(s.public),
      // A refreshed share waiting for the coordinator's commit (two-phase refresh), if any.
      staged: (await ctx.shares.staged(s.keyId)) ?? null,
    });
  });
  post('/v1/dkg/round1', dkgRound1Body, (b) => dkgRound1(ctx, b));
  post('/v1/dkg/round2', dkgRound2Body, (b) => dkgRound2(ctx, b));
  post('/v1/dkg/round3', dkgRound3Body, (b) => dkgRound3(ctx, b));
  post('/v1/sign/commit', commitBody, (b) => commit(ctx, b));
  post('/v1/sign/abandon', commitBody, (b) => abandon(ctx, b));
  post(
    '/v1/sign/share',
    shareBody,
    (b) => share(ctx, b),
    () => crashPoint('after-share-sent'),
  );
  post('/v1/refresh/round1', refreshRound1Body, (b) => refreshStart(ctx, b));
  post('/v1/refresh/round2', refreshRound2Body, (b) => refreshSend(ctx, b));
  post('/v1/refresh/finish', refreshFinishBody, (b) => refreshComplete(ctx, b));
  post('/v1/refresh/commit', refreshCommitBody, (b) => refreshCommit(ctx, b));
  post('/v1/refresh/abort', refreshAbortBody, (b) => refreshAbort(ctx, b));
  post('/v1/repair/step1', repairStep1Body, (b) => repairDeal(ctx, b));
  post('/v1/repair/step2', repairStep2Body, (b) => repairSigma(ctx, b));
  post('/v1/repair/step3', repairStep3Body, (b) => repairReceive(ctx, b));
  return app;
}
