/**
 * HTTP routes of the proof of liabilities (docs/proof-of-reserves.md §7, §9): the published roots
 * and their history (reserves:read), a build from a snapshot in the data directory
 * (reserves:publish), the latest root statement (public: it is what every user checks against, and
 * it is in the public ledger anyway), and a user's own proof (public, but only with that user's
 * proof token, compared in constant time).
 */
import { join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { RampartError } from '../core/index.ts';
import type { Ledger } from '../ledger/index.ts';
import { getBuild, listBuilds, proofForUser, publishLiabilities, reservesDir } from './store/builds.ts';
import { checkProofToken } from './store/tokens.ts';
import { ASSET_NAME, MAX_ASSETS, MAX_HEIGHT } from './tree/encoding.ts';

const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
const statement = z.object({
  version: z.literal(1),
  buildId: z.string(),
  snapshotTime: z.string(),
  assets: z.array(z.string()),
  height: z.number().int(),
  userCountBound: z.string(),
  root: z.object({ hash: z.string(), totals: z.array(z.string()) }),
});
const summary = z.object({
  statement,
  users: z.number().int(),
  ledgerIndex: z.number().int(),
  publishedAt: z.string(),
  publishedBy: z.string(),
});
const proof = z.object({
  version: z.literal(1),
  buildId: z.string(),
  snapshotTime: z.string(),
  assets: z.array(z.string()),
  height: z.number().int(),
  root: z.object({ hash: z.string(), totals: z.array(z.string()) }),
  leaf: z.object({
    user: z.string(),
    salt: z.string(),
    commitment: z.string(),
    position: z.number().int(),
    balances: z.array(z.string()),
  }),
  path: z.array(z.object({ hash: z.string(), sums: z.array(z.string()) })),
});
const buildId = z.string().regex(/^por-[0-9TZ]+-[0-9a-f]+$/, 'a build id like por-20261125T093000Z-3f2a1b');

/** The one answer for a wrong token and for an unknown user: nothing tells them apart. */
const denied = () =>
  new RampartError('RESERVES_PROOF_DENIED', 'no proof for this user and token', { status: 403 });

export const reservesRoutes: FastifyPluginAsync<{ ledger: Ledger; dataDir: string }> = async (
  app,
  { ledger, dataDir },
) => {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['reserves'];

  api.get(
    '/api/v1/reserves/liabilities',
    {
      config: { permission: 'reserves:read' },
      schema: {
        tags,
        summary: 'Published liabilities roots, newest first (the exact user count is private)',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
        response: { 200: z.object({ builds: z.array(summary) }) },
      },
    },
    async (req) => ({ builds: await listBuilds(ledger.store.db, req.query.limit) }),
  );

  api.get(
    '/api/v1/reserves/liabilities/latest',
    {
      config: { permission: 'reserves:read' },
      schema: {
        tags,
        summary: 'The latest published liabilities root',
        response: { 200: summary, 404: errorBody },
      },
    },
    async () => getBuild(ledger.store.db),
  );

  api.get(
    '/api/v1/reserves/statement',
    {
      config: { permission: 'public' },
      schema: {
        tags,
        summary:
          'The latest published root statement, or a given build’s: what users check their proofs against',
        querystring: z.object({ build: buildId.optional() }),
        response: { 200: statement, 404: errorBody },
      },
    },
    async (req) => (await getBuild(ledger.store.db, req.query.build)).statement,
  );

  api.post(
    '/api/v1/reserves/liabilities',
    {
      config: { permission: 'reserves:publish' },
      schema: {
        tags,
        summary:
          'Build the liabilities tree from a snapshot file in <data dir>/reserves/snapshots and publish its root (audited)',
        body: z.object({
          snapshot: z
            .string()
            .regex(
              /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/,
              'a file name in <data dir>/reserves/snapshots (no path)',
            ),
          assets: z.array(z.string().regex(ASSET_NAME)).min(1).max(MAX_ASSETS),
          format: z.enum(['csv', 'jsonl']).optional(),
          snapshotTime: z.string().optional(),
          minHeight: z.number().int().min(1).max(MAX_HEIGHT).optional(),
        }),
        response: { 200: summary, 400: errorBody },
      },
    },
    async (req) => {
      const p = req.principal!;
      const actor = /^(user|service):/.test(p.id) ? p.id : `${p.kind}:${p.id}`;
      const b = req.body;
      const out = await publishLiabilities(ledger, dataDir, {
        snapshot: join(reservesDir(dataDir), 'snapshots', b.snapshot),
        assets: b.assets,
        actor,
        ...(b.format ? { format: b.format } : {}),
        ...(b.snapshotTime ? { snapshotTime: b.snapshotTime } : {}),
        ...(b.minHeight !== undefined ? { minHeight: b.minHeight } : {}),
      });
      return getBuild(ledger.store.db, out.statement.buildId);
    },
  );

  api.post(
    '/api/v1/reserves/proof',
    {
      config: { permission: 'public' },
      schema: {
        tags,
        summary: 'A user’s own inclusion proof, with the proof token the exchange gave that user',
        body: z.object({
          user: z.string().min(1).max(128),
          token: z.string().min(1).max(100),
          build: buildId.optional(),
        }),
        response: { 200: proof, 400: errorBody, 403: errorBody, 404: errorBody },
      },
    },
    async (req) => {
      const { user, token, build } = req.body;
      if (!checkProofToken(dataDir, user, token)) throw denied();
      try {
        return await proofForUser(ledger.store.db, dataDir, user, build);
      } catch (e) {
        if (e instanceof RampartError && e.code === 'RESERVES_USER_NOT_FOUND') throw denied();
        throw e;
      }
    },
  );
};
