/**
 * Where the custody guard finds its screening set (see screening.ts): registered per ledger by the
 * composition, refused (SCREENING_UNAVAILABLE) until one is. Kept apart from screening.ts so that
 * registering a set loads nothing else (the CLI registers one in every command and loads the real
 * set only when a command analyses a transaction).
 */
import { RampartError } from '../../core/index.ts';
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
