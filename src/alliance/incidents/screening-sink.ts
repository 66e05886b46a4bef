/**
 * Where received attacker addresses go: the alliance screening set (the one the custody guard's
 * SCREENED_ADDRESS check reads), one audited listing per poll and source, each address with the
 * indicator it came from, its TLP marking and confidence. Addresses that do not validate (a
 * truncated or mistyped one) are skipped and reported, never listed half-right.
 */
import type { Ledger } from '../../ledger/index.ts';
import { checkAddress, currentScreeningSet, type NewListing, screeningSetFor } from '../screening/index.ts';
import type { TlpLevel } from '../stix/index.ts';

export interface SinkEntry {
  address: string;
  reason: string;
  tlp?: TlpLevel;
  objectId?: string;
  confidence?: number;
}

export interface ScreeningSink {
  list(
    entries: readonly SinkEntry[],
    o: { source: string; actor: string },
  ): Promise<{ listed: number; skipped: string[] }>;
  isListed(address: string): Promise<boolean>;
}

export function allianceScreeningSink(ledger: Ledger): ScreeningSink {
  return {
    async list(entries, o) {
      const valid: NewListing[] = [];
      const skipped: string[] = [];
      for (const e of entries) {
        const c = checkAddress(e.address);
        if (!c.ok) {
          skipped.push(e.address);
          continue;
        }
        valid.push({
          address: c.address,
          reason: e.reason,
          ...(e.tlp ? { tlp: e.tlp } : {}),
          ...(e.objectId ? { objectId: e.objectId } : {}),
          ...(e.confidence !== undefined ? { confidence: e.confidence } : {}),
        });
      }
      if (valid.length > 0)
        await (await screeningSetFor(ledger)).list(valid, {
          source: o.source,
          actor: o.actor,
          action: 'alliance.screening.received',
          details: { skipped: skipped.length },
        });
      return { listed: valid.length, skipped };
    },
    async isListed(address) {
      return (await currentScreeningSet(ledger)).isListed(address);
    },
  };
}
