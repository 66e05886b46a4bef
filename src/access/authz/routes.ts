/**
 * The authorization API under /api/v1/access: roles (list, create custom), grants (list, request,
 * approve, revoke), conditions (read, replace) and the access review. Every change is a ledger
 * entry; the caller is always the authenticated principal (never a body field).
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Ledger } from '../../ledger/index.ts';
import {
  accessReview,
  approveGrant,
  expireGrants,
  listGrants,
  requestGrant,
  revokeGrant,
} from '../grants/index.ts';
import { hasSession, requireStepUp } from '../stepup/index.ts';
import { conditionSchema } from './conditions.ts';
import { currentConditions, setConditions } from './conditions-store.ts';
import { createRole, listRoles } from './role-store.ts';

const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody };

export const roleSchema = z.object({
  name: z.string(),
  description: z.string(),
  permissions: z.array(z.string()),
  builtin: z.boolean(),
  privileged: z.boolean().describe('granting it needs a second administrator'),
  createdAt: z.string(),
  createdBy: z.string(),
});
const status = z.enum(['pending', 'active', 'revoked', 'expired', 'rejected']);
export const grantSchema = z.object({
  id: z.string(),
  principal: z
    .string()
    .describe('user:<person id>, service:<service id>, or user:bg_… (a break-glass account)'),
  role: z.string(),
  status,
  privileged: z.boolean(),
  reason: z.string().nullable(),
  requestedBy: z.string(),
  requestedAt: z.string(),
  approvedBy: z.string().nullable(),
  approvedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  revokedBy: z.string().nullable(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});
const conditionSet = z.object({
  seq: z.number(),
  conditions: z.array(z.record(z.string(), z.unknown())),
  cedar: z.string().describe('the Cedar policy set the conditions compile to'),
  digest: z.string(),
  setBy: z.string(),
  setAt: z.string(),
});
const reviewSchema = z.object({
  generatedAt: z.string(),
  unusedDays: z.number(),
  expiringDays: z.number(),
  expiredNow: z.number(),
  summary: z.object({
    grants: z.number(),
    unused: z.number(),
    expiring: z.number(),
    pending: z.number(),
    breakGlassUses: z.number(),
  }),
  grants: z.array(
    grantSchema.extend({
      principalName: z.string().nullable(),
      flags: z.array(z.enum(['unused', 'expiring', 'pending', 'privileged', 'break-glass'])),
    }),
  ),
  breakGlass: z.array(z.record(z.string(), z.unknown())),
  alerts: z.array(
    z.object({ index: z.number(), time: z.string(), account: z.string(), payload: z.unknown() }),
  ),
});

export const authzRoutes: FastifyPluginAsync<{ ledger: Ledger }> = async (app, { ledger }) => {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['access'];
  const who = (req: FastifyRequest) => req.principal!.id;
  const read = { permission: 'access:people:read' };
  const write = { permission: 'access:roles:write' };
  const stepUpField = { stepUp: z.unknown().optional().describe('a passkey step-up for this exact change') };
  /**
   * A role change by a person in the console needs a passkey step-up over exactly this change
   * (src/access/stepup); the action objects are named in each route's summary. Services (signed
   * requests) and break-glass have no console session: no step-up, and break-glass raises an alert.
   */
  const step = async (req: FastifyRequest, action: Record<string, string>) => {
    if (hasSession(req)) await requireStepUp(req, action);
  };

  api.get(
    '/api/v1/access/roles',
    {
      config: read,
      schema: {
        tags,
        summary: 'Every role, built-in and custom, with its permissions',
        response: { 200: z.array(roleSchema), ...errors },
      },
    },
    async () => listRoles(ledger),
  );

  api.post(
    '/api/v1/access/roles',
    {
      config: write,
      schema: {
        tags,
        summary:
          'Create a custom role from known permissions (never access:roles:write with transfer permissions). Step-up action: { action: "access.role.create", name, permissions: <sorted, comma-joined> }',
        body: z.object({
          name: z.string().min(1).max(40),
          description: z.string().max(200).optional(),
          permissions: z.array(z.string().max(100)).min(1).max(100),
          ...stepUpField,
        }),
        response: { 200: roleSchema, ...errors },
      },
    },
    async (req) => {
      await step(req, {
        action: 'access.role.create',
        name: req.body.name,
        permissions: [...req.body.permissions].sort().join(','),
      });
      return createRole(ledger, {
        name: req.body.name,
        permissions: req.body.permissions,
        actor: who(req),
        ...(req.body.description !== undefined ? { description: req.body.description } : {}),
      });
    },
  );

  api.get(
    '/api/v1/access/grants',
    {
      config: read,
      schema: {
        tags,
        summary: 'Grants, optionally by status or principal',
        querystring: z.object({ status: status.optional(), principal: z.string().max(200).optional() }),
        response: { 200: z.array(grantSchema), ...errors },
      },
    },
    async (req) => {
      await expireGrants(ledger); // grants past their end show as expired (each audited)
      return listGrants(ledger, {
        ...(req.query.status ? { status: req.query.status } : {}),
        ...(req.query.principal ? { principal: req.query.principal } : {}),
      });
    },
  );

  api.post(
    '/api/v1/access/grants',
    {
      config: write,
      schema: {
        tags,
        summary:
          'Grant a role: active at once, or pending a second administrator when the role is privileged. Step-up action: { action: "access.grant.request", principal, role }',
        body: z.object({
          principal: z.string().min(1).max(200),
          role: z.string().min(1).max(40),
          expiresAt: z.string().max(40).optional().describe('ISO 8601; the grant ends then'),
          reason: z.string().max(500).optional(),
          ...stepUpField,
        }),
        response: { 200: grantSchema, ...errors },
      },
    },
    async (req) => {
      await step(req, { action: 'access.grant.request', principal: req.body.principal, role: req.body.role });
      return requestGrant(ledger, {
        principal: req.body.principal,
        role: req.body.role,
        actor: who(req),
        ...(req.body.expiresAt !== undefined ? { expiresAt: req.body.expiresAt } : {}),
        ...(req.body.reason !== undefined ? { reason: req.body.reason } : {}),
      });
    },
  );

  const grantId = z.object({ id: z.string().min(1).max(100) });

  api.post(
    '/api/v1/access/grants/:id/approve',
    {
      config: write,
      schema: {
        tags,
        summary:
          'Approve a pending grant: a second administrator, not the one who asked, not the grantee. Step-up action: { action: "access.grant.approve", grant }',
        params: grantId,
        body: z.object({ ...stepUpField }).nullish(),
        response: { 200: grantSchema, ...errors },
      },
    },
    async (req) => {
      await step(req, { action: 'access.grant.approve', grant: req.params.id });
      return approveGrant(ledger, { id: req.params.id, actor: who(req) });
    },
  );

  api.post(
    '/api/v1/access/grants/:id/revoke',
    {
      config: write,
      schema: {
        tags,
        summary:
          'Revoke a pending or active grant: it stops working with the next request. Step-up action: { action: "access.grant.revoke", grant }',
        params: grantId,
        body: z.object({ reason: z.string().max(500).optional(), ...stepUpField }).nullish(),
        response: { 200: grantSchema, ...errors },
      },
    },
    async (req) => {
      await step(req, { action: 'access.grant.revoke', grant: req.params.id });
      return revokeGrant(ledger, {
        id: req.params.id,
        actor: who(req),
        ...(req.body?.reason !== undefined ? { reason: req.body.reason } : {}),
      });
    },
  );

  api.get(
    '/api/v1/access/conditions',
    {
      config: read,
      schema: {
        tags,
        summary: 'The conditions in force and their Cedar policies',
        response: { 200: conditionSet, ...errors },
      },
    },
    async () => currentConditions(ledger) as unknown as Promise<z.infer<typeof conditionSet>>,
  );

  api.put(
    '/api/v1/access/conditions',
    {
      config: write,
      schema: {
        tags,
        summary:
          'Replace the conditions (time of day, network, step-up, Cedar forbid policies). Step-up action: { action: "access.conditions.set", after: <seq in force> }',
        body: z.object({ conditions: z.array(conditionSchema).max(200), ...stepUpField }),
        response: { 200: conditionSet, ...errors },
      },
    },
    async (req) => {
      const set = await currentConditions(ledger);
      await step(req, { action: 'access.conditions.set', after: String(set.seq) });
      return (await setConditions(ledger, {
        conditions: req.body.conditions,
        actor: who(req),
      })) as unknown as z.infer<typeof conditionSet>;
    },
  );

  api.get(
    '/api/v1/access/review',
    {
      config: { permission: 'access:review' },
      schema: {
        tags,
        summary:
          'The access review: every grant with its last use, unused and expiring flagged; break-glass alerts',
        querystring: z.object({
          unusedDays: z.coerce.number().int().min(1).max(3650).optional(),
          expiringDays: z.coerce.number().int().min(0).max(3650).optional(),
          all: z.enum(['true', 'false']).optional(),
        }),
        response: { 200: reviewSchema, ...errors },
      },
    },
    async (req) =>
      (await accessReview(ledger, {
        ...(req.query.unusedDays !== undefined ? { unusedDays: req.query.unusedDays } : {}),
        ...(req.query.expiringDays !== undefined ? { expiringDays: req.query.expiringDays } : {}),
        all: req.query.all === 'true',
      })) as unknown as z.infer<typeof reviewSchema>,
  );
};
