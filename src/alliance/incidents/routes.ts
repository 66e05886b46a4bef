/**
 * Incidents over HTTP (/api/v1/alliance/incidents): declare, update, resolve (permission
 * alliance:incident:write), list and show with the per-member timeline (alliance:read); and the
 * console's feed of what this member received, by source.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Ledger } from '../../ledger/index.ts';
import { TLP_LEVELS } from '../stix/index.ts';
import {
  acknowledgementsByMember,
  declareIncident,
  getIncident,
  incidentTimeline,
  listIncidents,
  updateIncident,
} from './incidents.ts';

const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
const incident = z.object({
  id: z.string(),
  origin: z.string(),
  title: z.string(),
  status: z.string(),
  tlp: z.string(),
  collectionId: z.string().nullable(),
  addresses: z.array(z.string()),
  description: z.string().nullable(),
  declaredAt: z.string(),
  updatedAt: z.string(),
  acknowledgedAt: z.string().nullable(),
});
const memberRow = z.object({
  member: z.string(),
  receivedAt: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
});
const event = z.object({
  member: z.string(),
  kind: z.string(),
  at: z.string(),
  detail: z.record(z.string(), z.unknown()),
});
const address = z
  .string()
  .min(20)
  .max(100)
  .regex(/^[A-Za-z0-9]+$/, 'an address is letters and digits');
const reportId = z.string().regex(/^report--[0-9a-f-]{36}$/, 'a STIX report id');

export const incidentRoutes: FastifyPluginAsync<{ ledger: Ledger }> = async (app, { ledger }) => {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['alliance'];
  const db = ledger.store.db;

  api.get(
    '/api/v1/alliance/incidents',
    {
      config: { permission: 'alliance:read' },
      schema: {
        tags,
        summary: 'Incidents declared here or received from members, newest first',
        response: { 200: z.object({ incidents: z.array(incident.extend({ members: z.array(memberRow) })) }) },
      },
    },
    async () => {
      const list = await listIncidents(db);
      return {
        incidents: await Promise.all(
          list.map(async (i) => ({
            ...i,
            members: acknowledgementsByMember(await incidentTimeline(db, i.id)),
          })),
        ),
      };
    },
  );

  api.get(
    '/api/v1/alliance/incidents/:id',
    {
      config: { permission: 'alliance:read' },
      schema: {
        tags,
        summary: 'One incident with its timeline and per-member acknowledgements',
        params: z.object({ id: reportId }),
        response: {
          200: incident.extend({ members: z.array(memberRow), timeline: z.array(event) }),
          404: errorBody,
        },
      },
    },
    async (req, reply) => {
      const i = await getIncident(db, req.params.id);
      if (!i)
        return reply
          .code(404)
          .send({ error: { code: 'INCIDENT_NOT_FOUND', message: `no incident ${req.params.id}` } });
      const timeline = await incidentTimeline(db, i.id);
      return { ...i, members: acknowledgementsByMember(timeline), timeline };
    },
  );

  api.post(
    '/api/v1/alliance/incidents',
    {
      config: { permission: 'alliance:incident:write' },
      schema: {
        tags,
        summary:
          'Declare an incident: publish a STIX report with the attacker addresses to the alliance collection (audited)',
        body: z.object({
          title: z.string().min(1).max(300),
          description: z.string().max(5000).optional(),
          addresses: z.array(address).min(1).max(10_000),
          attackPattern: z.string().min(1).max(300).optional(),
          tlp: z.enum(TLP_LEVELS),
          collectionId: z.uuid().optional(),
        }),
        response: { 201: incident, 400: errorBody },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const i = await declareIncident(
        ledger,
        {
          title: b.title,
          addresses: b.addresses,
          tlp: b.tlp,
          ...(b.description ? { description: b.description } : {}),
          ...(b.attackPattern ? { attackPattern: b.attackPattern } : {}),
          ...(b.collectionId ? { collectionId: b.collectionId } : {}),
        },
        req.principal!.id,
      );
      return reply.code(201).send(i);
    },
  );

  for (const [path, resolve] of [
    ['update', false],
    ['resolve', true],
  ] as const)
    api.post(
      `/api/v1/alliance/incidents/:id/${path}`,
      {
        config: { permission: 'alliance:incident:write' },
        schema: {
          tags,
          summary: resolve
            ? 'Resolve an incident (a new version of its report; audited)'
            : 'Add addresses or change the description (a new version of the report; audited)',
          params: z.object({ id: reportId }),
          body: z.object({
            addresses: z.array(address).max(10_000).optional(),
            description: z.string().max(5000).optional(),
          }),
          response: { 200: incident, 400: errorBody, 404: errorBody },
        },
      },
      async (req) =>
        updateIncident(
          ledger,
          req.params.id,
          {
            ...(req.body.addresses ? { addresses: req.body.addresses } : {}),
            ...(req.body.description ? { description: req.body.description } : {}),
            resolve,
          },
          req.principal!.id,
        ),
    );

  api.get(
    '/api/v1/alliance/feed',
    {
      config: { permission: 'alliance:read' },
      schema: {
        tags,
        summary: 'Recent objects received from followed members, by source',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: {
          200: z.object({
            objects: z.array(
              z.object({
                source: z.string(),
                id: z.string(),
                type: z.string(),
                tlp: z.string(),
                receivedAt: z.string(),
                name: z.string().nullable(),
              }),
            ),
            sources: z.array(
              z.object({
                source: z.string(),
                url: z.string(),
                lastPollAt: z.string().nullable(),
                lastError: z.string().nullable(),
                failures: z.number(),
              }),
            ),
          }),
        },
      },
    },
    async (req) => {
      const rows = await db
        .selectFrom('alliance_feed')
        .selectAll()
        .orderBy('received_at', 'desc')
        .orderBy('object_id')
        .limit(req.query.limit)
        .execute();
      const cursors = await db.selectFrom('alliance_follow_cursors').selectAll().orderBy('source').execute();
      return {
        objects: rows.map((r) => {
          const o = JSON.parse(r.object) as Record<string, unknown>;
          return {
            source: r.source,
            id: r.object_id,
            type: r.type,
            tlp: r.tlp,
            receivedAt: r.received_at,
            name: typeof o['name'] === 'string' ? o['name'] : null,
          };
        }),
        sources: cursors.map((c) => ({
          source: c.source,
          url: c.url,
          lastPollAt: c.last_poll_at,
          lastError: c.last_error,
          failures: Number(c.failures),
        })),
      };
    },
  );
};
