export { type Appended, appendEntries } from './append.ts';
export { CheckpointPublisher, type StoredCheckpoint } from './checkpoint-publisher.ts';
export {
  decodeEntry,
  type Entry,
  type EntryInput,
  encodeEntry,
  MAX_ENTRY_BYTES,
  makeEntry,
} from './entry.ts';
export { loadLogSigner, loadWitnessSigner } from './key-file.ts';
export { type LatestQuery, latestEntries } from './latest.ts';
export { type AuditedTx, Ledger, type LedgerOptions, type StoredEntry } from './ledger.ts';
export * as merkle from './merkle/index.ts';
export * as note from './note/index.ts';
export { ledgerRoutes } from './routes.ts';
export { type LeafRecord, type Problem, type VerifyReport, verifyLog } from './verify-log.ts';
export { verifyStore } from './verify-store.ts';
export { requestCosignature, type WitnessEndpoint } from './witness-client.ts';
export { WitnessService, witnessRoutes } from './witness-service.ts';
