/**
 * HTTP routes of the screening set (issue 7): screen addresses, import a list, list sources.
 * The TAXII routes are in taxii/ (registered separately).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Ledger } from '../ledger/index.ts';
import { importList } from './import/import.ts';
import { IMPORT_FORMATS } from './import/types.ts';
import { currentScreeningSet } from './screening/service.ts';
import { parseTlp, TLP_LEVELS } from './stix/tlp.ts';

const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

const listing = z.object({
  source: z.string(),
  reason: z.string(),
  listedBy: z.string(),
  confidence: z.number().int().nullable(),
  tlp: z.string().nullable(),
  objectId: z.string().nullable(),
  firstSeen: z.string(),
});

const screenResult = z.union([
  z.object({
    input: z.string(),
    valid: z.literal(true),
    address: z.string(),
    canonical: z.string(),
    chain: z.enum(['ethereum', 'bitcoin']),
    kind: z.string(),
    listed: z.boolean(),
    listings: z.array(listing),
  }),
  z.object({
    input: z.string(),
    valid: z.literal(false),
    listed: z.literal(false),
    error: z.object({ code: z.literal('ADDRESS_INVALID'), message: z.string() }),
  }),
]);

const tlp = z
  .string()
  .transform((v, ctx) => {
    const t = parseTlp(v);
    if (!t) ctx.addIssue({ code: 'custom', message: `TLP must be one of ${TLP_LEVELS.join(', ')}` });
    return t!;
  })
  .optional();

export const allianceScreeningRoutes: FastifyPluginAsync<{ ledger: Ledger }> = async (app, { ledger }) => {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['alliance'];

  api.post(
    '/api/v1/alliance/screen',
    {
      config: { permission: 'alliance:screen' },
      schema: {
        tags,
        summary: 'For each address: valid or not, listed or not, by whom, why, confidence, TLP marking',
        body: z.object({ addresses: z.array(z.string().max(200)).min(1).max(10_000) }),
        response: { 200: z.object({ results: z.array(screenResult) }), 400: errorBody },
      },
    },
    async (req) => {
      const set = await currentScreeningSet(ledger);
      return { results: req.body.addresses.map((a) => set.screen(a)) };
    },
  );

  api.post(
    '/api/v1/alliance/screening/import',
    {
      config: { permission: 'alliance:import' },
      schema: {
        tags,
        summary: 'Import an address list (txt, csv, STIX bundle, MISP event) into the screening set; audited',
        body: z.object({
          content: z.string().min(1),
          format: z.enum(IMPORT_FORMATS).optional(),
          fileName: z.string().max(200).optional(),
          source: z.string().min(1).max(200),
          reason: z.string().max(500).optional(),
          confidence: z.number().int().min(0).max(100).optional(),
          tlp,
          where: z.string().max(200).optional(),
          strict: z.boolean().default(false),
        }),
        response: {
          200: z.object({
            source: z.string(),
            format: z.enum(IMPORT_FORMATS),
            listed: z.number().int(),
            added: z.number().int(),
            alreadyListed: z.number().int(),
            skipped: z.number().int(),
            ledgerIndex: z.number().int(),
            rejected: z.array(
              z.object({
                line: z.number().int().optional(),
                where: z.string().optional(),
                input: z.string(),
                reason: z.string(),
              }),
            ),
          }),
          400: errorBody,
        },
      },
    },
    async (req) => {
      const b = req.body;
      const set = await currentScreeningSet(ledger);
      return importList(set, {
        text: b.content,
        source: b.source,
        actor: req.principal!.id,
        strict: b.strict,
        ...(b.format ? { format: b.format } : {}),
        ...(b.fileName ? { fileName: b.fileName } : {}),
        ...(b.reason ? { reason: b.reason } : {}),
        ...(b.confidence !== undefined ? { confidence: b.confidence } : {}),
        ...(b.tlp ? { tlp: b.tlp } : {}),
        ...(b.where ? { where: b.where } : {}),
      });
    },
  );

  api.get(
    '/api/v1/alliance/screening/sources',
    {
      config: { permission: 'alliance:read' },
      schema: {
        tags,
        summary: 'Sources in the screening set, with their entry counts',
        response: {
          200: z.object({
            addresses: z.number().int(),
            sources: z.array(
              z.object({ source: z.string(), entries: z.number().int(), lastUpdated: z.string() }),
            ),
          }),
        },
      },
    },
    async () => {
      const set = await currentScreeningSet(ledger);
      return { addresses: set.table.size, sources: await set.sources() };
    },
  );
};
