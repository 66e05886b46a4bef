/**
 * `npm run bench -- alliance [--addresses 10000000] [--lookups 2000000]`
 *
 * The screening set (src/alliance/screening/table.ts: keys in an open-addressing table over typed
 * arrays, confirmed against the stored key bytes) beside a plain JavaScript `Set` of the same
 * addresses as normalised (lower-case 0x…) strings, in one run on the same data:
 *   - build time for N addresses (ours from key bytes; the Set from already-made strings);
 *   - memory of each (ours: its typed arrays; the Set: heap growth after a full GC, strings
 *     included, since the strings are what the Set holds);
 *   - lookups per second on one core (JS is single-threaded), half listed and half not, both
 *     starting from the lower-case string a caller holds (ours decodes hex into the key, then
 *     probes; the Set hashes the string). `ratios.lookupVsSet` = ours / Set.
 * Also: full `screen()` (validation incl. the EIP-55 checksum, the listings as JSON) per second,
 * and the STIX validator's one-time compile (start-up cost).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { AddressTable, isListedIn, screenOne } from '../src/alliance/screening/index.ts';
import { StixValidator } from '../src/alliance/stix/index.ts';
import { taxiiServing } from './alliance-taxii.ts';
import type { Report, Result } from './report.ts';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

/** Deterministic pseudo-random bytes (xorshift32): 10 M addresses without crypto's cost. */
function randomBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  const u32 = new Uint32Array(out.buffer, 0, n >>> 2);
  let x = seed | 0 || 1;
  for (let i = 0; i < u32.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    u32[i] = x;
  }
  return out;
}

/** A flat (not concatenated) lower-case 0x string, as a caller would hold it. */
function hexAt(bytes: Uint8Array, i: number): string {
  return `0x${Buffer.from(bytes.buffer, bytes.byteOffset + i * 20, 20).toString('hex')}`;
}

export async function run(log: (s: string) => void): Promise<Report> {
  const n = arg('--addresses', 10_000_000);
  const lookups = arg('--lookups', 2_000_000);
  const results: Result[] = [];
  const listed = randomBytes(n * 20, 0x9e3779b9);
  const absent = randomBytes((lookups / 2) * 20, 0x7f4a7c15);
  const meta = {
    source: 'bench',
    reason: 'benchmark list',
    listedBy: 'bench',
    confidence: 90,
    tlp: 'amber',
    objectId: null,
  };

  // Probes: half listed (spread over the whole list), half not; as strings made before the clock
  // starts, new ones for every round (a string caches its hash once hashed; a caller's address
  // string is fresh, so neither side may profit from an earlier round).
  const makeProbes = (): string[] => {
    const out: string[] = [];
    for (let i = 0; i < lookups / 2; i++) {
      out.push(hexAt(listed, Math.floor((i * n) / (lookups / 2))));
      out.push(hexAt(absent, i));
    }
    return out;
  };
  let probes = makeProbes();

  // --- ours
  log(`building the screening table with ${n.toLocaleString()} addresses…`);
  let t0 = performance.now();
  const table = new AddressTable({ expected: n });
  const key = new Uint8Array(21);
  key[0] = 1;
  for (let i = 0; i < n; i++) {
    key.set(listed.subarray(i * 20, i * 20 + 20), 1);
    table.add(key, meta, 1_740_000_000_000);
  }
  const buildOurs = performance.now() - t0;
  const memOurs = table.memoryBytes();
  log(`  ${(buildOurs / 1000).toFixed(1)} s, ${(memOurs / 2 ** 20).toFixed(0)} MiB`);

  // Wall-clock rate, and the rate per CPU-second of this process (what one core does when the
  // machine is shared: other processes' load stretches wall time, not our CPU time).
  const lookupRate = (
    fn: (s: string) => boolean,
    rounds = 3,
  ): { rate: number; cpuRate: number; hits: number } => {
    let best = 0;
    let bestCpu = 0;
    let hits = 0;
    for (let r = 0; r < rounds; r++) {
      hits = 0;
      probes = makeProbes();
      const c = process.cpuUsage();
      const t = performance.now();
      for (let i = 0; i < probes.length; i++) if (fn(probes[i]!)) hits++;
      const wall = (performance.now() - t) / 1000;
      const cu = process.cpuUsage(c);
      best = Math.max(best, probes.length / wall);
      bestCpu = Math.max(bestCpu, probes.length / ((cu.user + cu.system) / 1e6));
    }
    return { rate: best, cpuRate: bestCpu, hits };
  };
  log('lookups (ours)…');
  const ours = lookupRate((s) => isListedIn(table, s));
  log('screen() with full validation…');
  const few = probes.slice(0, 200_000);
  t0 = performance.now();
  let screenedListed = 0;
  for (const p of few) if (screenOne(table, p).listed) screenedListed++;
  const screenRate = few.length / ((performance.now() - t0) / 1000);

  // --- the reference: a Set of lower-case strings
  log(`building a Set of ${n.toLocaleString()} strings…`);
  // Memory: heap growth from before the strings exist to after the Set holds them (a Set-based
  // list keeps its strings alive); the array that carried them is dropped first.
  const before = heap();
  let strings: string[] = new Array(n);
  for (let i = 0; i < n; i++) strings[i] = hexAt(listed, i);
  t0 = performance.now();
  const set = new Set<string>();
  for (let i = 0; i < n; i++) set.add(strings[i]!);
  const buildSet = performance.now() - t0;
  strings = [];
  const memSet = heap() - before;
  log(`  ${(buildSet / 1000).toFixed(1)} s, ${(memSet / 2 ** 20).toFixed(0)} MiB`);
  log('lookups (Set)…');
  const ref = lookupRate((s) => set.has(s));
  if (ref.hits !== ours.hits || ours.hits !== lookups / 2)
    throw new Error(`hit counts differ: ours ${ours.hits}, Set ${ref.hits}, expected ${lookups / 2}`);
  if (screenedListed !== few.length / 2) throw new Error('screen() disagrees with the table');

  // --- the STIX validator's start-up cost
  const v = new StixValidator();

  results.push(
    {
      subject: 'screening table (ours)',
      metric: `build, ${n.toLocaleString()} addresses`,
      value: buildOurs / 1000,
      unit: 's',
    },
    {
      subject: 'JS Set<string> (reference)',
      metric: `build, ${n.toLocaleString()} addresses`,
      value: buildSet / 1000,
      unit: 's',
    },
    { subject: 'screening table (ours)', metric: 'memory', value: memOurs / 2 ** 20, unit: 'MiB' },
    {
      subject: 'JS Set<string> (reference)',
      metric: 'memory (Set + its strings)',
      value: memSet / 2 ** 20,
      unit: 'MiB',
    },
    {
      subject: 'screening table (ours)',
      metric: 'lookups from a 0x string, 1 core',
      value: ours.rate,
      unit: 'lookups/s',
    },
    {
      subject: 'screening table (ours)',
      metric: 'lookups per CPU-second of this process',
      value: ours.cpuRate,
      unit: 'lookups/s',
    },
    {
      subject: 'JS Set<string> (reference)',
      metric: 'lookups (has), 1 core',
      value: ref.rate,
      unit: 'lookups/s',
    },
    {
      subject: 'JS Set<string> (reference)',
      metric: 'lookups per CPU-second of this process',
      value: ref.cpuRate,
      unit: 'lookups/s',
    },
    {
      subject: 'screen() (ours)',
      metric: 'validate (EIP-55) + lookup + listings',
      value: screenRate,
      unit: 'addresses/s',
    },
    {
      subject: 'STIX validator (ours)',
      metric: 'compile all OASIS schemas once',
      value: v.compileMs,
      unit: 'ms',
    },
  );
  // TAXII objects served per second, 10,000-object collection paged at 1,000 (bench/alliance-taxii.ts).
  const taxii = await taxiiServing(log);
  results.push(...taxii.results);
  return {
    benchmark: 'alliance',
    conditions: {
      date: new Date().toISOString().slice(0, 10),
      machine: `${(await import('node:os')).cpus().length} cores, Node ${process.version}`,
      addresses: n,
      lookups: probes.length,
      'lookup mix': 'half listed, half not; best of 3 rounds',
      'address kind': 'EVM (21-byte keys)',
      ...taxii.conditions,
    },
    results,
    ratios: {
      lookupVsSet: ours.rate / ref.rate,
      lookupVsSetPerCpuSecond: ours.cpuRate / ref.cpuRate,
      memoryVsSet: memOurs / memSet,
      buildVsSet: buildOurs / buildSet,
      ...taxii.ratios,
    },
  };
}
