/**
 * The TAXII 2.1 server under /taxii2/ (OASIS TAXII 2.1 CS01 §4–§5): discovery, API roots, status,
 * collections, manifest, objects (get, add, by id, delete), versions. Every response — errors too —
 * is `application/taxii+json;version=2.1`; an Accept that does not allow it gets 406, a POST body
 * in another media type 415, one larger than the API root's max_content_length 413, a POST that is
 * not an envelope 422. Callers are this member's people (permission taxii:read / taxii:write) or
 * alliance members (HTTP Basic or signed requests) limited by their collection rights and TLP.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { InvalidInputError, NotFoundError, RampartError } from '../../core/index.ts';
import type { Ledger } from '../../ledger/index.ts';
import { adderOf, type Caller, callerOf, canRead, canWrite, visibilityFor } from './caller.ts';
import { toTaxiiError } from './errors.ts';
import { type FilterField, parseFilters, selectVersions } from './filters.ts';
import { acceptsTaxii21, isTaxii21ContentType, TAXII_MEDIA_TYPE } from './media.ts';
import { mediaTypeFor } from './objects.ts';
import {
  cursorDateOf,
  cursorPositionOf,
  DEFAULT_MAX_PAGE_SIZE,
  filterDigest,
  paginate,
  parseLimit,
} from './paging.ts';
import {
  addObjects,
  type Collection,
  deleteVersions,
  getApiRoot,
  getCollection,
  getStatus,
  latestVersionsPage,
  listApiRoots,
  listCollections,
  loadBodies,
  loadRawBodies,
  loadVersionRows,
} from './store.ts';
import { basicStixChecks, type StixValidator } from './validator.ts';

/** Told what members received and added: incidents record deliveries and acknowledgements from it. */
export interface TaxiiObserver {
  /** Reports served to a caller (objects of other types are not passed, to keep serving cheap). */
  served?(caller: Caller, collectionId: string, objects: readonly Record<string, unknown>[]): Promise<void>;
  added?(caller: Caller, collectionId: string, objects: readonly Record<string, unknown>[]): Promise<void>;
}

export interface TaxiiRouteOptions {
  ledger: Ledger;
  validate?: StixValidator;
  observer?: TaxiiObserver;
  title?: string;
  description?: string;
  contact?: string;
  maxPageSize?: number;
}

/** Largest body any API root may accept; each root's own max_content_length is checked below it. */
const HARD_BODY_LIMIT = 64 * 1024 * 1024;

const OBJECTS_FILTERS: ReadonlySet<FilterField> = new Set(['id', 'type', 'version', 'spec_version']);
const OBJECT_FILTERS: ReadonlySet<FilterField> = new Set(['version', 'spec_version']);
const VERSIONS_FILTERS: ReadonlySet<FilterField> = new Set(['spec_version']);

type Params = { root?: string; cid?: string; oid?: string; sid?: string };

export const taxiiRoutes: FastifyPluginAsync<TaxiiRouteOptions> = async (app, o) => {
  const { ledger } = o;
  const db = ledger.store.db;
  const validate = o.validate ?? basicStixChecks;
  const maxPage = o.maxPageSize ?? DEFAULT_MAX_PAGE_SIZE;

  app.setErrorHandler((err, req, reply) => {
    const { status, body } = toTaxiiError(err);
    if (status >= 500) req.log.error({ err }, 'TAXII request failed');
    if (status === 401) reply.header('www-authenticate', 'Basic realm="rampart-taxii", charset="UTF-8"');
    return reply.code(status).header('content-type', TAXII_MEDIA_TYPE).send(JSON.stringify(body));
  });
  app.setNotFoundHandler((req, reply) => {
    reply
      .code(404)
      .header('content-type', TAXII_MEDIA_TYPE)
      .send(
        JSON.stringify({
          title: 'Not Found',
          description: `no TAXII resource ${req.url}`,
          error_code: 'NOT_FOUND',
          http_status: '404',
          error: { code: 'NOT_FOUND', message: `no TAXII resource ${req.url}` },
        }),
      );
  });
  // §1.6.8.1: the response media type is TAXII 2.1; a client that will not accept it gets 406.
  app.addHook('preParsing', async (req) => {
    if (!acceptsTaxii21(req.headers.accept))
      throw new RampartError(
        'TAXII_NOT_ACCEPTABLE',
        'this server answers application/taxii+json;version=2.1 only',
        { status: 406 },
      );
    if (req.method === 'POST') {
      if (!isTaxii21ContentType(req.headers['content-type']))
        throw new RampartError(
          'TAXII_MEDIA_TYPE_UNSUPPORTED',
          'a TAXII 2.1 body must be sent as application/taxii+json;version=2.1',
          { status: 415 },
        );
      const root = (req.params as Params).root;
      const info = root ? await getApiRoot(db, root) : undefined;
      const len = Number(req.headers['content-length'] ?? 0);
      if (info && len > info.maxContentLength)
        throw new RampartError(
          'TAXII_BODY_TOO_LARGE',
          `the body (${len} bytes) is larger than max_content_length ${info.maxContentLength}`,
          { status: 413 },
        );
    }
  });
  app.addContentTypeParser(
    'application/taxii+json',
    { parseAs: 'buffer', bodyLimit: HARD_BODY_LIMIT },
    (req, body, done) => {
      req.rawBody = body as Buffer;
      try {
        done(null, JSON.parse((body as Buffer).toString('utf8')));
      } catch {
        done(new InvalidInputError('TAXII_BODY_INVALID', 'the body is not JSON'), undefined);
      }
    },
  );
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('content-type', TAXII_MEDIA_TYPE);
    return payload;
  });

  const send = (
    reply: FastifyReply,
    body: unknown,
    headers: { first?: string; last?: string } = {},
    status = 200,
  ) => {
    if (headers.first) reply.header('X-TAXII-Date-Added-First', headers.first);
    if (headers.last) reply.header('X-TAXII-Date-Added-Last', headers.last);
    return reply.code(status).header('content-type', TAXII_MEDIA_TYPE).send(JSON.stringify(body));
  };

  const caller = (req: FastifyRequest) => callerOf(db, req.principal);

  async function rootOr404(name: string) {
    const r = await getApiRoot(db, name);
    if (!r) throw new NotFoundError('TAXII_API_ROOT_NOT_FOUND', `no API root ${name}`);
    return r;
  }
  async function collectionOr404(root: string, cid: string): Promise<Collection> {
    await rootOr404(root);
    const c = await getCollection(db, root, cid);
    if (!c) throw new NotFoundError('TAXII_COLLECTION_NOT_FOUND', `no collection ${cid} in API root ${root}`);
    return c;
  }
  function mustRead(c: Caller, col: Collection) {
    if (!canRead(c, col.id))
      throw new RampartError('TAXII_READ_FORBIDDEN', `no read access to collection ${col.id}`, {
        status: 403,
      });
  }
  function mustWrite(c: Caller, col: Collection) {
    if (!canWrite(c, col.id))
      throw new RampartError('TAXII_WRITE_FORBIDDEN', `no write access to collection ${col.id}`, {
        status: 403,
      });
  }

  /** Register `url` (ending in "/") and its slash-less twin: TAXII URLs end in "/", some clients drop it. */
  function route(
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    permission: string,
    summary: string,
    handler: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>,
  ) {
    for (const u of url === '/' ? [url] : [url, url.slice(0, -1)])
      app.route({
        method,
        url: u,
        config: { permission },
        schema: { tags: ['taxii'], summary, hide: u !== url },
        ...(method === 'POST' ? { bodyLimit: HARD_BODY_LIMIT } : {}),
        handler,
      });
  }

  route('GET', '/', 'taxii:read', 'TAXII 2.1 server discovery (§4.1)', async (req, reply) => {
    await caller(req);
    const base = `${req.protocol}://${req.headers.host ?? req.hostname}/taxii2/`;
    const roots = await listApiRoots(db);
    return send(reply, {
      title: o.title ?? 'Rampart TAXII 2.1',
      description: o.description ?? 'Security alliance collections of this Rampart instance',
      ...(o.contact ? { contact: o.contact } : {}),
      ...(roots[0] ? { default: `${base}${roots[0].name}/` } : {}),
      api_roots: roots.map((r) => `${base}${r.name}/`),
    });
  });

  route('GET', '/:root/', 'taxii:read', 'API root information (§4.2)', async (req, reply) => {
    await caller(req);
    const r = await rootOr404((req.params as Params).root!);
    return send(reply, {
      title: r.title,
      ...(r.description ? { description: r.description } : {}),
      versions: [TAXII_MEDIA_TYPE],
      max_content_length: r.maxContentLength,
    });
  });

  route('GET', '/:root/status/:sid/', 'taxii:read', 'Status of an add request (§4.3)', async (req, reply) => {
    const c = await caller(req);
    const p = req.params as Params;
    await rootOr404(p.root!);
    const s = await getStatus(db, p.root!, p.sid!);
    // A member sees only the statuses of its own requests.
    if (!s || (c.kind === 'member' && s.requester !== c.actor))
      throw new NotFoundError('TAXII_STATUS_NOT_FOUND', `no status ${p.sid}`);
    return send(reply, s.resource);
  });

  const collectionResource = (c: Caller, col: Collection) => ({
    id: col.id,
    title: col.title,
    ...(col.description ? { description: col.description } : {}),
    ...(col.alias ? { alias: col.alias } : {}),
    can_read: canRead(c, col.id),
    can_write: canWrite(c, col.id),
    media_types: col.mediaTypes,
  });

  route('GET', '/:root/collections/', 'taxii:read', 'Collections (§5.1)', async (req, reply) => {
    const c = await caller(req);
    const p = req.params as Params;
    await rootOr404(p.root!);
    const cols = await listCollections(db, p.root!);
    return send(reply, cols.length ? { collections: cols.map((col) => collectionResource(c, col)) } : {});
  });

  route('GET', '/:root/collections/:cid/', 'taxii:read', 'One collection (§5.2)', async (req, reply) => {
    const c = await caller(req);
    const p = req.params as Params;
    return send(reply, collectionResource(c, await collectionOr404(p.root!, p.cid!)));
  });

  /** The visible, filtered, ordered rows and one page of them. */
  async function page(
    req: FastifyRequest,
    c: Caller,
    col: Collection,
    allowed: ReadonlySet<FilterField>,
    objectId?: string,
  ) {
    const q = req.query as Record<string, unknown>;
    const f = parseFilters(q, allowed);
    const limit = parseLimit(q['limit'], maxPage);
    const digest = filterDigest(`${col.id}/${objectId ?? ''}/${[...allowed].join()}`, q);
    const next = q['next'] === undefined ? undefined : String(q['next']);
    // The default listing — what followers ask every poll, with or without match[id] and
    // match[type] — is computed page by page in SQL. (parseFilters refuses a filter this endpoint
    // does not allow, so f.ids and f.types are set only where they are allowed.)
    const defaults =
      objectId === undefined &&
      allowed.has('version') &&
      allowed.has('spec_version') &&
      (!f.versions || (f.versions.length === 1 && f.versions[0] === 'last')) &&
      !f.specVersions;
    if (defaults) {
      const pos = cursorPositionOf(next);
      const rows = await latestVersionsPage(db, col.id, visibilityFor(c, col.id), {
        ...(f.addedAfter !== undefined ? { addedAfter: f.addedAfter } : {}),
        ...(f.ids ? { ids: f.ids } : {}),
        ...(f.types ? { types: f.types } : {}),
        ...(pos ? { after: pos } : {}),
        limit: limit + 1,
      });
      return { ...paginate(rows, limit, next, digest), total: rows.length };
    }
    const rows = await loadVersionRows(db, col.id, visibilityFor(c, col.id), {
      // For one object every visible version is loaded: "not found" (404) differs from "filtered out" ({}).
      ...(f.addedAfter !== undefined && objectId === undefined ? { addedAfter: f.addedAfter } : {}),
      ...(objectId !== undefined ? { objectId } : {}),
      // A later page only concerns objects with some version at or after the cursor's position.
      ...(objectId === undefined && cursorDateOf(q['next']) ? { activeSince: cursorDateOf(q['next'])! } : {}),
      ...(f.ids ? { ids: f.ids } : {}),
      ...(f.types ? { types: f.types } : {}),
    });
    const selected = selectVersions(rows, f, allowed);
    return { ...paginate(selected, limit, next, digest), total: rows.length };
  }

  const envelope = (items: unknown[], more: boolean, next: string | undefined, key = 'objects') =>
    items.length === 0 ? {} : { more, ...(next ? { next } : {}), [key]: items };

  route(
    'GET',
    '/:root/collections/:cid/manifest/',
    'taxii:read',
    'Object manifests (§5.3)',
    async (req, reply) => {
      const c = await caller(req);
      const p = req.params as Params;
      const col = await collectionOr404(p.root!, p.cid!);
      mustRead(c, col);
      const pg = await page(req, c, col, OBJECTS_FILTERS);
      const records = pg.items.map((r) => ({
        id: r.objectId,
        date_added: r.dateAdded,
        version: r.version,
        media_type: mediaTypeFor(r.specVersion),
      }));
      return send(reply, envelope(records, pg.more, pg.next), pg);
    },
  );

  route('GET', '/:root/collections/:cid/objects/', 'taxii:read', 'Get objects (§5.4)', async (req, reply) => {
    const c = await caller(req);
    const p = req.params as Params;
    const col = await collectionOr404(p.root!, p.cid!);
    mustRead(c, col);
    const pg = await page(req, c, col, OBJECTS_FILTERS);
    // The stored JSON goes out as is (no parse and re-encode of every object).
    const raws = await loadRawBodies(db, col.id, pg.items);
    if (o.observer?.served) {
      const reports = raws
        .filter((_, i) => pg.items[i]!.type === 'report')
        .map((r) => JSON.parse(r) as Record<string, unknown>);
      if (reports.length) await o.observer.served(c, col.id, reports);
    }
    if (pg.first) reply.header('X-TAXII-Date-Added-First', pg.first);
    if (pg.last) reply.header('X-TAXII-Date-Added-Last', pg.last);
    const body =
      raws.length === 0
        ? '{}'
        : `{"more":${pg.more},${pg.next ? `"next":${JSON.stringify(pg.next)},` : ''}"objects":[${raws.join(',')}]}`;
    return reply.code(200).header('content-type', TAXII_MEDIA_TYPE).send(body);
  });

  route(
    'POST',
    '/:root/collections/:cid/objects/',
    'taxii:write',
    'Add objects (§5.5)',
    async (req, reply) => {
      const c = await caller(req);
      const p = req.params as Params;
      const col = await collectionOr404(p.root!, p.cid!);
      mustWrite(c, col);
      const root = (await getApiRoot(db, p.root!))!;
      if (req.rawBody && req.rawBody.length > root.maxContentLength)
        throw new RampartError(
          'TAXII_BODY_TOO_LARGE',
          `the body (${req.rawBody.length} bytes) is larger than max_content_length ${root.maxContentLength}`,
          { status: 413 },
        );
      const body = req.body as Record<string, unknown> | undefined;
      if (!body || typeof body !== 'object' || Array.isArray(body) || !Array.isArray(body['objects']))
        throw new RampartError(
          'TAXII_ENVELOPE_INVALID',
          'the body must be a TAXII envelope: {"objects": [...]}',
          { status: 422 },
        );
      const { status, added } = await addObjects(ledger, {
        apiRoot: root.name,
        collectionId: col.id,
        objects: body['objects'] as unknown[],
        addedBy: adderOf(c),
        actor: c.actor,
        validate,
      });
      if (o.observer?.added && added.length) await o.observer.added(c, col.id, added);
      return send(reply, status, {}, 202);
    },
  );

  route(
    'GET',
    '/:root/collections/:cid/objects/:oid/',
    'taxii:read',
    'Get an object (§5.6)',
    async (req, reply) => {
      const c = await caller(req);
      const p = req.params as Params;
      const col = await collectionOr404(p.root!, p.cid!);
      mustRead(c, col);
      const pg = await page(req, c, col, OBJECT_FILTERS, p.oid!);
      // No version of it visible at all: 404 (§5.6); visible but filtered out: an empty envelope.
      if (pg.total === 0)
        throw new NotFoundError('TAXII_OBJECT_NOT_FOUND', `no object ${p.oid} in collection ${col.id}`);
      const bodies = await loadBodies(db, col.id, pg.items);
      if (o.observer?.served && bodies.length) await o.observer.served(c, col.id, bodies);
      return send(reply, envelope(bodies, pg.more, pg.next), pg);
    },
  );

  route(
    'DELETE',
    '/:root/collections/:cid/objects/:oid/',
    'taxii:write',
    'Delete an object (§5.7)',
    async (req, reply) => {
      const c = await caller(req);
      const p = req.params as Params;
      const col = await collectionOr404(p.root!, p.cid!);
      mustRead(c, col);
      mustWrite(c, col);
      const q = req.query as Record<string, unknown>;
      const f = parseFilters(q, OBJECT_FILTERS);
      const rows = await loadVersionRows(db, col.id, visibilityFor(c, col.id), { objectId: p.oid! });
      if (rows.length === 0)
        throw new NotFoundError('TAXII_OBJECT_NOT_FOUND', `no object ${p.oid} in collection ${col.id}`);
      // Without match[version] every version goes (§5.7); a member deletes only what it added.
      const chosen = selectVersions(
        rows,
        { ...f, versions: f.versions ?? ['all'] },
        f.specVersions ? OBJECT_FILTERS : new Set<FilterField>(['version']),
      ).filter((r) => c.kind === 'local' || r.addedBy === `member:${c.memberId}`);
      if (c.kind === 'member' && chosen.length === 0)
        throw new RampartError('TAXII_DELETE_FORBIDDEN', 'a member deletes only objects it added', {
          status: 403,
        });
      await deleteVersions(ledger, { collectionId: col.id, objectId: p.oid!, rows: chosen, actor: c.actor });
      return send(reply, {});
    },
  );

  route(
    'GET',
    '/:root/collections/:cid/objects/:oid/versions/',
    'taxii:read',
    'Versions of an object (§5.8)',
    async (req, reply) => {
      const c = await caller(req);
      const p = req.params as Params;
      const col = await collectionOr404(p.root!, p.cid!);
      mustRead(c, col);
      const pg = await page(req, c, col, VERSIONS_FILTERS, p.oid!);
      if (pg.total === 0)
        throw new NotFoundError('TAXII_OBJECT_NOT_FOUND', `no object ${p.oid} in collection ${col.id}`);
      return send(
        reply,
        envelope(
          pg.items.map((r) => r.version),
          pg.more,
          pg.next,
          'versions',
        ),
        pg,
      );
    },
  );
};
