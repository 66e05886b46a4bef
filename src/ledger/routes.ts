/**
 * HTTP routes of the ledger.
 *
 * JSON under /api/v1/ledger; the C2SP tlog-tiles read API under /ledger/ so that existing
 * transparency-log clients and witnesses can follow the log. Both are public by design: a
 * transparency log is only useful if anyone can check it (the entries themselves carry no secrets:
 * domain modules must never put one in a payload).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { bytesToBase64, concatBytes, NotFoundError, utf8 } from '../core/index.ts';
import type { Ledger } from './ledger.ts';
import { verifierKeyFor } from './note/index.ts';
import { entryBundle, parseTilePath, TILE_WIDTH } from './tiles/index.ts';

const b64 = z.string().describe('base64');
const nonNegInt = (name: string) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be an integer`)
    .min(0, `${name} must not be negative`);
const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

const entrySchema = z.object({
  index: z.number().int(),
  time: z.string(),
  actor: z.string(),
  action: z.string(),
  subject: z.string(),
  payload: z.record(z.string(), z.unknown()),
  entry: z.string().describe('the canonical RFC 8785 JSON text: the RFC 6962 leaf data'),
  leafHash: b64,
});

const checkpointSchema = z.object({
  origin: z.string(),
  size: z.number().int(),
  root: b64,
  note: z.string().describe('the signed note (C2SP signed-note), with witness cosignatures'),
  time: z.string(),
});

export const ledgerRoutes: FastifyPluginAsync<{ ledger: Ledger }> = async (app, { ledger }) => {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const pub = { permission: 'public' };
  const tags = ['ledger'];

  api.get(
    '/api/v1/ledger/checkpoint',
    {
      config: pub,
      schema: {
        tags,
        summary: 'Latest published checkpoint',
        response: { 200: checkpointSchema, 404: errorBody },
      },
    },
    async () => {
      const cp = await ledger.latestCheckpoint();
      if (!cp) throw new NotFoundError('NO_CHECKPOINT', 'no checkpoint has been published yet');
      return {
        origin: ledger.publisher.origin,
        size: cp.size,
        root: bytesToBase64(cp.root),
        note: cp.note,
        time: cp.time,
      };
    },
  );

  api.post(
    '/api/v1/ledger/checkpoint',
    {
      config: { permission: 'ledger:checkpoint' },
      schema: {
        tags,
        summary: 'Make a checkpoint now',
        response: { 200: checkpointSchema.extend({ published: z.boolean() }) },
      },
    },
    async () => {
      const cp = await ledger.checkpointNow();
      return {
        origin: ledger.publisher.origin,
        size: cp.size,
        root: bytesToBase64(cp.root),
        note: cp.note,
        time: cp.time,
        published: cp.published,
      };
    },
  );

  api.get(
    '/api/v1/ledger/key',
    {
      config: pub,
      schema: {
        tags,
        summary: "The log's verifier key",
        response: { 200: z.object({ origin: z.string(), key: z.string() }) },
      },
    },
    async () => ({ origin: ledger.publisher.origin, key: verifierKeyFor(ledger.publisher.signer) }),
  );

  api.get(
    '/api/v1/ledger/entries',
    {
      config: pub,
      schema: {
        tags,
        summary: 'Entries in index order',
        querystring: z.object({
          from: nonNegInt('from').default(0),
          limit: z.coerce
            .number()
            .int()
            .min(1, 'limit must be at least 1')
            .max(1000, 'limit must be at most 1000')
            .default(100),
        }),
        response: {
          200: z.object({ size: z.number().int(), entries: z.array(entrySchema) }),
          400: errorBody,
        },
      },
    },
    async (req) => {
      const [size, entries] = await Promise.all([
        ledger.size(),
        ledger.entries(req.query.from, req.query.limit),
      ]);
      return { size, entries: entries.map(entryJson) };
    },
  );

  api.get(
    '/api/v1/ledger/entries/:index',
    {
      config: pub,
      schema: {
        tags,
        summary: 'One entry',
        params: z.object({ index: nonNegInt('index') }),
        response: { 200: entrySchema, 404: errorBody },
      },
    },
    async (req) => entryJson(await ledger.entry(req.params.index)),
  );

  api.get(
    '/api/v1/ledger/proof/inclusion',
    {
      config: pub,
      schema: {
        tags,
        summary: 'RFC 6962 inclusion proof of entry `index` in the tree of `size` entries',
        querystring: z.object({ index: nonNegInt('index'), size: nonNegInt('size') }),
        response: {
          200: z.object({
            index: z.number().int(),
            size: z.number().int(),
            leafHash: b64,
            proof: z.array(b64),
          }),
          400: errorBody,
        },
      },
    },
    async (req) => {
      const { index, size } = req.query;
      const p = await ledger.inclusionProof(index, size);
      return { index, size, leafHash: bytesToBase64(p.leafHash), proof: p.proof.map(bytesToBase64) };
    },
  );

  api.get(
    '/api/v1/ledger/proof/consistency',
    {
      config: pub,
      schema: {
        tags,
        summary: 'RFC 6962 consistency proof between the trees of `from` and `to` entries',
        querystring: z.object({ from: nonNegInt('from'), to: nonNegInt('to') }),
        response: {
          200: z.object({ from: z.number().int(), to: z.number().int(), proof: z.array(b64) }),
          400: errorBody,
        },
      },
    },
    async (req) => {
      const { from, to } = req.query;
      return { from, to, proof: (await ledger.consistencyProof(from, to)).map(bytesToBase64) };
    },
  );

  // ---- C2SP tlog-tiles ----
  app.get('/ledger/checkpoint', { config: pub, schema: { hide: true } }, async (_req, reply) => {
    const cp = await ledger.latestCheckpoint();
    if (!cp) throw new NotFoundError('NO_CHECKPOINT', 'no checkpoint has been published yet');
    return reply.type('text/plain; charset=utf-8').header('cache-control', 'no-cache').send(cp.note);
  });

  app.get('/ledger/tile/*', { config: pub, schema: { hide: true } }, async (req, reply) => {
    const path = `tile/${(req.params as { '*': string })['*']}`;
    const tile = parseTilePath(path);
    const cp = await ledger.latestCheckpoint();
    const published = cp?.size ?? 0;
    const width = tile.width;
    // A tile's hashes cover 256^level leaves each (tile level l = tree level 8l).
    const span = tile.level === 'entries' ? 1 : TILE_WIDTH ** tile.level;
    const end = (tile.index * TILE_WIDTH + width) * span;
    // Serve only what a published checkpoint covers: clients verify tiles against checkpoints.
    if (end > published)
      throw new NotFoundError('TILE_NOT_FOUND', `${path} is beyond the latest published checkpoint`);
    let body: Uint8Array;
    if (tile.level === 'entries') {
      const texts = await ledger.entryTexts(tile.index * TILE_WIDTH, width);
      body = entryBundle(texts.map(utf8));
    } else {
      body = concatBytes(...(await ledger.nodeRange(tile.level * 8, tile.index * TILE_WIDTH, width)));
    }
    return reply
      .type('application/octet-stream')
      .header('cache-control', width === TILE_WIDTH ? 'public, max-age=31536000, immutable' : 'no-cache')
      .send(Buffer.from(body));
  });
};

function entryJson(e: Awaited<ReturnType<Ledger['entry']>>) {
  return {
    index: e.index,
    time: e.time,
    actor: e.actor,
    action: e.action,
    subject: e.subject,
    payload: e.payload,
    entry: e.text,
    leafHash: bytesToBase64(e.leafHash),
  };
}
