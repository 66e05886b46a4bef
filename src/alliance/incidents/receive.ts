/**
 * What a member does with objects it pulled from another member's collection: every address named
 * by an indicator goes into screening (so the custody guard holds matching deposits and
 * withdrawals), an incident report is recorded with its origin and a `received` event, and once its
 * addresses are screened the member acknowledges with a STIX note posted back to the same
 * collection (`acknowledged` event). Each step is a ledger entry.
 */
import type { Ledger } from '../../ledger/index.ts';
import { addressesOfPattern, note, type StixObject } from '../stix/index.ts';
import type { FeedHandler, FollowSpec } from '../taxii/client/follower.ts';
import { collectionUrl } from '../taxii/client/follower.ts';
import { tlpOf } from '../taxii/tlp.ts';
import { ownIdentity } from './identity.ts';
import { INCIDENT_LABEL, recordEvent } from './incidents.ts';
import type { ScreeningSink, SinkEntry } from './screening-sink.ts';

export function addressesOf(obj: Record<string, unknown>): string[] {
  if (obj['type'] !== 'indicator' || typeof obj['pattern'] !== 'string') return [];
  try {
    return addressesOfPattern(obj['pattern'])?.addresses ?? [];
  } catch {
    return [];
  }
}

export function feedHandler(ledger: Ledger, sink: ScreeningSink): FeedHandler {
  return async (spec: FollowSpec, fresh, client) => {
    const actor = 'system';
    // 1. Screening first: the hold must be in place before anyone is told it is.
    const byIndicator = new Map<string, string[]>();
    const entries: SinkEntry[] = [];
    for (const o of fresh) {
      const a = addressesOf(o);
      if (a.length === 0) continue;
      byIndicator.set(o['id'] as string, a);
      const tlp = tlpOf(o);
      for (const address of a)
        entries.push({
          address,
          reason:
            typeof o['name'] === 'string'
              ? `${spec.name}: ${o['name']}`
              : `indicator from alliance member ${spec.name}`,
          objectId: o['id'] as string,
          ...(tlp !== 'red' ? { tlp } : {}),
          ...(typeof o['confidence'] === 'number' ? { confidence: o['confidence'] } : {}),
        });
    }
    if (entries.length > 0) await sink.list(entries, { source: `alliance:${spec.name}`, actor });
    // 2. Incident reports: record, then acknowledge to the declaring member.
    for (const r of fresh) {
      if (
        r['type'] !== 'report' ||
        !Array.isArray(r['labels']) ||
        !(r['labels'] as string[]).includes(INCIDENT_LABEL)
      )
        continue;
      const id = r['id'] as string;
      const refs = (r['object_refs'] as string[] | undefined) ?? [];
      const addresses = [...new Set(refs.flatMap((ref) => byIndicator.get(ref) ?? []))];
      const now = ledger.clock.now().toISOString();
      const status = (r['labels'] as string[]).includes('resolved') ? 'resolved' : 'received';
      const existing = await ledger.store.db
        .selectFrom('alliance_incidents')
        .select(['id', 'detail'])
        .where('id', '=', id)
        .executeTakeFirst();
      await ledger.transact(async (tx) => {
        const prior = existing
          ? ((JSON.parse(existing.detail) as { addresses?: string[] }).addresses ?? [])
          : [];
        const detail = JSON.stringify({
          addresses: [...new Set([...prior, ...addresses])],
          description: (r['description'] as string) ?? null,
          report: r,
        });
        if (existing)
          await tx.db
            .updateTable('alliance_incidents')
            .set({ status, updated_at: now, detail, title: String(r['name'] ?? id) })
            .where('id', '=', id)
            .execute();
        else
          await tx.db
            .insertInto('alliance_incidents')
            .values({
              id,
              origin: spec.name,
              title: String(r['name'] ?? id),
              status,
              tlp: tlpOf(r),
              collection_id: null,
              detail,
              declared_at: String(r['created'] ?? now),
              updated_at: now,
              acknowledged_at: null,
            })
            .execute();
        tx.audit({
          actor,
          action: 'alliance.incident.pulled',
          subject: id,
          payload: { from: spec.name, addresses: addresses.length, status },
        });
      });
      await recordEvent(
        ledger,
        id,
        'local',
        'received',
        { from: spec.name, addresses: addresses.length },
        actor,
      );
    }
    // 3. Acknowledge every incident from this source not yet acknowledged (retried each poll, so an
    //    acknowledgement lost to a failing member server is sent once it answers again).
    const pending = await ledger.store.db
      .selectFrom('alliance_incidents')
      .select(['id', 'detail'])
      .where('origin', '=', spec.name)
      .where('acknowledged_at', 'is', null)
      .where('status', '!=', 'resolved')
      .execute();
    if (pending.length === 0) return;
    const me = await ownIdentity(ledger);
    for (const p of pending) {
      const addresses = ((JSON.parse(p.detail) as { addresses?: string[] }).addresses ?? []).length;
      const ack: StixObject = note({
        createdBy: me.id,
        tlp: 'green',
        abstract: 'acknowledged',
        content: `Received. ${addresses} addresses added to screening; matching deposits and withdrawals are held.`,
        objectRefs: [p.id],
        labels: ['acknowledgement'],
      });
      await client.addObjects(collectionUrl(spec), [ack]);
      await recordEvent(
        ledger,
        p.id,
        'local',
        'acknowledged',
        { to: spec.name, note: ack.id, addresses },
        actor,
      );
    }
  };
}
