/** Opening what a command works on: the local store (config, --data-dir, --database-url). */
import { join } from 'node:path';
import { custodyScreening } from '../alliance/screening/index.ts';
import { type Config, loadConfig } from '../core/node.ts';
import { provideScreening } from '../custody/registry/index.ts';
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
  provideScreening(ledger, custodyScreening(ledger));
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
