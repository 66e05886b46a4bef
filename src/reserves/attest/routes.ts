/**
 * HTTP routes of the reserves attestation: publish (reserves:publish), read the ratio and its
 * history (reserves:read), and download the standalone verifier page (public: a user checks their
 * proof with it, trusting nothing else Rampart serves, and needs no account to get it).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Ledger } from '../../ledger/index.ts';
import { getAttestation, listAttestations, publishAttestation } from './attestations.ts';
import { latestLiabilities } from './liabilities.ts';

const VERIFIER_PAGE = fileURLToPath(
  new URL('../../../web/dist-verifier/rampart-verify.html', import.meta.url),
);

const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
const assetLine = z.object({
  asset: z.string(),
  reserves: z.string(),
  liabilities: z.string(),
  ratio: z.string().nullable(),
});
const summary = z.object({
  seq: z.number().int(),
  exchange: z.string(),
  date: z.string(),
  digest: z.string(),
  liabilitiesRoot: z.string(),
  ledgerIndex: z.number().int(),
  publishedAt: z.string(),
  publishedBy: z.string(),
  assets: z.array(assetLine),
});

export const reservesAttestRoutes: FastifyPluginAsync<{ ledger: Ledger }> = async (app, { ledger }) => {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['reserves'];

  api.post(
    '/api/v1/reserves/attestations',
    {
      config: { permission: 'reserves:publish' },
      // attestation files carry one JSON-RPC answer per address and asset: allow a few MB
      bodyLimit: 16 * 1024 * 1024,
      schema: {
        tags,
        summary: 'Verify ownership proofs and node exports, and publish the reserves attestation (audited)',
        body: z.object({
          /** the attestation file's text (docs/proof-of-reserves.md, "Reserves attestation") */
          document: z.string().min(2),
        }),
        response: {
          200: summary.extend({
            statement: z.record(z.string(), z.unknown()),
            checkpoint: z.object({ size: z.number().int(), published: z.boolean() }).nullable(),
          }),
          400: errorBody,
          404: errorBody,
          422: errorBody,
        },
      },
    },
    async (req) => {
      const p = await publishAttestation(ledger, req.body.document, req.principal!.id, 'document');
      return {
        ...p,
        statement: p.statement as unknown as Record<string, unknown>,
        checkpoint: p.checkpoint ?? null,
      };
    },
  );

  api.get(
    '/api/v1/reserves/attestations',
    {
      config: { permission: 'reserves:read' },
      schema: {
        tags,
        summary: 'Every attestation, oldest first, with its per-asset ratios (the ratio history)',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(5000).default(365) }),
        response: { 200: z.array(summary) },
      },
    },
    async (req) => listAttestations(ledger, req.query.limit),
  );

  api.get(
    '/api/v1/reserves/attestations/:seq',
    {
      config: { permission: 'reserves:read' },
      schema: {
        tags,
        summary: 'One attestation with its full statement ("latest" for the newest)',
        params: z.object({ seq: z.union([z.literal('latest'), z.coerce.number().int().positive()]) }),
        response: { 200: summary.extend({ statement: z.record(z.string(), z.unknown()) }), 404: errorBody },
      },
    },
    async (req) => {
      const a = await getAttestation(ledger, req.params.seq === 'latest' ? undefined : req.params.seq);
      return { ...a, statement: a.statement as unknown as Record<string, unknown> };
    },
  );

  api.get(
    '/api/v1/reserves/ratio',
    {
      config: { permission: 'reserves:read' },
      schema: {
        tags,
        summary: 'The reserve ratio per asset from the latest attestation, and the latest liabilities root',
        response: {
          200: z.object({
            attestation: summary.nullable(),
            liabilities: z
              .object({
                root: z.string(),
                snapshotTime: z.string().nullable(),
                ledgerIndex: z.number().int().nullable(),
                totals: z.record(z.string(), z.string()),
              })
              .nullable(),
            /** true when the latest attestation was made against the latest liabilities root */
            current: z.boolean(),
          }),
        },
      },
    },
    async () => {
      const [history, l] = await Promise.all([
        listAttestations(ledger, 1),
        latestLiabilities(ledger.store.db),
      ]);
      const attestation = history.at(-1) ?? null;
      return {
        attestation,
        liabilities: l
          ? {
              root: l.root,
              snapshotTime: l.snapshotTime ?? null,
              ledgerIndex: l.ledgerIndex ?? null,
              totals: Object.fromEntries(Object.entries(l.totals).map(([k, v]) => [k, v.toString()])),
            }
          : null,
        current: attestation !== null && l !== undefined && attestation.liabilitiesRoot === l.root,
      };
    },
  );

  app.get(
    '/rampart-verify.html',
    { config: { permission: 'public' }, schema: { hide: true } },
    async (_req, reply) => {
      if (!existsSync(VERIFIER_PAGE))
        return reply
          .code(503)
          .type('text/plain')
          .send('The verifier page is not built: run `npm run build:verifier`.\n');
      return reply
        .type('text/html; charset=utf-8')
        .header('content-disposition', 'attachment; filename="rampart-verify.html"')
        .send(readFileSync(VERIFIER_PAGE));
    },
  );
};
