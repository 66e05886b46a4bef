/**
 * The screening (deny) list the custody guard checks every address against (SCREENED_ADDRESS).
 * Imports are audited. The alliance module will feed this same table from shared indicators.
 */
import { getAddress, isAddress } from 'viem';
import { bytesToHex, InvalidInputError, sha256, utf8 } from '../../core/index.ts';
import type { Ledger } from '../../ledger/index.ts';

export interface ScreeningImport {
  source: string;
  reason: string;
  added: number;
  alreadyListed: number;
}

/**
 * A plain list: one EVM address per line; blank lines and `#` comments ignored. Any other line is
 * an error naming its line number, and nothing is imported.
 */
export function parseAddressList(text: string): string[] {
  const out: string[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    if (!isAddress(line, { strict: false }))
      throw new InvalidInputError(
        'SCREENING_LIST_INVALID',
        `line ${i + 1} is not an EVM address: "${line.slice(0, 60)}"`,
        {
          line: i + 1,
        },
      );
    out.push(getAddress(line));
  });
  if (out.length === 0) throw new InvalidInputError('SCREENING_LIST_INVALID', 'the list holds no address');
  return out;
}

export async function importScreeningList(
  ledger: Ledger,
  addresses: string[],
  opts: { source: string; reason: string; actor: string },
): Promise<ScreeningImport> {
  if (!/^[\w.:-]{1,100}$/.test(opts.source))
    throw new InvalidInputError(
      'SCREENING_SOURCE_INVALID',
      'source must be 1–100 letters, digits, ".", ":", "-" or "_"',
    );
  const now = ledger.clock.now().toISOString();
  const unique = [...new Set(addresses.map((a) => a.toLowerCase()))];
  let added = 0;
  await ledger.transact(async (tx) => {
    const existing = new Set<string>();
    for (let i = 0; i < unique.length; i += 500) {
      const rows = await tx.db
        .selectFrom('screening_entries')
        .select('address')
        .where('source', '=', opts.source)
        .where('address', 'in', unique.slice(i, i + 500))
        .execute();
      for (const r of rows) existing.add(r.address);
    }
    const fresh = unique.filter((a) => !existing.has(a));
    for (let i = 0; i < fresh.length; i += 200)
      await tx.db
        .insertInto('screening_entries')
        .values(
          fresh
            .slice(i, i + 200)
            .map((address) => ({ address, source: opts.source, reason: opts.reason, added_at: now })),
        )
        .execute();
    added = fresh.length;
    tx.audit({
      actor: opts.actor,
      action: 'custody.screening.imported',
      subject: opts.source,
      payload: {
        reason: opts.reason,
        added,
        alreadyListed: unique.length - added,
        // Small lists verbatim; large ones by digest (an entry is at most 64 KiB).
        ...(fresh.length <= 500
          ? { addresses: fresh }
          : { addressesSha256: bytesToHex(sha256(utf8(fresh.sort().join('\n')))) }),
      },
    });
  });
  return { source: opts.source, reason: opts.reason, added, alreadyListed: unique.length - added };
}

/** Every screened address (checksummed). */
export async function screenedAddresses(ledger: Ledger): Promise<`0x${string}`[]> {
  const rows = await ledger.store.db.selectFrom('screening_entries').select('address').distinct().execute();
  return rows.map((r) => getAddress(r.address));
}
