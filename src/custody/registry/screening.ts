/**
 * The screening (deny) set the custody guard checks every address against (SCREENED_ADDRESS).
 *
 * Custody sits above the alliance module and must not import it (DESIGN: imports point one way),
 * so the set is injected: the composition (server/app.ts, cli/context.ts) registers the alliance
 * screening set for a ledger with `provideScreening`. Until one is registered, analysis refuses to
 * run (SCREENING_UNAVAILABLE): fail closed rather than judge a transaction against no list.
 */
import { getAddress, isAddress } from 'viem';
import { InvalidInputError, RampartError } from '../../core/index.ts';
import type { Ledger } from '../../ledger/index.ts';

export interface ScreeningService {
  /** Bring the set up to date (another process may have changed it). */
  prepare(): Promise<void>;
  /** Whether an address (any case) is listed; valid only after `prepare`. */
  isListed(address: string): boolean;
  /** List addresses under a source, audited by the implementation. */
  list(
    addresses: readonly string[],
    o: { source: string; reason: string; actor: string },
  ): Promise<{ added: number; alreadyListed: number }>;
  /** Every listed address in canonical form. */
  addresses(): Promise<string[]>;
}

const services = new WeakMap<Ledger, ScreeningService>();

export function provideScreening(ledger: Ledger, service: ScreeningService): void {
  services.set(ledger, service);
}

export function screeningFor(ledger: Ledger): ScreeningService {
  const s = services.get(ledger);
  if (!s)
    throw new RampartError(
      'SCREENING_UNAVAILABLE',
      'no screening set is wired to this ledger; refusing to analyse without one',
      { status: 503 },
    );
  return s;
}

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
