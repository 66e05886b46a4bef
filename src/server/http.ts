/** The Fastify app: validation and OpenAPI from zod schemas, permissions, errors, routes, console. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authzRoutes } from '../access/authz/index.ts';
import { type AccessContext, csrfPreHandler, peopleRoutes } from '../access/people/index.ts';
import { stepUpRoutes } from '../access/stepup/index.ts';
import { allianceScreeningRoutes } from '../alliance/routes.ts';
import { allianceTaxiiHttp } from '../alliance/taxii/http-plugin.ts';
import type { Config } from '../core/node.ts';
import { policyHook } from '../custody/registry/index.ts';
import { custodyRequestRoutes } from '../custody/request-routes.ts';
import { custodyRoutes } from '../custody/routes.ts';
import { type Ledger, ledgerRoutes, type WitnessService, witnessRoutes } from '../ledger/index.ts';
import { reservesAttestRoutes } from '../reserves/index.ts';
import { reservesRoutes } from '../reserves/routes.ts';
import { installErrorHandling } from './errors.ts';
import {
  enforcePermissions,
  type PrincipalResolver,
  type RouteEntry,
  type SignedRequestAuthenticator,
} from './permissions.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route with the permission it declares. */
    routeTable: RouteEntry[];
  }
}

const WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

export interface HttpOptions {
  config: Config;
  ledger: Ledger;
  witness: WitnessService | undefined;
  /** People (passkeys, sessions): their routes and the CSRF check. */
  access?: AccessContext;
  logger: boolean | Record<string, unknown>;
  resolvePrincipal: PrincipalResolver;
  authenticateSigned?: SignedRequestAuthenticator;
}

export async function buildHttp(o: HttpOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: o.logger === false ? false : o.logger === true ? { level: o.config.logLevel } : o.logger,
    return503OnClosing: true,
    bodyLimit: 1024 * 1024,
    // req.ip from X-Forwarded-For only through the configured proxies (server.trustProxy).
    trustProxy: o.config.server.trustProxy.length > 0 ? [...o.config.server.trustProxy] : false,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);
  const routeTable = enforcePermissions(app, o.resolvePrincipal, o.authenticateSigned);
  app.decorate('routeTable', routeTable);
  // CSRF: a state-changing request made with a console session must carry its X-CSRF-Token.
  app.addHook('preHandler', csrfPreHandler);
  // Keep every body's exact bytes (RFC 9530 Content-Digest of signed requests is over them).
  const json = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    req.rawBody = body as Buffer;
    json(req, (body as Buffer).toString('utf8'), done);
  });
  // tlog-witness bodies are text/plain
  app.addContentTypeParser('text/plain', { parseAs: 'buffer' }, (req, body, done) => {
    req.rawBody = body as Buffer;
    done(null, (body as Buffer).toString('utf8'));
  });

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Rampart API',
        version: '1',
        description: 'Security control plane for cryptocurrency exchanges',
      },
    },
    transform: jsonSchemaTransform,
    hideUntagged: false,
  });

  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/healthz',
    {
      config: { permission: 'public' },
      schema: { response: { 200: z.object({ ok: z.literal(true), store: z.string() }) } },
    },
    async () => ({ ok: true as const, store: o.ledger.store.dialect }),
  );
  api.get('/api/v1/openapi.json', { config: { permission: 'public' }, schema: { hide: true } }, async () =>
    app.swagger(),
  );

  await app.register(ledgerRoutes, { ledger: o.ledger });
  if (o.access) await app.register(peopleRoutes, { ctx: o.access });
  if (o.access) await app.register(stepUpRoutes, { ctx: o.access });
  await app.register(authzRoutes, { ledger: o.ledger });
  await app.register(custodyRoutes, { ledger: o.ledger });
  await app.register(allianceTaxiiHttp, { ledger: o.ledger });
  await app.register(allianceScreeningRoutes, { ledger: o.ledger });
  await app.register(custodyRequestRoutes, { ledger: o.ledger, policy: policyHook(o.ledger) });
  await app.register(reservesAttestRoutes, { ledger: o.ledger });
  await app.register(reservesRoutes, { ledger: o.ledger, dataDir: o.config.dataDir });
  if (o.witness) await app.register(witnessRoutes, { witness: o.witness, prefix: '/witness' });

  // The console: static files, and index.html for client-side routes.
  const haveWeb = existsSync(WEB_DIST);
  if (haveWeb) await app.register(fastifyStatic, { root: WEB_DIST, serve: false });
  app.get('/*', { config: { permission: 'public' }, schema: { hide: true } }, async (req, reply) => {
    // An unknown API path is a 404 whether or not the console is built.
    const path = (req.params as { '*': string })['*'];
    if (path.startsWith('api/'))
      return reply.code(404).send({ error: { code: 'NOT_FOUND', message: `no route ${req.url}` } });
    if (!haveWeb)
      return reply.code(503).type('text/plain').send('The console is not built: run `npm run build:web`.\n');
    if (path && /^[\w./-]+$/.test(path) && !path.includes('..') && existsSync(`${WEB_DIST}${path}`))
      return reply.sendFile(path);
    return reply.sendFile('index.html');
  });
  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send({ error: { code: 'NOT_FOUND', message: `no route ${req.method} ${req.url}` } });
  });
  await app.ready();
  return app;
}
