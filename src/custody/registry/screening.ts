/**
 * The screening (deny) set the custody guard checks every address against (SCREENED_ADDRESS).
 *
 * Custody sits above the alliance module and must not import it (DESIGN: imports point one way),
 * so the set is injected: the composition (server/app.ts, cli/context.ts) registers the alliance
 * screening set for a ledger with `provideScreening`. Until one is registered, analysis refuses to
 * run (SCREENING_UNAVAILABLE): fail closed rather than judge a transaction against no list.
 */
import { getAddress, isAddress } from 'viem';
import { InvalidInputError } from '../../core/index.ts';
import type { Ledger } from '../../ledger/index.ts';
import { screeningFor } from './screening-provider.ts';

export { provideScreening, type ScreeningService, screeningFor } from './screening-provider.ts';

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

/** List addresses in the injected screening set (one audited change). */
export async function importScreeningList(
  ledger: Ledger,
  addresses: string[],
  opts: { source: string; reason: string; actor: string },
): Promise<ScreeningImport> {
  const r = await screeningFor(ledger).list(addresses, opts);
  return { source: opts.source, reason: opts.reason, ...r };
}

/** Every screened EVM address (checksummed). */
export async function screenedAddresses(ledger: Ledger): Promise<`0x${string}`[]> {
  return (await screeningFor(ledger).addresses())
    .filter((a) => isAddress(a, { strict: false }))
    .map((a) => getAddress(a));
}
