/**
 * `npm run bench -- signing [--suite secp256k1-tr|ed25519|secp256k1] [--signatures N] [--dkg-runs N]
 *   [--http-signatures N] [--http-dkg-runs N] [--no-http]`
 *
 * Threshold signing beside single-key signing with @noble/curves for the same suite, in one run:
 * - a 3-of-5 signature ceremony over loopback HTTP through the signer nodes (see `httpCeremony`),
 *   p50 and p99, beside one single-key signature (`ceremonyVsSingleSign`);
 * - the same ceremony's FROST rounds in process (commit ×t, signShare ×t, verifyShare ×t,
 *   aggregate) (`inProcessCeremonyVsSingleSign`);
 * - one node's CPU time per signature beside t single-key signatures (`nodeCpuVsSingle`, target
 *   ≤ 3): measured on the node processes over HTTP (everything a node does: HTTP, RFC 9421, nonce
 *   sealing and fsync, FROST), and in process for the FROST part alone (commit + signShare,
 *   `nodeCpuInProcessVsSingle`) and with the node's re-verification of the request (authorizeSigning:
 *   digest recomputed, two Ed25519 approvals, quorum) (`nodeCpuInProcessWithChecksVsSingle`);
 * - DKG for 3-of-5 and 7-of-10, over HTTP through the nodes and in process (every participant's
 *   three rounds one after another).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ed25519 } from '@noble/curves/ed25519.js';
import { schnorr } from '@noble/curves/secp256k1.js';
import { utf8 } from '../src/core/index.ts';
import { Ledger } from '../src/ledger/index.ts';
import { generateSignerKey, parseSignerKey } from '../src/ledger/note/index.ts';
import {
  type CoordinatorContext,
  loadCoordinatorKey,
  runDkg,
  runSign,
} from '../src/signing/coordinator/index.ts';
import {
  applyEnrollmentChange,
  authorizeSigning,
  type EnrolledApprover,
  type FrostSuite,
  getSuite,
  MemoryReplayGuard,
  type NodePolicy,
} from '../src/signing/index.ts';
import { openStore } from '../src/store/index.ts';
import {
  approvedMessage,
  coordinatorKeyIn,
  type NodeProcess,
  startNodes,
  stopNodes,
  TEST_APPROVERS,
  TEST_NODE_POLICY,
} from '../test/support/signer-nodes.ts';
import { percentile, type Report, type Result } from './report.ts';

const num = (name: string, def: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const str = (name: string, def: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? String(process.argv[i + 1]) : def;
};

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p99: percentile(s, 99), mean: s.reduce((a, b) => a + b, 0) / s.length };
}

/** A single-key signature with @noble/curves for the suite: what one ordinary key would cost. */
function singleSigner(suite: FrostSuite): (msg: Uint8Array) => Uint8Array {
  if (suite.name === 'ed25519') {
    const sk = ed25519.utils.randomSecretKey();
    return (m) => ed25519.sign(m, sk);
  }
  if (suite.name === 'secp256k1-tr') {
    const sk = schnorr.utils.randomSecretKey();
    return (m) => schnorr.sign(m, sk);
  }
  // RFC 9591 secp256k1 single-key Schnorr (noble's FROST `sign`)
  const sk = suite.frost.utils.randomScalar();
  return (m) => suite.frost.sign(m, sk);
}

function dkgOnce(suite: FrostSuite, min: number, max: number): void {
  const { frost } = suite;
  const ids = Array.from({ length: max }, (_, i) => frost.Identifier.fromNumber(i + 1));
  const r1 = ids.map((id) => frost.DKG.round1(id, { min, max }));
  const r2 = r1.map((p, i) =>
    frost.DKG.round2(
      p.secret,
      r1.filter((_, j) => j !== i).map((q) => q.public),
    ),
  );
  for (const [i, p] of r1.entries())
    frost.DKG.round3(
      p.secret,
      r1.filter((_, j) => j !== i).map((q) => q.public),
      r2.filter((_, j) => j !== i).map((out) => out[ids[i]!]!),
    );
}

/**
 * The approvers and node policy test/support/signer-nodes.ts provisions on every node it starts
 * (the way `rampart signer approvers apply` / `signer policy set` do), and requests they approve.
 */
const POLICY = TEST_NODE_POLICY as NodePolicy;
let enrolled: EnrolledApprover[] = [];
for (const a of TEST_APPROVERS)
  enrolled = applyEnrollmentChange(enrolled, {
    op: 'add-key',
    principal: a.principal,
    roles: ['treasury'],
    key: { type: 'ed25519', publicKey: a.publicKey },
    actor: 'root',
  }).approvers;

/** A message signing request with two Ed25519 approvals, as a node receives it. */
function approvedRequest(i: number) {
  const message = utf8(`benchmark message ${i}`);
  return { message, request: approvedMessage(`req_bench_${i}_${Date.now().toString(36)}`, message) };
}

/** CPU time (user + system) a process has used so far, ms, from /proc (Linux; clock ticks of 10 ms). */
function processCpuMs(pid: number | undefined): number {
  if (!pid) return Number.NaN;
  // /proc/<pid>/stat: fields after the command name; utime and stime are the 14th and 15th fields.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(rest[11]) + Number(rest[12])) * 1000) / 100;
}

interface HttpFigures {
  ceremony: { p50: number; p99: number };
  /** mean CPU of one key-holding node per signature: all n nodes' CPU ÷ (signatures × n) */
  nodeCpu: number;
  /** all n nodes' CPU charged to the t signers: ÷ (signatures × t) (an upper bound) */
  signerCpu: number;
  dkg: Record<string, { p50: number; p99: number }>;
  reverifies: boolean;
  nodes: number;
}

/**
 * The ceremony over loopback HTTP: real `rampart signer start` processes (test/support/signer-nodes.ts;
 * passphrase key stores, each node's SQLite store synchronous=FULL), driven by the coordinator
 * (runDkg / runSign: RFC 9421 signed requests, node-signed responses, durable one-time nonces).
 */
async function httpCeremony(
  log: (s: string) => void,
  suiteName: string,
  signatures: number,
  dkgRuns: number,
): Promise<HttpFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-bench-signing-'));
  let nodes: NodeProcess[] = [];
  const store = await openStore({ dataDir: join(dir, 'coordinator') });
  try {
    const coordDir = join(dir, 'coordinator');
    nodes = await startNodes(10, { dir, coordinator: coordinatorKeyIn(coordDir) });
    log(`started ${nodes.length} signer node processes`);
    const keys = generateSignerKey('bench.rampart.localhost/ledger');
    const ledger = new Ledger({
      store,
      origin: 'bench.rampart.localhost/ledger',
      signer: parseSignerKey(keys.signerKey),
    });
    const ctx: CoordinatorContext = { ledger, key: loadCoordinatorKey(coordDir), actor: 'cli:bench' };
    const dkg: HttpFigures['dkg'] = {};
    let key3of5 = '';
    for (const [t, n] of [
      [3, 5],
      [7, 10],
    ] as const) {
      const lat: number[] = [];
      for (let i = 0; i < dkgRuns; i++) {
        const s = performance.now();
        const k = await runDkg(ctx, {
          suite: suiteName as 'secp256k1-tr',
          threshold: t,
          nodeUrls: nodes.slice(0, n).map((x) => x.url),
          keyId: `bench-${t}-${n}-${i}`,
        });
        lat.push(performance.now() - s);
        if (t === 3 && !key3of5) key3of5 = k.keyId;
      }
      dkg[`${t}-of-${n}`] = stats(lat);
      log(`DKG ${t}-of-${n} over HTTP: p50 ${stats(lat).p50.toFixed(0)} ms`);
    }
    // Do the nodes insist on an approved request? (the re-verification hook of `signer start`)
    let reverifies = false;
    try {
      await runSign(ctx, { keyId: key3of5, message: utf8('no request'), attempts: 1 });
    } catch {
      reverifies = true;
    }
    const five = nodes.slice(0, 5);
    for (let i = 0; i < 5; i++) {
      const w = approvedRequest(1_000_000 + i);
      await runSign(ctx, { keyId: key3of5, message: w.message, request: w.request });
    }
    const cpu0 = five.map((x) => processCpuMs(x.child?.pid));
    const lat: number[] = [];
    for (let i = 0; i < signatures; i++) {
      const r = approvedRequest(i);
      const s = performance.now();
      await runSign(ctx, { keyId: key3of5, message: r.message, request: r.request });
      lat.push(performance.now() - s);
    }
    const cpu1 = five.map((x) => processCpuMs(x.child?.pid));
    const totalCpu = cpu1.reduce((a, v, i) => a + (v - cpu0[i]!), 0);
    return {
      ceremony: stats(lat),
      nodeCpu: totalCpu / (signatures * five.length),
      signerCpu: totalCpu / (signatures * 3),
      dkg,
      reverifies,
      nodes: nodes.length,
    };
  } finally {
    await stopNodes(nodes);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(log: (s: string) => void): Promise<Report> {
  const loadAtStart = loadavg()
    .map((x) => x.toFixed(2))
    .join(', ');
  const suite = getSuite(str('--suite', 'secp256k1-tr'));
  const N = num('--signatures', 200);
  const dkgRuns = num('--dkg-runs', 5);
  const t = 3;
  const n = 5;
  const { frost } = suite;
  const results: Result[] = [];
  const ratios: Record<string, number> = {};

  // ---- reference: single-key signatures ----
  const single = singleSigner(suite);
  for (let i = 0; i < 20; i++) single(utf8(`warm ${i}`));
  const singleLat: number[] = [];
  const c0 = cpuMs();
  for (let i = 0; i < N; i++) {
    const m = utf8(`message ${i}`);
    const s = performance.now();
    single(m);
    singleLat.push(performance.now() - s);
  }
  const singleCpu = (cpuMs() - c0) / N;
  const sSingle = stats(singleLat);
  log(`single-key ${suite.name}: p50 ${sSingle.p50.toFixed(3)} ms`);

  // ---- FROST 3-of-5 in process ----
  const deal = frost.trustedDealer({ min: t, max: n });
  const secrets = Object.values(deal.secretShares).slice(0, t);
  const pub = deal.public;
  const ceremonyLat: number[] = [];
  let nodeCpu = 0;
  let checksCpu = 0;
  for (let i = 0; i < N + 10; i++) {
    const msg = utf8(`ceremony ${i}`);
    const start = performance.now();
    let ownCpu = 0;
    let t0 = cpuMs();
    const gens = secrets.map((s, j) => {
      if (j === 0) t0 = cpuMs();
      const g = frost.commit(s);
      if (j === 0) ownCpu += cpuMs() - t0;
      return g;
    });
    const commitments = gens.map((g) => g.commitments);
    const shares: Record<string, Uint8Array> = {};
    secrets.forEach((s, j) => {
      if (j === 0) t0 = cpuMs();
      shares[s.identifier] = frost.signShare(s, pub, gens[j]!.nonces, commitments, msg);
      if (j === 0) ownCpu += cpuMs() - t0;
    });
    for (const s of secrets) frost.verifyShare(pub, commitments, msg, s.identifier, shares[s.identifier]!);
    frost.aggregate(pub, commitments, msg, shares);
    const elapsed = performance.now() - start;
    if (i >= 10) {
      ceremonyLat.push(elapsed);
      nodeCpu += ownCpu;
    }
  }
  nodeCpu /= N;
  const sCeremony = stats(ceremonyLat);
  log(
    `in-process 3-of-5 ceremony: p50 ${sCeremony.p50.toFixed(2)} ms; one node ${nodeCpu.toFixed(3)} ms CPU`,
  );

  // ---- a node's re-verification of the request (authorizeSigning) ----
  const reqs = Array.from({ length: Math.min(N, 100) }, (_, i) => approvedRequest(i));
  const replay = new MemoryReplayGuard();
  const tc = cpuMs();
  for (const r of reqs)
    await authorizeSigning(r.request, { approvers: enrolled, policy: POLICY, replay, now: new Date() });
  checksCpu = (cpuMs() - tc) / reqs.length;
  log(`authorizeSigning (message, 2 approvals): ${checksCpu.toFixed(3)} ms CPU`);

  // ---- DKG ----
  const dkg: Record<string, { p50: number; p99: number }> = {};
  for (const [min, max] of [
    [3, 5],
    [7, 10],
  ] as const) {
    const lat: number[] = [];
    dkgOnce(suite, min, max); // warm-up
    for (let i = 0; i < dkgRuns; i++) {
      const s = performance.now();
      dkgOnce(suite, min, max);
      lat.push(performance.now() - s);
    }
    dkg[`${min}-of-${max}`] = stats(lat);
    log(`DKG ${min}-of-${max} in process: p50 ${stats(lat).p50.toFixed(1)} ms`);
  }

  results.push(
    {
      subject: `single-key ${suite.name} signature, @noble/curves (reference)`,
      metric: 'p50',
      value: sSingle.p50,
      unit: 'ms',
    },
    {
      subject: `single-key ${suite.name} signature, @noble/curves (reference)`,
      metric: 'p99',
      value: sSingle.p99,
      unit: 'ms',
    },
    { subject: 'FROST 3-of-5 ceremony in process (ours)', metric: 'p50', value: sCeremony.p50, unit: 'ms' },
    { subject: 'FROST 3-of-5 ceremony in process (ours)', metric: 'p99', value: sCeremony.p99, unit: 'ms' },
    {
      subject: 'one node per signature: commit + signShare (ours)',
      metric: 'CPU',
      value: nodeCpu,
      unit: 'ms',
    },
    {
      subject: 'one node: authorizeSigning of the request (ours)',
      metric: 'CPU',
      value: checksCpu,
      unit: 'ms',
    },
    { subject: `${t} single-key signatures (reference)`, metric: 'CPU', value: t * singleCpu, unit: 'ms' },
    {
      subject: 'DKG 3-of-5, all participants in one process',
      metric: 'p50',
      value: dkg['3-of-5']!.p50,
      unit: 'ms',
    },
    {
      subject: 'DKG 7-of-10, all participants in one process',
      metric: 'p50',
      value: dkg['7-of-10']!.p50,
      unit: 'ms',
    },
  );
  ratios['inProcessCeremonyVsSingleSign'] = sCeremony.p50 / sSingle.p50;
  ratios['nodeCpuInProcessVsSingle'] = nodeCpu / (t * singleCpu);
  ratios['nodeCpuInProcessWithChecksVsSingle'] = (nodeCpu + checksCpu) / (t * singleCpu);

  let http = 'skipped (--no-http)';
  if (!process.argv.includes('--no-http')) {
    const h = await httpCeremony(log, suite.name, num('--http-signatures', 100), num('--http-dkg-runs', 2));
    results.push(
      {
        subject: 'FROST 3-of-5 ceremony over loopback HTTP (ours)',
        metric: 'p50',
        value: h.ceremony.p50,
        unit: 'ms',
      },
      {
        subject: 'FROST 3-of-5 ceremony over loopback HTTP (ours)',
        metric: 'p99',
        value: h.ceremony.p99,
        unit: 'ms',
      },
      {
        subject: 'one key-holding node per signature over HTTP, process CPU, mean (ours)',
        metric: 'CPU',
        value: h.nodeCpu,
        unit: 'ms',
      },
      {
        subject: 'all five nodes’ CPU per signature charged to the 3 signers (ours)',
        metric: 'CPU',
        value: h.signerCpu,
        unit: 'ms',
      },
      {
        subject: 'DKG 3-of-5 over loopback HTTP (ours)',
        metric: 'p50',
        value: h.dkg['3-of-5']!.p50,
        unit: 'ms',
      },
      {
        subject: 'DKG 7-of-10 over loopback HTTP (ours)',
        metric: 'p50',
        value: h.dkg['7-of-10']!.p50,
        unit: 'ms',
      },
    );
    ratios['ceremonyVsSingleSign'] = h.ceremony.p50 / sSingle.p50;
    ratios['nodeCpuVsSingle'] = h.nodeCpu / (t * singleCpu);
    ratios['signerCpuUpperBoundVsSingle'] = h.signerCpu / (t * singleCpu);
    http = `${h.nodes} \`rampart signer start\` processes on 127.0.0.1 (passphrase key stores, node SQLite synchronous=FULL), coordinator in this process with a SQLite ledger; node CPU from /proc utime+stime of the five key holders during the signatures (every node is asked for a commitment, the first three sign): mean per node = total ÷ (signatures × 5), upper bound per signer = total ÷ (signatures × 3); nodes ${h.reverifies ? 'refuse a signature without an approved request (re-verification included)' : 'signed without an approved request: re-verification NOT included in the HTTP figures'}`;
  }
  return {
    benchmark: 'signing',
    conditions: {
      date: new Date().toISOString().slice(0, 10),
      machine: `${cpus().length} cores, Node ${process.version}`,
      suite: suite.name,
      run: `${N} signatures, ${dkgRuns} DKGs per size, after warm-up; CPU = process.cpuUsage (user+system)`,
      threshold: `${t}-of-${n}, trusted-dealer shares for the signing part`,
      http,
      load: `uptime load average at start ${loadAtStart}`,
    },
    results,
    ratios,
  };
}
