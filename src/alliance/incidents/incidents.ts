/**
 * Incidents: declared by one member, published to its alliance collection as STIX 2.1 — a report
 * (labelled `incident`) referencing one indicator per attacker address
 * (`[cryptocurrency-wallet:value = '…']`), the attack pattern, a course of action ("block these
 * addresses") and the relationships between them, all under one TLP marking — then updated and
 * resolved as new versions of the report. The timeline records, per member and with times, when
 * it was declared, received (pulled from our TAXII server) and acknowledged (a note or sighting
 * posted back). Every step is a ledger entry.
 */
import type { Kysely } from 'kysely';
import { InvalidInputError, NotFoundError } from '../../core/index.ts';
import type { Ledger } from '../../ledger/index.ts';
import type { Database } from '../../store/index.ts';
import {
  addressIndicator,
  attackPattern,
  courseOfAction,
  newVersion,
  relationship,
  report,
  type StixObject,
  type TlpLevel,
} from '../stix/index.ts';
import { addObjects, createApiRoot, createCollection, getApiRoot, listCollections } from '../taxii/store.ts';
import { tlpOf } from '../taxii/tlp.ts';
import type { StixValidator } from '../taxii/validator.ts';
import { defaultStixValidator } from '../taxii/validator.ts';
import { ownIdentity } from './identity.ts';
import { addressesOf } from './receive.ts';
import { allianceScreeningSink } from './screening-sink.ts';

export const INCIDENT_LABEL = 'incident';
export const ALLIANCE_API_ROOT = 'alliance';

export interface IncidentInput {
  title: string;
  description?: string;
  addresses: string[];
  attackPattern?: string;
  tlp: TlpLevel;
  collectionId?: string;
}

export interface TimelineEvent {
  member: string;
  kind: string;
  at: string;
  detail: Record<string, unknown>;
}

export interface Incident {
  id: string;
  origin: string;
  title: string;
  status: string;
  tlp: string;
  collectionId: string | null;
  addresses: string[];
  description: string | null;
  declaredAt: string;
  updatedAt: string;
  acknowledgedAt: string | null;
}

/** The alliance collection incidents go to: the first of the `alliance` API root, made if missing. */
export async function allianceCollection(ledger: Ledger, actor = 'system'): Promise<string> {
  const db = ledger.store.db;
  if (!(await getApiRoot(db, ALLIANCE_API_ROOT)))
    await createApiRoot(
      ledger,
      {
        name: ALLIANCE_API_ROOT,
        title: 'Security alliance',
        description: 'Incidents and indicators shared with alliance members',
      },
      actor,
    );
  const cols = await listCollections(db, ALLIANCE_API_ROOT);
  if (cols[0]) return cols[0].id;
  return (
    await createCollection(
      ledger,
      {
        apiRoot: ALLIANCE_API_ROOT,
        title: 'Alliance incidents',
        description: 'Incidents declared by this member',
      },
      actor,
    )
  ).id;
}

function checkInput(i: IncidentInput): void {
  if (i.title.trim() === '')
    throw new InvalidInputError('INCIDENT_TITLE_REQUIRED', 'an incident needs a title');
  if (i.addresses.length === 0)
    throw new InvalidInputError(
      'INCIDENT_ADDRESSES_REQUIRED',
      'an incident names at least one attacker address',
    );
  if (i.addresses.length > 10_000)
    throw new InvalidInputError('INCIDENT_TOO_LARGE', 'at most 10,000 addresses per incident');
}

/** The STIX objects of an incident (new, or a new version of the report when `previous` is given). */
export function incidentObjects(
  i: IncidentInput,
  by: string,
  now: Date,
  previous?: StixObject,
): { report: StixObject; objects: StixObject[] } {
  const base = { createdBy: by, tlp: i.tlp, now };
  const ap = attackPattern({
    ...base,
    name: i.attackPattern ?? 'Theft of funds',
    ...(i.description ? { description: i.description } : {}),
  });
  const coa = courseOfAction({
    ...base,
    name: 'Block these addresses',
    description:
      'Add every address of this incident to screening; hold deposits and withdrawals that touch them.',
  });
  const indicators = [...new Set(i.addresses)].map((a) => addressIndicator({ ...base, addresses: [a] }));
  const rels = [
    relationship({ ...base, relationshipType: 'mitigates', sourceRef: coa.id, targetRef: ap.id }),
    ...indicators.map((ind) =>
      relationship({ ...base, relationshipType: 'indicates', sourceRef: ind.id, targetRef: ap.id }),
    ),
  ];
  const refs = [ap.id, coa.id, ...indicators.map((x) => x.id), ...rels.map((x) => x.id)];
  const r = previous
    ? newVersion(
        previous,
        {
          name: i.title,
          object_refs: refs,
          ...(i.description ? { description: i.description } : {}),
        } as Partial<StixObject>,
        now,
      )
    : report({
        ...base,
        name: i.title,
        objectRefs: refs,
        labels: [INCIDENT_LABEL],
        ...(i.description ? { description: i.description } : {}),
      });
  return { report: r, objects: [ap, coa, ...indicators, ...rels, r] };
}

/**
 * Publish to the collection, and block the addresses here too: the declaring member holds what it
 * asks the others to hold (source `alliance:local`, each address with its indicator and marking).
 */
async function publish(
  ledger: Ledger,
  collectionId: string,
  objects: StixObject[],
  actor: string,
  validate: StixValidator,
) {
  const title = String(objects.at(-1)?.['name'] ?? '');
  const entries = objects.flatMap((o) =>
    addressesOf(o).map((address) => ({
      address,
      reason: `incident: ${title}`.slice(0, 500),
      objectId: o.id,
      tlp: tlpOf(o),
    })),
  );
  if (entries.length > 0)
    await allianceScreeningSink(ledger).list(entries, { source: 'alliance:local', actor });
  await addObjects(ledger, {
    apiRoot: ALLIANCE_API_ROOT,
    collectionId,
    objects,
    addedBy: 'local',
    actor,
    validate,
  });
}

export async function declareIncident(
  ledger: Ledger,
  i: IncidentInput,
  actor: string,
  validate: StixValidator = defaultStixValidator(),
): Promise<Incident> {
  checkInput(i);
  const me = await ownIdentity(ledger);
  const collectionId = i.collectionId ?? (await allianceCollection(ledger, actor));
  const now = ledger.clock.now();
  const { report: r, objects } = incidentObjects(i, me.id, now);
  await publish(ledger, collectionId, [me, ...objects], actor, validate);
  const at = now.toISOString();
  const detail = {
    addresses: [...new Set(i.addresses)],
    description: i.description ?? null,
    attackPattern: i.attackPattern ?? null,
    report: r,
  };
  await ledger.transact(async (tx) => {
    await tx.db
      .insertInto('alliance_incidents')
      .values({
        id: r.id,
        origin: 'local',
        title: i.title,
        status: 'declared',
        tlp: i.tlp,
        collection_id: collectionId,
        detail: JSON.stringify(detail),
        declared_at: at,
        updated_at: at,
        acknowledged_at: null,
      })
      .execute();
    await tx.db
      .insertInto('alliance_incident_events')
      .values({
        incident_id: r.id,
        member: 'local',
        kind: 'declared',
        at,
        detail: JSON.stringify({ addresses: detail.addresses.length, tlp: i.tlp }),
      })
      .execute();
    tx.audit({
      actor,
      action: 'alliance.incident.declared',
      subject: r.id,
      payload: {
        title: i.title,
        tlp: i.tlp,
        collection: collectionId,
        addresses: detail.addresses.length > 200 ? detail.addresses.length : detail.addresses,
      },
    });
  });
  return (await getIncident(ledger.store.db, r.id))!;
}

async function localIncident(ledger: Ledger, id: string) {
  const row = await ledger.store.db
    .selectFrom('alliance_incidents')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('INCIDENT_NOT_FOUND', `no incident ${id}`);
  if (row.origin !== 'local')
    throw new InvalidInputError(
      'INCIDENT_NOT_OURS',
      `incident ${id} was declared by another member (${row.origin})`,
    );
  return row;
}

/** Add addresses or change the description: a new version of the report and the new indicators. */
export async function updateIncident(
  ledger: Ledger,
  id: string,
  change: { addresses?: string[]; description?: string; resolve?: boolean },
  actor: string,
  validate: StixValidator = defaultStixValidator(),
): Promise<Incident> {
  const row = await localIncident(ledger, id);
  if (row.status === 'resolved')
    throw new InvalidInputError('INCIDENT_RESOLVED', `incident ${id} is resolved`);
  const detail = JSON.parse(row.detail) as {
    addresses: string[];
    description: string | null;
    attackPattern: string | null;
    report: StixObject;
  };
  const addresses = [...new Set([...detail.addresses, ...(change.addresses ?? [])])];
  const description = change.description ?? detail.description ?? undefined;
  const now = ledger.clock.now();
  const me = await ownIdentity(ledger);
  const input: IncidentInput = {
    title: row.title,
    addresses,
    tlp: row.tlp as TlpLevel,
    ...(description ? { description } : {}),
    ...(detail.attackPattern ? { attackPattern: detail.attackPattern } : {}),
  };
  let { report: r, objects } = incidentObjects(input, me.id, now, detail.report);
  if (change.resolve) {
    r = { ...r, labels: [INCIDENT_LABEL, 'resolved'] };
    objects = [...objects.slice(0, -1), r];
  }
  await publish(ledger, row.collection_id!, objects, actor, validate);
  const at = now.toISOString();
  const kind = change.resolve ? 'resolved' : 'updated';
  await ledger.transact(async (tx) => {
    await tx.db
      .updateTable('alliance_incidents')
      .set({
        status: kind,
        updated_at: at,
        detail: JSON.stringify({ ...detail, addresses, description: description ?? null, report: r }),
      })
      .where('id', '=', id)
      .execute();
    await tx.db
      .insertInto('alliance_incident_events')
      .values({
        incident_id: id,
        member: 'local',
        kind,
        at,
        detail: JSON.stringify({ addresses: addresses.length }),
      })
      .execute();
    tx.audit({
      actor,
      action: `alliance.incident.${kind}`,
      subject: id,
      payload: { addresses: addresses.length, added: (change.addresses ?? []).length },
    });
  });
  return (await getIncident(ledger.store.db, id))!;
}

const toIncident = (r: Database['alliance_incidents']): Incident => {
  const d = JSON.parse(r.detail) as { addresses?: string[]; description?: string | null };
  return {
    id: r.id,
    origin: r.origin,
    title: r.title,
    status: r.status,
    tlp: r.tlp,
    collectionId: r.collection_id,
    addresses: d.addresses ?? [],
    description: d.description ?? null,
    declaredAt: r.declared_at,
    updatedAt: r.updated_at,
    acknowledgedAt: r.acknowledged_at,
  };
};

export async function getIncident(db: Kysely<Database>, id: string): Promise<Incident | undefined> {
  const r = await db.selectFrom('alliance_incidents').selectAll().where('id', '=', id).executeTakeFirst();
  return r && toIncident(r);
}

export async function listIncidents(db: Kysely<Database>, limit = 100): Promise<Incident[]> {
  return (
    await db
      .selectFrom('alliance_incidents')
      .selectAll()
      .orderBy('declared_at', 'desc')
      .limit(limit)
      .execute()
  ).map(toIncident);
}

export async function incidentTimeline(db: Kysely<Database>, id: string): Promise<TimelineEvent[]> {
  const rows = await db
    .selectFrom('alliance_incident_events')
    .selectAll()
    .where('incident_id', '=', id)
    .orderBy('at')
    .execute();
  return rows.map((r) => ({
    member: r.member,
    kind: r.kind,
    at: r.at,
    detail: JSON.parse(r.detail) as Record<string, unknown>,
  }));
}

/** Per member: when it received and acknowledged the incident (the declaring member's view). */
export function acknowledgementsByMember(
  events: readonly TimelineEvent[],
): { member: string; receivedAt: string | null; acknowledgedAt: string | null }[] {
  const by = new Map<string, { member: string; receivedAt: string | null; acknowledgedAt: string | null }>();
  for (const e of events) {
    if (e.member === 'local') continue;
    const m = by.get(e.member) ?? { member: e.member, receivedAt: null, acknowledgedAt: null };
    if (e.kind === 'received' && !m.receivedAt) m.receivedAt = e.at;
    if (e.kind === 'acknowledged' && !m.acknowledgedAt) m.acknowledgedAt = e.at;
    by.set(e.member, m);
  }
  return [...by.values()].sort((a, b) => a.member.localeCompare(b.member));
}

/** Record a timeline event once per (incident, member, kind); audited. Returns false if already there. */
export async function recordEvent(
  ledger: Ledger,
  incidentId: string,
  member: string,
  kind: 'received' | 'acknowledged',
  detail: Record<string, unknown>,
  actor: string,
): Promise<boolean> {
  const db = ledger.store.db;
  const have = await db
    .selectFrom('alliance_incident_events')
    .select('at')
    .where('incident_id', '=', incidentId)
    .where('member', '=', member)
    .where('kind', '=', kind)
    .executeTakeFirst();
  if (have) return false;
  const at = ledger.clock.now().toISOString();
  await ledger.transact(async (tx) => {
    await tx.db
      .insertInto('alliance_incident_events')
      .values({ incident_id: incidentId, member, kind, at, detail: JSON.stringify(detail) })
      .onConflict((oc) => oc.doNothing())
      .execute();
    if (kind === 'acknowledged' && member === 'local')
      await tx.db
        .updateTable('alliance_incidents')
        .set({ acknowledged_at: at })
        .where('id', '=', incidentId)
        .execute();
    tx.audit({
      actor,
      action: `alliance.incident.${kind}`,
      subject: incidentId,
      payload: { member, ...detail },
    });
  });
  return true;
}
