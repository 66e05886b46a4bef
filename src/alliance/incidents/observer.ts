/**
 * The declaring member's side of the timeline, read off its own TAXII server: a member that pulls
 * an incident's report has `received` it; a note or sighting it posts that refers to the report is
 * its acknowledgement. The member is the authenticated caller, never what the object claims.
 */
import type { Ledger } from '../../ledger/index.ts';
import type { Caller } from '../taxii/caller.ts';
import type { TaxiiObserver } from '../taxii/routes.ts';
import { recordEvent } from './incidents.ts';

export function incidentObserver(ledger: Ledger): TaxiiObserver {
  const db = ledger.store.db;
  const localIncidents = async (ids: string[]) => {
    if (ids.length === 0) return new Set<string>();
    const rows = await db
      .selectFrom('alliance_incidents')
      .select('id')
      .where('origin', '=', 'local')
      .where('id', 'in', ids)
      .execute();
    return new Set(rows.map((r) => r.id));
  };
  return {
    async served(caller: Caller, _collectionId, objects) {
      if (caller.kind !== 'member') return;
      const reports = objects.filter((o) => o['type'] === 'report').map((o) => o['id'] as string);
      for (const id of await localIncidents(reports))
        await recordEvent(ledger, id, caller.memberId, 'received', {}, caller.actor);
    },
    async added(caller: Caller, _collectionId, objects) {
      if (caller.kind !== 'member') return;
      for (const o of objects) {
        const refs =
          o['type'] === 'note' && Array.isArray(o['object_refs'])
            ? (o['object_refs'] as string[])
            : o['type'] === 'sighting' && typeof o['sighting_of_ref'] === 'string'
              ? [o['sighting_of_ref']]
              : [];
        for (const id of await localIncidents(refs))
          await recordEvent(ledger, id, caller.memberId, 'acknowledged', { via: o['id'] }, caller.actor);
      }
    },
  };
}
