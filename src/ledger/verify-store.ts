/** Verifying a local store: stream its entries and checkpoints into verifyLog. */
import type { Store } from '../store/index.ts';
import type { NoteVerifier } from './note/index.ts';
import { type LeafRecord, type VerifyReport, verifyLog } from './verify-log.ts';

async function* storeLeaves(store: Store, pageSize = 5000): AsyncGenerator<LeafRecord> {
  let from = 0;
  for (;;) {
    const rows = await store.db
      .selectFrom('ledger_entries')
      .select(['idx', 'time', 'actor', 'action', 'subject', 'entry', 'hashes'])
      .where('idx', '>=', from)
      .orderBy('idx')
      .limit(pageSize)
      .execute();
    for (const r of rows)
      yield {
        index: Number(r.idx),
        text: r.entry,
        storedHashes: new Uint8Array(r.hashes),
        columns: { time: r.time, actor: r.actor, action: r.action, subject: r.subject },
      };
    if (rows.length < pageSize) return;
    from = Number(rows.at(-1)!.idx) + 1;
  }
}

export async function verifyStore(
  store: Store,
  opts: {
    origin: string;
    verifier: NoteVerifier;
    previous?: { size: number; root: Uint8Array };
    onProgress?: (done: number, total: number) => void;
  },
): Promise<VerifyReport> {
  const head = await store.db
    .selectFrom('ledger_head')
    .select('size')
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
  const size = Number(head.size);
  const cps = await store.db.selectFrom('ledger_checkpoints').select(['size', 'note', 'root']).execute();
  return verifyLog({
    origin: opts.origin,
    verifier: opts.verifier,
    size,
    leaves: storeLeaves(store),
    checkpoints: cps.map((c) => ({ size: Number(c.size), note: c.note, root: new Uint8Array(c.root) })),
    previous: opts.previous,
    onProgress: (d) => opts.onProgress?.(d, size),
  });
}
