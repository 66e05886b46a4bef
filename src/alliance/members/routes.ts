/**
 * Audited administration of alliance membership over HTTP: members, their Basic credentials, their
 * rights on collections, and the collections themselves (permission alliance:members:write; reads
 * alliance:read). Every change is one ledger entry in the same transaction.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Ledger } from '../../ledger/index.ts';
import { createApiRoot, createCollection, getApiRoot, listCollections } from '../taxii/store.ts';
import { SHAREABLE_TLP } from '../taxii/tlp.ts';
import {
  addMember,
  listMembers,
  MEMBER_ID,
  removeMember,
  setCollectionRight,
  setMemberPassword,
} from './members.ts';

const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
const memberId = z
  .string()
  .regex(MEMBER_ID, 'a member id is 1–64 lower-case letters, digits, ".", "_" or "-"');
const right = z.object({
  collectionId: z.uuid(),
  canRead: z.boolean(),
  canWrite: z.boolean(),
  tlpMax: z.enum(SHAREABLE_TLP),
});
const member = z.object({
  id: z.string(),
  name: z.string(),
  identity: z.string().nullable(),
  hasPassword: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  rights: z.array(right).optional(),
});

export const memberRoutes: FastifyPluginAsync<{ ledger: Ledger }> = async (app, { ledger }) => {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['alliance'];
  const actor = (req: { principal?: { id: string } }) => req.principal!.id;

  api.get(
    '/api/v1/alliance/members',
    {
      config: { permission: 'alliance:read' },
      schema: {
        tags,
        summary: 'Alliance members and their collection rights',
        response: { 200: z.object({ members: z.array(member) }) },
      },
    },
    async () => ({ members: await listMembers(ledger.store.db) }),
  );

  api.post(
    '/api/v1/alliance/members',
    {
      config: { permission: 'alliance:members:write' },
      schema: {
        tags,
        summary: 'Add an alliance member (audited)',
        body: z.object({
          id: memberId,
          name: z.string().min(1).max(200),
          identity: z
            .string()
            .regex(/^identity--[0-9a-f-]{36}$/, 'a STIX identity id')
            .optional(),
          password: z.string().min(12, 'at least 12 characters').max(1024).optional(),
        }),
        response: { 201: member, 400: errorBody },
      },
    },
    async (req, reply) => {
      const m = await addMember(ledger, req.body, actor(req));
      return reply.code(201).send(m);
    },
  );

  api.post(
    '/api/v1/alliance/members/:id/password',
    {
      config: { permission: 'alliance:members:write' },
      schema: {
        tags,
        summary: "Set a member's HTTP Basic password (audited)",
        params: z.object({ id: memberId }),
        body: z.object({ password: z.string().min(12).max(1024) }),
        response: { 200: z.object({ ok: z.literal(true) }), 404: errorBody },
      },
    },
    async (req) => {
      await setMemberPassword(ledger, req.params.id, req.body.password, actor(req));
      return { ok: true as const };
    },
  );

  api.put(
    '/api/v1/alliance/members/:id/rights',
    {
      config: { permission: 'alliance:members:write' },
      schema: {
        tags,
        summary: "Set a member's right on a collection (audited)",
        params: z.object({ id: memberId }),
        body: right,
        response: { 200: z.object({ ok: z.literal(true) }), 404: errorBody },
      },
    },
    async (req) => {
      await setCollectionRight(ledger, req.params.id, req.body, actor(req));
      return { ok: true as const };
    },
  );

  api.delete(
    '/api/v1/alliance/members/:id',
    {
      config: { permission: 'alliance:members:write' },
      schema: {
        tags,
        summary: 'Remove a member and its rights (audited)',
        params: z.object({ id: memberId }),
        response: { 200: z.object({ ok: z.literal(true) }), 404: errorBody },
      },
    },
    async (req) => {
      await removeMember(ledger, req.params.id, actor(req));
      return { ok: true as const };
    },
  );

  const collection = z.object({
    id: z.string(),
    apiRoot: z.string(),
    title: z.string(),
    description: z.string().nullable(),
    alias: z.string().nullable(),
    mediaTypes: z.array(z.string()),
  });

  api.get(
    '/api/v1/alliance/collections',
    {
      config: { permission: 'alliance:read' },
      schema: {
        tags,
        summary: 'TAXII collections this instance serves',
        response: { 200: z.object({ collections: z.array(collection) }) },
      },
    },
    async () => ({ collections: await listCollections(ledger.store.db) }),
  );

  api.post(
    '/api/v1/alliance/collections',
    {
      config: { permission: 'alliance:members:write' },
      schema: {
        tags,
        summary: 'Create a TAXII collection (and its API root if new); audited',
        body: z.object({
          apiRoot: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/),
          id: z.uuid().optional(),
          title: z.string().min(1).max(200),
          description: z.string().max(2000).optional(),
        }),
        response: { 201: collection, 400: errorBody, 404: errorBody },
      },
    },
    async (req, reply) => {
      const b = req.body;
      if (!(await getApiRoot(ledger.store.db, b.apiRoot)))
        await createApiRoot(
          ledger,
          { name: b.apiRoot, title: `Rampart alliance (${b.apiRoot})` },
          actor(req),
        );
      const c = await createCollection(
        ledger,
        {
          apiRoot: b.apiRoot,
          title: b.title,
          ...(b.id ? { id: b.id } : {}),
          ...(b.description ? { description: b.description } : {}),
        },
        actor(req),
      );
      return reply.code(201).send(c);
    },
  );
};
