/**
 * `npm run bench -- access [--seconds S] [--concurrency C] [--rounds R]`
 *
 * Requests per second on one route with RFC 9421 signed service requests (signature, replay
 * window, nonce stored in the database, key lookup, authorization) beside the same route
 * unauthenticated, in one run, on the real server with its SQLite store (synchronous=FULL).
 * Requests are signed before the clock starts, so the rate is the server's, not the client's.
 *
 * Two more things are printed because the ratio alone misleads on a shared machine: the open route
 * sent the very same signature headers (what the extra bytes on the wire cost, with no
 * authentication), and the ratio round by round (lowest, median, highest), since the machine's
 * speed changes between rounds by more than the difference being measured.
 *
 * And what bounds the ratio on this machine, measured in the same run: the event loop's own CPU time
 * per request on each route (Linux, /proc/self/task/<pid>/stat), and one OpenSSL Ed25519 check's
 * CPU time. A signed request needs at least the open request's CPU plus one check, on however many
 * cores there are, so `cpuCeilingSignedVsOpen` = cores / ((open CPU + check) × open req/s) is the
 * most any implementation could reach here if authentication cost nothing else.
 */

import { generateKeyPairSync, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ed25519 } from '@noble/curves/ed25519.js';
import Fastify from 'fastify';
import { signRequest } from '../src/access/http-signatures/index.ts';
import {
  DbNonceStore,
  fileWindowMark,
  ProcessNonceStore,
  registerServiceKey,
  signedRequestAuthenticator,
} from '../src/access/services/index.ts';
import { bytesToBase64, systemClock } from '../src/core/index.ts';
import { Ledger } from '../src/ledger/index.ts';
import { generateSignerKey, parseSignerKey } from '../src/ledger/note/index.ts';
import { enforcePermissions } from '../src/server/permissions.ts';
import { openStore } from '../src/store/index.ts';
import { percentile, type Report } from './report.ts';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};

/**
 * CPU time of this process's main thread (the event loop), ms; undefined where /proc is missing.
 * Fields 14 and 15 of proc_pid_stat(5) are user and system time in clock ticks (100 per second).
 */
const mainThreadStat = `/proc/self/task/${process.pid}/stat`;
function eventLoopCpuMs(): number | undefined {
  if (!existsSync(mainThreadStat)) return undefined;
  const fields = readFileSync(mainThreadStat, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** CPU time of one OpenSSL Ed25519 check of a signature base this size, on this thread, µs. */
function ed25519CheckMicros(baseLength: number): number {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const data = Buffer.alloc(baseLength, 0x61);
  const signature = nodeSign(null, data, privateKey);
  const n = 2000;
  for (let i = 0; i < 200; i++) nodeVerify(null, data, publicKey, signature);
  const t0 = process.cpuUsage();
  for (let i = 0; i < n; i++) nodeVerify(null, data, publicKey, signature);
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / n;
}

/**
 * The header values as the client will send them, made flat strings before the clock starts.
 *
 * signRequest builds its values by concatenation, which V8 keeps as a tree of string pieces until
 * the string is first read. Left so, the first read happened in the clock, inside this in-process
 * client (node:http validates every header value): about 2 µs of the client's time per signed
 * request. And the garbage collector did far more work on every route while 200,000 such trees
 * were alive: in a 12-round A/B run of the same load (--trace-gc-nvp), scavenge pauses during the
 * open route's slices came to 422 ms per 3 s with the trees and 59 ms with flat strings. Neither
 * cost is the server's: a remote client sends bytes.
 */
function flatHeaders(headers: Record<string, string>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const name in headers) flat[name] = Buffer.from(headers[name]!, 'latin1').toString('latin1');
  return flat;
}

interface LoadResult {
  rps: number;
  /** Requests sent (each used one pre-signed header set). */
  requests: number;
  elapsed: number;
  latencies: number[];
  errors: number;
  /** Event-loop CPU time over the slice, ms (undefined without /proc). */
  cpuMs: number | undefined;
}

/** One phase over all its slices: total requests over total time, percentiles over all latencies. */
function combine(parts: LoadResult[]) {
  const lat = parts.flatMap((p) => p.latencies).sort((a, b) => a - b);
  const elapsed = parts.reduce((a, p) => a + p.elapsed, 0);
  const cpuMs = parts.every((p) => p.cpuMs !== undefined)
    ? parts.reduce((a, p) => a + p.cpuMs!, 0)
    : undefined;
  return {
    rps: lat.length / elapsed,
    /** Event-loop CPU per request, client and server together, µs. */
    cpuMicros: cpuMs === undefined ? Number.NaN : (cpuMs * 1000) / lat.length,
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
    errors: parts.reduce((a, p) => a + p.errors, 0),
  };
}

async function load(
  port: number,
  path: string,
  headersFor: (i: number) => Record<string, string>,
  seconds: number,
  concurrency: number,
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const end = performance.now() + seconds * 1000;
  let i = 0;
  let errors = 0;
  const failures = new Map<string, number>();
  const lat: number[] = [];
  const one = () =>
    new Promise<void>((resolve) => {
      const h = headersFor(i++);
      const t0 = performance.now();
      const req = request({ host: '127.0.0.1', port, path, method: 'GET', agent, headers: h }, (res) => {
        let body = '';
        res.on('data', (d) => {
          if (res.statusCode !== 200 && body.length < 300) body += d;
        });
        res.on('end', () => {
          if (res.statusCode !== 200) {
            errors++;
            failures.set(
              `${res.statusCode} ${body.slice(0, 120)}`,
              (failures.get(`${res.statusCode} ${body.slice(0, 120)}`) ?? 0) + 1,
            );
          }
          lat.push(performance.now() - t0);
          resolve();
        });
      });
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end();
    });
  const t0 = performance.now();
  const cpu0 = eventLoopCpuMs();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) await one();
    }),
  );
  const cpu1 = eventLoopCpuMs();
  const elapsed = (performance.now() - t0) / 1000;
  agent.destroy();
  for (const [what, n] of failures) process.stderr.write(`  ${n} × ${what}\n`);
  const cpuMs = cpu0 === undefined || cpu1 === undefined ? undefined : cpu1 - cpu0;
  return { rps: lat.length / elapsed, requests: i, elapsed, latencies: lat, errors, cpuMs };
}

export async function run(log: (s: string) => void): Promise<Report> {
  const seconds = arg('--seconds', 5);
  const concurrency = arg('--concurrency', 16);
  const dir = mkdtempSync(join(tmpdir(), 'rampart-bench-access-'));
  const store = await openStore({ dataDir: dir });
  const ledger = new Ledger({
    store,
    origin: 'bench.localhost/ledger',
    signer: parseSignerKey(generateSignerKey('bench.localhost/ledger').signerKey),
  });
  // One handler behind three routes: public, and `bench:read` for a signed service with each nonce
  // store — the same work. The server picks the process store with SQLite and the database store
  // with PostgreSQL (`access.nonces: auto`).
  const app = Fastify();
  const viaProcess = signedRequestAuthenticator(
    ledger,
    new ProcessNonceStore({ mark: fileWindowMark(join(dir, 'nonce-window')) }),
    systemClock,
  );
  const viaDatabase = signedRequestAuthenticator(
    ledger,
    new DbNonceStore(store.db, systemClock),
    systemClock,
  );
  enforcePermissions(
    app,
    async () => undefined,
    (req) =>
      (req.url.startsWith('/signed-db') ? viaDatabase : viaProcess)({
        method: req.method,
        url: `http://${req.headers.host}${req.url}`,
        headers: req.headers as Record<string, string>,
      }),
  );
  const handler = async () => ({ ok: true, at: Date.now() });
  app.get('/open', { config: { permission: 'public' } }, handler);
  app.get('/signed', { config: { permission: 'bench:read' } }, handler);
  app.get('/signed-db', { config: { permission: 'bench:read' } }, handler);
  try {
    const sk = ed25519.utils.randomSecretKey();
    await registerServiceKey(ledger, {
      serviceId: 'bench',
      keyId: 'bench-1',
      publicKey: bytesToBase64(ed25519.getPublicKey(sk)),
      permissions: ['bench:read'],
      actor: 'system',
    });
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const port = Number(new URL(address).port);
    // Each route is warmed for WARM_UP_S before the clock starts (JIT, the verification workers'
    // start), with header sets of its own.
    const WARM_UP_S = 0.5;
    const total = Math.ceil((seconds + WARM_UP_S) * 20_000);
    log(`signing ${total.toLocaleString()} requests in advance (each with its own nonce)…`);
    const presign = (path: string) => {
      const out: Array<Record<string, string>> = [];
      for (let i = 0; i < total; i++) {
        const headers = signRequest(
          { method: 'GET', url: `http://127.0.0.1:${port}${path}`, headers: {} },
          { keyId: 'bench-1', privateKey: sk, created: new Date() },
        ) as unknown as Record<string, string>;
        out.push(flatHeaders(headers));
      }
      return out;
    };
    const presigned = presign('/signed');
    const presignedDb = presign('/signed-db');
    // The signature base of these requests: three covered lines and the parameters line.
    const baseLength =
      `"@method": GET\n"@target-uri": http://127.0.0.1:${port}/signed\n"content-digest": ${presigned[0]!['content-digest']}\n"@signature-params": `
        .length +
      presigned[0]!['signature-input']!.length -
      'sig1='.length;
    const checkMicros = ed25519CheckMicros(baseLength);
    const cores = availableParallelism();
    // The phases alternate in short slices, so that a change in the machine's speed (a shared
    // virtual machine's neighbours) falls on all of them alike rather than on one.
    const rounds = arg('--rounds', 10);
    const slice = seconds / rounds;
    const phases: Record<
      'open' | 'openWithHeaders' | 'signed' | 'signedDb',
      { path: string; headers: (i: number) => Record<string, string> }
    > = {
      open: { path: '/open', headers: () => ({}) },
      // The open route reads no signature, so it consumes no nonce: the same header sets serve.
      openWithHeaders: { path: '/open', headers: (i: number) => presigned[i]! },
      signed: { path: '/signed', headers: (i: number) => presigned[i]! },
      signedDb: { path: '/signed-db', headers: (i: number) => presignedDb[i]! },
    };
    const totals: Record<keyof typeof phases, LoadResult[]> = {
      open: [],
      openWithHeaders: [],
      signed: [],
      signedDb: [],
    };
    const used = { open: 0, openWithHeaders: 0, signed: 0, signedDb: 0 };
    log(
      `${rounds} rounds of ${slice.toFixed(2)} s per route: open, open with signature headers, signed (nonces in memory), signed (nonces in the database)…`,
    );
    for (const name of ['open', 'openWithHeaders', 'signed', 'signedDb'] as const) {
      const phase = phases[name];
      const offset = used[name];
      used[name] += (
        await load(port, phase.path, (i) => phase.headers(offset + i), WARM_UP_S, concurrency)
      ).requests;
    }
    for (let r = 0; r < rounds; r++)
      for (const name of ['open', 'openWithHeaders', 'signed', 'signedDb'] as const) {
        const phase = phases[name];
        const offset = used[name];
        const result = await load(port, phase.path, (i) => phase.headers(offset + i), slice, concurrency);
        used[name] += result.requests;
        totals[name].push(result);
      }
    const open = combine(totals.open);
    const openWithHeaders = combine(totals.openWithHeaders);
    const perRound = totals.signed.map((p, r) => p.rps / totals.open[r]!.rps).sort((a, b) => a - b);
    const signed = combine(totals.signed);
    const signedDb = combine(totals.signedDb);
    // A signed request costs at least an open one's event-loop CPU plus one check, on `cores` cores.
    const cpuCeiling = Math.min(1, (cores * 1e6) / ((open.cpuMicros + checkMicros) * open.rps));
    if (signed.errors + signedDb.errors > 0)
      log(`warning: ${signed.errors + signedDb.errors} signed requests failed`);
    return {
      benchmark: 'access',
      conditions: {
        date: new Date().toISOString().slice(0, 10),
        machine: `${cores} cores, Node ${process.version}`,
        run: `${seconds} s per route in ${rounds} alternating slices after ${WARM_UP_S} s of warm-up each, ${concurrency} keep-alive connections, client in the same process, requests signed beforehand`,
        store:
          'SQLite WAL synchronous=FULL: one key lookup per signed request; nonces in process memory with a start-up cut-off (the SQLite default), or inserted in the database with group commit (the PostgreSQL default, shown for comparison)',
        routes:
          'the same handler, public vs permission bench:read (RFC 9421 Ed25519 over @method, @target-uri, content-digest; nonce; replay window)',
      },
      results: [
        { subject: 'open request (reference)', metric: 'throughput', value: open.rps, unit: 'req/s' },
        { subject: 'open request (reference)', metric: 'p50 latency', value: open.p50, unit: 'ms' },
        {
          subject: 'open, carrying signature headers',
          metric: 'throughput',
          value: openWithHeaders.rps,
          unit: 'req/s',
        },
        { subject: 'signed service request (ours)', metric: 'throughput', value: signed.rps, unit: 'req/s' },
        { subject: 'signed service request (ours)', metric: 'p50 latency', value: signed.p50, unit: 'ms' },
        { subject: 'signed service request (ours)', metric: 'p99 latency', value: signed.p99, unit: 'ms' },
        {
          subject: 'signed service request (ours)',
          metric: 'failed',
          value: signed.errors,
          unit: 'requests',
        },
        {
          subject: 'open request (reference)',
          metric: 'event-loop CPU',
          value: open.cpuMicros,
          unit: 'µs/req',
        },
        {
          subject: 'signed service request (ours)',
          metric: 'event-loop CPU',
          value: signed.cpuMicros,
          unit: 'µs/req',
        },
        {
          subject: 'one Ed25519 check (OpenSSL, one core)',
          metric: 'CPU',
          value: checkMicros,
          unit: 'µs',
        },
        { subject: 'signed, nonces in database', metric: 'throughput', value: signedDb.rps, unit: 'req/s' },
        { subject: 'signed, nonces in database', metric: 'p50 latency', value: signedDb.p50, unit: 'ms' },
        { subject: 'signed, nonces in database', metric: 'failed', value: signedDb.errors, unit: 'requests' },
      ],
      ratios: {
        signedVsOpen: signed.rps / open.rps,
        signedVsOpenLowestRound: perRound[0]!,
        signedVsOpenMedianRound: percentile(perRound, 50),
        signedVsOpenHighestRound: perRound[perRound.length - 1]!,
        // What the CPU allows here at best (see the header comment), and what the event loop alone does.
        cpuCeilingSignedVsOpen: cpuCeiling,
        eventLoopCpuOpenVsSigned: open.cpuMicros / signed.cpuMicros,
        openWithHeadersVsOpen: openWithHeaders.rps / open.rps,
        signedDbNoncesVsOpen: signedDb.rps / open.rps,
      },
    };
  } finally {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
