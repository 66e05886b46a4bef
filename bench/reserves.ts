/**
 * `npm run bench -- reserves [--users 1000000,10000000] [--proofs 20000] [--workers W]`
 *
 * Builds the proof-of-liabilities tree (docs/proof-of-reserves.md) from generated snapshots of N
 * users × 4 assets written to a temp file: wall time and peak RSS (worker threads are in the same
 * process, so its RSS is the whole tree's). Beside it, in the same run:
 * - the SHA-256 floor: the same number of hash inputs of the same sizes (salt, commitment,
 *   leaf, node, padding) hashed by the same hasher (node:crypto one-shot `hash`) on as
 *   many threads, from preallocated buffers: `buildVsHashFloor` = floor time / build time (≤ 1);
 * - merkletreejs building a plain (non-sum) tree over the same 1M leaf hashes (at N ≤ 1M only);
 * - proofs served from the stored tree (per second, p50/p99) and verified with @noble/hashes.
 */

import { hash as opensslHash } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { MerkleTree } from 'merkletreejs';
import { buildTree, StoredTree, verifyProof } from '../src/reserves/index.ts';
import { percentile, type Report, type Result } from './report.ts';

const argOf = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

const ASSETS = ['BTC', 'ETH', 'USDT', 'USDC'];

/** Ids `u<i>`, balances shaped like an exchange's: many zeros, some large (wei). */
async function writeSnapshot(path: string, n: number): Promise<number> {
  const out = createWriteStream(path);
  out.write('user,BTC,ETH,USDT,USDC\n');
  let idBytes = 0;
  let s = '';
  for (let i = 0; i < n; i++) {
    const id = `u${i}`;
    idBytes += id.length;
    const x = (i * 2654435761) % 4294967296;
    s += `${id},${x % 7 === 0 ? 0 : x % 100000000},${x % 3 === 0 ? 0 : `${x}000000000`},${x % 1000000},${i % 5 === 0 ? x : 0}\n`;
    if (s.length > 1 << 20) {
      if (!out.write(s)) await new Promise<void>((r) => out.once('drain', () => r()));
      s = '';
    }
  }
  out.write(s);
  await new Promise<void>((r) => out.end(() => r()));
  return idBytes / n;
}

interface HashCounts {
  sizes: number[];
  counts: number[];
}

/** The SHA-256 work alone: `counts[i]` one-shot hashes of `sizes[i]` bytes, split over W threads. */
async function hashFloor(w: HashCounts, threads: number): Promise<number> {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { hash } = require('node:crypto');
    const { sizes, counts } = workerData;
    const bufs = sizes.map((s) => Buffer.alloc(s, 7));
    const t0 = performance.now();
    for (let k = 0; k < sizes.length; k++) { const b = bufs[k]; for (let i = 0; i < counts[k]; i++) hash('sha256', b, 'buffer'); }
    parentPort.postMessage(performance.now() - t0);`;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: threads }, (_, t) => {
      const counts = w.counts.map((c) => Math.floor(c / threads) + (t < c % threads ? 1 : 0));
      return new Promise<number>((resolve, reject) => {
        const worker = new Worker(code, { eval: true, workerData: { sizes: w.sizes, counts } });
        worker.once('message', resolve);
        worker.once('error', reject);
      }).finally(() => undefined);
    }),
  );
  return (performance.now() - t0) / 1000;
}

function peakSampler() {
  let peak = process.memoryUsage().rss;
  const t = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  return {
    stop() {
      clearInterval(t);
      return Math.max(peak, process.memoryUsage().rss);
    },
  };
}

function vmHwm(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

export async function run(log: (s: string) => void): Promise<Report> {
  const sizes = (argOf('--users') ?? '1000000,10000000').split(',').map(Number);
  const proofCount = Number(argOf('--proofs') ?? 20000);
  const threads = Number(argOf('--workers') ?? availableParallelism());
  const results: Result[] = [];
  const ratios: Record<string, number> = {};
  const load0 = loadavg()[0]!.toFixed(2);
  const tmp = mkdtempSync(join(tmpdir(), 'rampart-bench-reserves-'));
  try {
    for (const n of sizes) {
      const label = n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`;
      const file = join(tmp, `snap-${n}.csv`);
      log(`writing a snapshot of ${n} users × 4 assets…`);
      const idLen = await writeSnapshot(file, n);
      log(`  ${(statSync(file).size / 1e6).toFixed(0)} MB; building…`);
      const mem = peakSampler();
      const t0 = performance.now();
      const built = await buildTree({
        snapshot: file,
        assets: ASSETS,
        dir: tmp,
        buildId: `b${n}`,
        snapshotTime: new Date().toISOString(),
        workers: threads,
        onProgress: (p) => {
          if (p.users % (1 << 20) < 1 << 16) log(`  ${p.users} users`);
        },
      });
      const seconds = (performance.now() - t0) / 1000;
      const peak = Math.max(mem.stop(), sizes[0] === n ? vmHwm() : 0);
      const m = built.meta;
      results.push(
        {
          subject: `build ${label} users × 4 assets (ours, ${threads} threads)`,
          metric: 'wall time',
          value: seconds,
          unit: 's',
        },
        {
          subject: `build ${label} users × 4 assets (ours)`,
          metric: 'peak RSS',
          value: peak / 2 ** 20,
          unit: 'MiB',
        },
        {
          subject: `build ${label} users × 4 assets (ours)`,
          metric: 'throughput',
          value: n / seconds,
          unit: 'users/s',
        },
      );
      log(
        `  built in ${seconds.toFixed(1)} s, peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB, height ${m.height}`,
      );

      // Hash inputs of the build, by size (§3): salt, commitment, leaf, node, padding.
      // Node hashes: every pair present at each height below the root; padding: at most one per height.
      let nodes = 0;
      for (let l = 0; l < m.height; l++)
        nodes += statSync(join(built.dir, `level-${l}.bin`)).size / m.recordBytes / 2;
      const pads = m.height;
      const L = Math.round(idLen);
      const work: HashCounts = {
        sizes: [1 + 32 + L, 1 + 32 + L, 1 + 32 + 64, 1 + 2 * m.recordBytes, 33],
        counts: [n, n, n, nodes, pads],
      };
      const floor = await hashFloor(work, threads);
      results.push({
        subject: `SHA-256 alone, same ${(3 * n + nodes).toLocaleString('en-US')} inputs, ${threads} threads (floor)`,
        metric: 'wall time',
        value: floor,
        unit: 's',
      });
      ratios[`buildVsHashFloor_${label}`] = floor / seconds;
      log(`  hash floor ${floor.toFixed(1)} s`);

      if (n <= 1_000_000) {
        const leafFile = readFileSync(join(built.dir, 'level-0.bin'));
        const leaves: Buffer[] = [];
        for (let i = 0; i < n; i++) leaves.push(leafFile.subarray(i * m.recordBytes, i * m.recordBytes + 32));
        const sha = (d: Buffer) => opensslHash('sha256', d, 'buffer');
        const t1 = performance.now();
        const mt = new MerkleTree(leaves, sha);
        const mts = (performance.now() - t1) / 1000;
        void mt.getRoot();
        results.push({
          subject: `merkletreejs 0.6.0 plain tree over the same ${label} leaf hashes (1 thread, in memory)`,
          metric: 'wall time',
          value: mts,
          unit: 's',
        });
        ratios[`merkletreejsVsOurs_${label}`] = mts / seconds;
      }

      const tree = StoredTree.open(built.dir);
      const lat: number[] = [];
      const proofs = [];
      const t2 = performance.now();
      for (let i = 0; i < proofCount; i++) {
        const u = `u${Math.floor(Math.random() * n)}`;
        const a = performance.now();
        const p = tree.proof(u);
        lat.push(performance.now() - a);
        if (!p) throw new Error(`no proof for ${u}`);
        if (i < 5000) proofs.push(p);
      }
      const ps = proofCount / ((performance.now() - t2) / 1000);
      tree.close();
      lat.sort((a, b) => a - b);
      const t3 = performance.now();
      for (const p of proofs) if (!verifyProof(p, m.root.hash).ok) throw new Error('a proof did not verify');
      const vs = proofs.length / ((performance.now() - t3) / 1000);
      results.push(
        {
          subject: `proof from the stored tree (${label}, height ${m.height})`,
          metric: 'throughput',
          value: ps,
          unit: 'proofs/s',
        },
        {
          subject: `proof from the stored tree (${label})`,
          metric: 'p50',
          value: percentile(lat, 50),
          unit: 'ms',
        },
        {
          subject: `proof from the stored tree (${label})`,
          metric: 'p99',
          value: percentile(lat, 99),
          unit: 'ms',
        },
        {
          subject: `verify (@noble/hashes, ${label}, height ${m.height})`,
          metric: 'throughput',
          value: vs,
          unit: 'proofs/s',
        },
      );
      rmSync(built.dir, { recursive: true, force: true });
      rmSync(file, { force: true });
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return {
    benchmark: 'reserves',
    conditions: {
      date: new Date().toISOString().slice(0, 10),
      machine: `${availableParallelism()} cores, Node ${process.version}`,
      'load average (1 min) at start / end': `${load0} / ${loadavg()[0]!.toFixed(2)}`,
      hasher:
        'node:crypto hash("sha256") (OpenSSL) in the build and the floor; @noble/hashes in the verifier',
      storage: 'level files written with plain write(2), no fsync (the published root is in the ledger)',
    },
    results,
    ratios,
  };
}
