/**
 * One screening set per ledger (per store) in this process, opened on first use and kept: the
 * API, the CLI, the TAXII client and the custody guard all read the same table. `custodyScreening`
 * adapts it to the custody guard's injected ScreeningService (custody cannot import alliance).
 */
import type { ScreeningService } from '../../custody/registry/index.ts';
import type { Ledger } from '../../ledger/index.ts';
import { checkAddress, type ScreenAddress } from './address.ts';
import { ScreeningSet } from './set.ts';

const sets = new WeakMap<Ledger, Promise<ScreeningSet>>();

export function screeningSetFor(ledger: Ledger): Promise<ScreeningSet> {
  let p = sets.get(ledger);
  if (!p) {
    p = ScreeningSet.open(ledger);
    sets.set(ledger, p);
    p.catch(() => sets.delete(ledger));
  }
  return p;
}

/** The set, refreshed with every change committed by any process. */
export async function currentScreeningSet(ledger: Ledger): Promise<ScreeningSet> {
  const set = await screeningSetFor(ledger);
  await set.refresh();
  return set;
}

export function custodyScreening(ledger: Ledger): ScreeningService {
  let set: ScreeningSet | undefined;
  return {
    async prepare() {
      set = await currentScreeningSet(ledger);
    },
    isListed(address) {
      if (!set) throw new Error('custodyScreening: prepare() first');
      return set.isListed(address);
    },
    async list(addresses, o) {
      const s = await screeningSetFor(ledger);
      const valid: ScreenAddress[] = [];
      for (const a of addresses) {
        const c = checkAddress(a);
        if (c.ok) valid.push(c.address);
      }
      const r = await s.list(
        valid.map((address) => ({ address, reason: o.reason })),
        {
          source: o.source,
          actor: o.actor,
          action: 'alliance.screening.imported',
          details: { via: 'custody' },
        },
      );
      return { added: r.added, alreadyListed: r.alreadyListed };
    },
    async addresses() {
      return (await screeningSetFor(ledger)).addresses();
    },
  };
}
