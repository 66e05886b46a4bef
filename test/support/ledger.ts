import { Ledger, type LedgerOptions } from '../../src/ledger/index.ts';
import { generateSignerKey, parseSignerKey, parseVerifierKey } from '../../src/ledger/note/index.ts';
import type { Store } from '../../src/store/index.ts';

export const TEST_ORIGIN = 'test.rampart.localhost/ledger';

export function testSigner(origin = TEST_ORIGIN) {
  const k = generateSignerKey(origin);
  return {
    signer: parseSignerKey(k.signerKey),
    verifier: parseVerifierKey(k.verifierKey),
    verifierKey: k.verifierKey,
  };
}

export function testLedger(store: Store, opts: Partial<LedgerOptions> = {}) {
  const keys = testSigner(opts.origin ?? TEST_ORIGIN);
  const ledger = new Ledger({
    store,
    origin: TEST_ORIGIN,
    signer: keys.signer,
    checkpointEveryEntries: 1_000_000,
    checkpointEverySeconds: 3600,
    ...opts,
  });
  return { ledger, ...keys };
}
