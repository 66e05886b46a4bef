/**
 * `npm run bench -- ledger`
 *
 * 1. Audited appends (a domain row and its audit entry in one transaction, checkpoints signed at the
 *    default cadence: every 256 entries or 5 s) against raw inserts of the same bytes (the same
 *    domain row plus a row with the same entry text) into the same store, one transaction each.
 *    On SQLite with synchronous=FULL (our default) and NORMAL, and on PostgreSQL
 *    (synchronous_commit=on, fsync=on) when Debian's postgresql is installed.
 * 2. Inclusion and consistency proofs from the store at 1,000,000 entries (p50, p99) beside the same
 *    proofs from an in-memory tree, and a full `ledger verify` beside a plain read-and-hash of
 *    every entry.
 * Options: --entries N (default 1000000), --seconds S per throughput run (default 3).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { concatBytes, sha256, utf8 } from '../src/core/index.ts';
import { encodeEntry, Ledger, makeEntry, verifyStore } from '../src/ledger/index.ts';
import { leafHash, MemoryTree, TreeBuilder } from '../src/ledger/merkle/index.ts';
import { generateSignerKey, parseSignerKey, parseVerifierKey } from '../src/ledger/note/index.ts';
import { openStore, type SqliteSynchronous, type Store } from '../src/store/index.ts';
import { percentile, type Report, type Result } from './report.ts';

const ORIGIN = 'bench.rampart.localhost/ledger';
const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};

const benchMigration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('bench_domain')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('body', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('bench_raw')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('body', 'text', (c) => c.notNull())
      .execute();
  },
};

type AnyDb = Kysely<Record<string, Record<string, unknown>>>;

async function throughput(store: Store, seconds: number): Promise<{ raw: number; audited: number }> {
  const keys = generateSignerKey(ORIGIN);
  const ledger = new Ledger({ store, origin: ORIGIN, signer: parseSignerKey(keys.signerKey) });
  ledger.start();
  const db = store.db as unknown as AnyDb;
  const body = 'x'.repeat(200);
  const entryText = encodeEntry(
    makeEntry({ actor: 'user:alice', action: 'bench.change', subject: 'row', payload: { body } }, new Date()),
  ).text;
  let id = 0;
  const timed = async (fn: () => Promise<void>) => {
    const end = performance.now() + seconds * 1000;
    let n = 0;
    const t0 = performance.now();
    while (performance.now() < end) {
      await fn();
      n++;
    }
    return n / ((performance.now() - t0) / 1000);
  };
  // Warm up both paths.
  for (let i = 0; i < 50; i++) {
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('bench_raw').values({ id: ++id, body: entryText }).execute();
    });
  }
  const raw = await timed(async () => {
    await db.transaction().execute(async (trx) => {
      const k = ++id;
      await trx.insertInto('bench_domain').values({ id: k, body }).execute();
      await trx.insertInto('bench_raw').values({ id: k, body: entryText }).execute();
    });
  });
  const audited = await timed(async () => {
    const k = ++id;
    await ledger.record(
      { actor: 'user:alice', action: 'bench.change', subject: 'row', payload: { body } },
      async (trx) => {
        await (trx as unknown as AnyDb).insertInto('bench_domain').values({ id: k, body }).execute();
      },
    );
  });
  await ledger.stop();
  return { raw, audited };
}

async function bulkLoad(dir: string, n: number, log: (s: string) => void): Promise<MemoryTree> {
  // Fixture only: the same rows Ledger.transact writes (same encoding, same stored-hash layout),
  // loaded in big transactions so a million entries take seconds.
  const store = await openStore({ dataDir: dir });
  await store.close();
  const db = new BetterSqlite3(join(dir, 'rampart.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const ins = db.prepare(
    'INSERT INTO ledger_entries (idx, time, actor, action, subject, entry, hashes) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const builder = new TreeBuilder();
  const mem = new MemoryTree();
  const t0 = Date.now();
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const e = makeEntry(
        { actor: 'user:alice', action: 'bench.entry', subject: `s${i}`, payload: { i, note: 'bench' } },
        new Date(t0 + i),
      );
      const { text, bytes } = encodeEntry(e);
      const leaf = leafHash(bytes);
      const hashes = builder.push(leaf);
      mem.appendLeafHash(leaf);
      ins.run(i, e.time, e.actor, e.action, e.subject, text, Buffer.from(concatBytes(...hashes)));
    }
  });
  for (let i = 0; i < n; i += 10_000) {
    batch(i, Math.min(n, i + 10_000));
    if (i % 200_000 === 0) log(`  loaded ${i.toLocaleString()} / ${n.toLocaleString()}`);
  }
  db.prepare('UPDATE ledger_head SET size = ? WHERE id = 1').run(n);
  db.close();
  return mem;
}

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export async function run(log: (s: string) => void): Promise<Report> {
  const seconds = arg('--seconds', 3);
  const entries = arg('--entries', 1_000_000);
  const results: Result[] = [];
  const ratios: Record<string, number> = {};
  const conditions: Record<string, string | number> = {
    date: new Date().toISOString().slice(0, 10),
    machine: '2 cores, Node ' + process.version,
    'throughput run': `${seconds} s each, one transaction per change, 200-byte payload`,
    'proof tree size': entries,
  };

  for (const sync of ['FULL', 'NORMAL'] as SqliteSynchronous[]) {
    const dir = mkdtempSync(join(tmpdir(), 'rampart-bench-'));
    const store = await openStore({
      dataDir: dir,
      sqliteSynchronous: sync,
      extraMigrations: { '9000-bench': benchMigration },
    });
    log(`SQLite synchronous=${sync}: raw vs audited, ${seconds} s each…`);
    const r = await throughput(store, seconds);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    const s = `SQLite WAL synchronous=${sync}`;
    results.push({
      subject: `${s}: raw insert (reference)`,
      metric: 'throughput',
      value: r.raw,
      unit: 'tx/s',
    });
    results.push({
      subject: `${s}: audited append (ours)`,
      metric: 'throughput',
      value: r.audited,
      unit: 'tx/s',
    });
    ratios[sync === 'FULL' ? 'auditedVsRawInsert' : 'auditedVsRawInsertSqliteNormal'] = r.audited / r.raw;
  }

  try {
    const { startPostgres } = await import('../scripts/postgres.mjs');
    const pg = await startPostgres();
    try {
      const store = await openStore({
        databaseUrl: pg.url,
        extraMigrations: { '9000-bench': benchMigration },
      });
      log(`PostgreSQL: raw vs audited, ${seconds} s each…`);
      const r = await throughput(store, seconds);
      await store.close();
      const s = 'PostgreSQL 15 synchronous_commit=on';
      results.push({
        subject: `${s}: raw insert (reference)`,
        metric: 'throughput',
        value: r.raw,
        unit: 'tx/s',
      });
      results.push({
        subject: `${s}: audited append (ours)`,
        metric: 'throughput',
        value: r.audited,
        unit: 'tx/s',
      });
      ratios['auditedVsRawInsertPostgres'] = r.audited / r.raw;
    } finally {
      await pg.stop();
    }
  } catch (e) {
    log(`PostgreSQL skipped: ${(e as Error).message}`);
  }

  const dir = mkdtempSync(join(tmpdir(), 'rampart-bench-'));
  try {
    log(`loading ${entries.toLocaleString()} entries…`);
    const mem = await bulkLoad(dir, entries, log);
    const store = await openStore({ dataDir: dir });
    const keys = generateSignerKey(ORIGIN);
    const ledger = new Ledger({ store, origin: ORIGIN, signer: parseSignerKey(keys.signerKey) });
    await ledger.checkpointNow();
    const rand = rng(42);
    const samples = 2000;
    const timeIt = async (fn: () => Promise<unknown> | unknown) => {
      const t: number[] = [];
      for (let i = 0; i < samples; i++) {
        const t0 = performance.now();
        await fn();
        t.push(performance.now() - t0);
      }
      return t.sort((a, b) => a - b);
    };
    const pick = () => Math.floor(rand() * entries);
    for (let i = 0; i < 200; i++) await ledger.inclusionProof(pick(), entries); // warm
    const incl = await timeIt(() => ledger.inclusionProof(pick(), entries));
    const inclMem = await timeIt(() => mem.inclusionProof(pick(), entries));
    const cons = await timeIt(() => ledger.consistencyProof(1 + pick(), entries));
    const consMem = await timeIt(() => mem.consistencyProof(1 + Math.floor(rand() * (entries - 1)), entries));
    for (const [name, ours, ref] of [
      ['inclusion proof', incl, inclMem],
      ['consistency proof', cons, consMem],
    ] as const) {
      results.push({
        subject: `${name} from SQLite store (ours)`,
        metric: 'p50',
        value: percentile(ours, 50),
        unit: 'ms',
      });
      results.push({
        subject: `${name} from SQLite store (ours)`,
        metric: 'p99',
        value: percentile(ours, 99),
        unit: 'ms',
      });
      results.push({
        subject: `${name} in memory (reference)`,
        metric: 'p50',
        value: percentile(ref, 50),
        unit: 'ms',
      });
    }
    ratios['inclusionP50StoreVsMemory'] = percentile(incl, 50) / percentile(inclMem, 50);

    log('full verify…');
    let t0 = performance.now();
    const report = await verifyStore(store, { origin: ORIGIN, verifier: parseVerifierKey(keys.verifierKey) });
    const verifyS = (performance.now() - t0) / 1000;
    if (!report.ok) throw new Error(`verify failed: ${JSON.stringify(report.problem)}`);
    t0 = performance.now();
    // Reference: read every entry and SHA-256 it once, nothing else.
    const raw = new BetterSqlite3(join(dir, 'rampart.sqlite'), { readonly: true });
    let x = 0;
    for (const row of raw.prepare('SELECT entry FROM ledger_entries ORDER BY idx').iterate() as Iterable<{
      entry: string;
    }>)
      x ^= sha256(utf8(row.entry))[0]!;
    raw.close();
    const refS = (performance.now() - t0) / 1000;
    const perM = 1_000_000 / entries;
    results.push({
      subject: '`ledger verify` full recomputation (ours)',
      metric: 'time per million',
      value: verifyS * perM,
      unit: 's',
    });
    results.push({
      subject: 'read + SHA-256 every entry (reference)',
      metric: 'time per million',
      value: refS * perM,
      unit: 's',
    });
    ratios['verifyVsReadAndHash'] = verifyS / refS;
    if (x < 0) log('');
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { benchmark: 'ledger', conditions, results, ratios };
}
