/** Opening what a command works on: the local store (config, --data-dir, --database-url). */
import { join } from 'node:path';
import { RampartError } from '../core/index.ts';
import { type Config, loadConfig } from '../core/node.ts';
// The provider alone, not the registry's index: that one loads the EVM and viem, a second or two of
// start-up that most commands do not need.
import { provideScreening, type ScreeningService } from '../custody/registry/screening-provider.ts';
import { Ledger, loadLogSigner } from '../ledger/index.ts';
import { openStore, type Store } from '../store/index.ts';

export interface GlobalOptions {
  config?: string;
  dataDir?: string;
  databaseUrl?: string;
  json?: boolean;
}

export function configFrom(g: GlobalOptions, overrides: Record<string, unknown> = {}): Config {
  return loadConfig({
    file: g.config,
    overrides: { dataDir: g.dataDir, 'database.url': g.databaseUrl, ...overrides },
  });
}

export interface LocalContext {
  config: Config;
  store: Store;
  ledger: Ledger;
  close(): Promise<void>;
}

export async function openLocal(g: GlobalOptions): Promise<LocalContext> {
  const config = configFrom(g);
  const store = await openStore({ databaseUrl: config.database.url, dataDir: config.dataDir });
  const ledger = new Ledger({
    store,
    origin: config.ledger.origin,
    signer: loadLogSigner(join(config.dataDir, 'ledger.key'), config.ledger.origin),
    checkpointEveryEntries: config.ledger.checkpointEveryEntries,
    checkpointEverySeconds: config.ledger.checkpointEverySeconds,
    witnesses: config.ledger.witnesses,
    witnessQuorum: config.ledger.witnessQuorum,
  });
  // The custody guard screens against the alliance set (opened on first use).
  provideScreening(ledger, allianceScreeningOnDemand(ledger));
  return {
    config,
    store,
    ledger,
    async close() {
      await ledger.stop();
      await store.close();
    },
  };
}

/**
 * The alliance screening set (alliance/screening `custodyScreening`), loaded by the first call that
 * needs it: a command that never analyses a transaction or lists an address does not load the
 * alliance module. `isListed` is valid only after `prepare` (the interface's rule), which loads it.
 */
function allianceScreeningOnDemand(ledger: Ledger): ScreeningService {
  let loaded: ScreeningService | undefined;
  let loading: Promise<ScreeningService> | undefined;
  const service = () =>
    (loading ??= import('../alliance/screening/index.ts').then((m) => {
      loaded = m.custodyScreening(ledger);
      return loaded;
    }));
  return {
    async prepare() {
      await (await service()).prepare();
    },
    isListed(address) {
      if (!loaded)
        throw new RampartError('SCREENING_UNAVAILABLE', 'the screening set is read by prepare() first', {
          status: 503,
        });
      return loaded.isListed(address);
    },
    async list(addresses, o) {
      return (await service()).list(addresses, o);
    },
    async addresses() {
      return (await service()).addresses();
    },
  };
}
