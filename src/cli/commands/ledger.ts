/** `rampart ledger …`: checkpoint, verify, proof, entries, key. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { base64ToBytes, bytesToBase64, RampartError } from '../../core/index.ts';
import { loadLogSigner, type VerifyReport, verifyLog, verifyStore } from '../../ledger/index.ts';
import {
  openNote,
  parseCheckpoint,
  parseNote,
  parseVerifierKey,
  verifierKeyFor,
} from '../../ledger/note/index.ts';
import { openStore } from '../../store/index.ts';
import { configFrom, type GlobalOptions, openLocal } from '../context.ts';
import { EXIT_INVALID, parseIntArg, printJson, UsageError } from '../output.ts';
import { progressBar } from '../progress.ts';
import { getJson, getText, remoteLeaves } from '../remote.ts';
import { defaultStatePath, readState, writeState } from '../verifier-state.ts';

function baseUrl(u: string): string {
  try {
    const url = new URL(u);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw new UsageError(`--url must be an http(s) URL (got "${u}")`);
  }
  return u.replace(/\/+$/, '');
}

export function ledgerCommand(program: Command, globals: () => GlobalOptions): void {
  const ledger = program.command('ledger').description('the tamper-evident audit ledger');

  ledger
    .command('checkpoint')
    .description('sign (and have witnessed, if configured) a checkpoint of the local log now')
    .action(async () => {
      const g = globals();
      const ctx = await openLocal(g);
      try {
        const cp = await ctx.ledger.checkpointNow();
        if (g.json)
          printJson({ size: cp.size, root: bytesToBase64(cp.root), published: cp.published, note: cp.note });
        else
          process.stdout.write(
            `${cp.note}${cp.published ? '' : '(signed, not published: witness quorum not met)\n'}`,
          );
      } finally {
        await ctx.close();
      }
    });

  ledger
    .command('verify')
    .description(
      'recompute every leaf and node from the entries, check every checkpoint signature, and check consistency with the last checkpoint this verifier saw',
    )
    .option('--url <url>', 'verify a remote Rampart through its tlog-tiles API instead of the local store')
    .option(
      '--key <vkey>',
      'the log verifier key to trust (default: the one remembered in the state file; first use: the local key file, or what the server serves)',
    )
    .option(
      '--state <file>',
      'where the last verified checkpoint is remembered (default ~/.local/state/rampart/ledger-<origin>.json)',
    )
    .option('--no-state', 'do not read or write the state file')
    .action(async (o: { url?: string; key?: string; state?: string | false }) => {
      const g = globals();
      if (o.url && (g.dataDir || g.databaseUrl))
        throw new UsageError('use either --url or --data-dir/--database-url, not both');
      let origin: string;
      let key = o.key;
      let report: VerifyReport;
      const warn = (m: string) => {
        if (!g.json) process.stderr.write(`${m}\n`);
      };
      const statePathFor = (origin: string) =>
        o.state === false ? undefined : (o.state ?? defaultStatePath(origin));
      if (o.url) {
        const base = baseUrl(o.url);
        const note = await getText(`${base}/ledger/checkpoint`);
        const text = parseNote(note).text;
        origin = text.slice(0, text.indexOf('\n'));
        const statePath = statePathFor(origin);
        const prev = statePath ? readState(statePath) : undefined;
        key ??= prev?.key;
        if (!key) {
          key = (await getJson<{ key: string }>(`${base}/api/v1/ledger/key`)).key;
          warn(`note: trusting the key the server serves on first use (${key}); pin it with --key`);
        }
        if (prev && prev.key !== key)
          throw new RampartError(
            'LEDGER_KEY_CHANGED',
            `the log key differs from the one seen before (${prev.key})`,
          );
        const verifier = parseVerifierKey(key);
        const cp = parseCheckpoint(openNote(note, [verifier]).text);
        const bar = progressBar('verify', cp.size, !g.json);
        report = await verifyLog({
          origin,
          verifier,
          size: cp.size,
          leaves: remoteLeaves(base, cp.size),
          checkpoints: [{ size: cp.size, note }],
          previous: prev ? { size: prev.size, root: base64ToBytes(prev.root) } : undefined,
          onProgress: (d) => bar.update(d),
        });
        bar.stop();
        finish(report, statePath, key, origin, g.json ?? false);
        return;
      }
      const config = configFrom(g);
      origin = config.ledger.origin;
      const statePath = statePathFor(origin);
      const prev = statePath ? readState(statePath) : undefined;
      key ??= prev?.key;
      if (!key) {
        const keyFile = join(config.dataDir, 'ledger.key');
        if (!existsSync(keyFile))
          throw new RampartError('LEDGER_KEY_UNKNOWN', `no --key given and no key file at ${keyFile}`);
        key = verifierKeyFor(loadLogSigner(keyFile, origin));
      }
      if (prev && prev.key !== key)
        throw new RampartError(
          'LEDGER_KEY_CHANGED',
          `the log key differs from the one seen before (${prev.key})`,
        );
      const store = await openStore({ databaseUrl: config.database.url, dataDir: config.dataDir });
      try {
        const bar = progressBar('verify', 0, !g.json);
        report = await verifyStore(store, {
          origin,
          verifier: parseVerifierKey(key),
          previous: prev ? { size: prev.size, root: base64ToBytes(prev.root) } : undefined,
          onProgress: (d, t) => bar.update(d, t),
        });
        bar.stop();
      } finally {
        await store.close();
      }
      finish(report, statePath, key, origin, g.json ?? false);
    });

  const proof = ledger.command('proof').description('RFC 6962 proofs, from the local store or --url');
  proof
    .command('inclusion')
    .requiredOption('--index <i>', 'entry index')
    .option('--size <n>', 'tree size (default: the latest checkpoint)')
    .option('--url <url>', 'ask a remote Rampart')
    .action(async (o: { index: string; size?: string; url?: string }) => {
      const g = globals();
      const index = parseIntArg('--index', o.index)!;
      let size = parseIntArg('--size', o.size);
      let out: { index: number; size: number; leafHash: string; proof: string[] };
      if (o.url) {
        const base = baseUrl(o.url);
        size ??= (await getJson<{ size: number }>(`${base}/api/v1/ledger/checkpoint`)).size;
        out = await getJson(`${base}/api/v1/ledger/proof/inclusion?index=${index}&size=${size}`);
      } else {
        const ctx = await openLocal(g);
        try {
          size ??= (await ctx.ledger.latestCheckpoint())?.size ?? (await ctx.ledger.size());
          const p = await ctx.ledger.inclusionProof(index, size);
          out = { index, size, leafHash: bytesToBase64(p.leafHash), proof: p.proof.map(bytesToBase64) };
        } finally {
          await ctx.close();
        }
      }
      if (g.json) printJson(out);
      else
        process.stdout.write(
          `inclusion of ${out.index} in ${out.size}\nleaf ${out.leafHash}\n${out.proof.join('\n')}\n`,
        );
    });
  proof
    .command('consistency')
    .requiredOption('--from <n>', 'older tree size')
    .option('--to <n>', 'newer tree size (default: the latest checkpoint)')
    .option('--url <url>', 'ask a remote Rampart')
    .action(async (o: { from: string; to?: string; url?: string }) => {
      const g = globals();
      const from = parseIntArg('--from', o.from)!;
      let to = parseIntArg('--to', o.to);
      let out: { from: number; to: number; proof: string[] };
      if (o.url) {
        const base = baseUrl(o.url);
        to ??= (await getJson<{ size: number }>(`${base}/api/v1/ledger/checkpoint`)).size;
        out = await getJson(`${base}/api/v1/ledger/proof/consistency?from=${from}&to=${to}`);
      } else {
        const ctx = await openLocal(g);
        try {
          to ??= (await ctx.ledger.latestCheckpoint())?.size ?? (await ctx.ledger.size());
          out = { from, to, proof: (await ctx.ledger.consistencyProof(from, to)).map(bytesToBase64) };
        } finally {
          await ctx.close();
        }
      }
      if (g.json) printJson(out);
      else process.stdout.write(`consistency ${out.from} → ${out.to}\n${out.proof.join('\n')}\n`);
    });

  ledger
    .command('entries')
    .description('list entries in index order')
    .option('--from <i>', 'first index', '0')
    .option('--limit <n>', 'how many (1–1000)', '20')
    .option('--url <url>', 'read a remote Rampart')
    .action(async (o: { from: string; limit: string; url?: string }) => {
      const g = globals();
      const from = parseIntArg('--from', o.from)!;
      const limit = parseIntArg('--limit', o.limit, 1)!;
      if (limit > 1000) throw new UsageError('--limit must be at most 1000');
      let entries: Array<{
        index: number;
        time: string;
        actor: string;
        action: string;
        subject: string;
        payload: unknown;
      }>;
      if (o.url) {
        entries = (
          await getJson<{ entries: typeof entries }>(
            `${baseUrl(o.url)}/api/v1/ledger/entries?from=${from}&limit=${limit}`,
          )
        ).entries;
      } else {
        const ctx = await openLocal(g);
        try {
          entries = await ctx.ledger.entries(from, limit);
        } finally {
          await ctx.close();
        }
      }
      const rows = entries.map(({ index, time, actor, action, subject, payload }) => ({
        index,
        time,
        actor,
        action,
        subject,
        payload,
      }));
      if (g.json) printJson(rows);
      else
        for (const e of rows)
          process.stdout.write(
            `${String(e.index).padStart(6)}  ${e.time}  ${e.actor.padEnd(14)} ${e.action.padEnd(28)} ${e.subject}\n`,
          );
    });

  ledger
    .command('key')
    .description("print the log's verifier key (give it to verifiers and witnesses)")
    .option('--url <url>', 'of a remote Rampart')
    .action(async (o: { url?: string }) => {
      const g = globals();
      let out: { origin: string; key: string };
      if (o.url) out = await getJson(`${baseUrl(o.url)}/api/v1/ledger/key`);
      else {
        const config = configFrom(g);
        out = {
          origin: config.ledger.origin,
          key: verifierKeyFor(loadLogSigner(join(config.dataDir, 'ledger.key'), config.ledger.origin)),
        };
      }
      if (g.json) printJson(out);
      else process.stdout.write(`${out.key}\n`);
    });
}

function finish(
  report: VerifyReport,
  statePath: string | undefined,
  key: string,
  origin: string,
  json: boolean,
): void {
  if (report.ok && statePath && report.latestCheckpoint)
    writeState(statePath, {
      origin,
      key,
      size: report.latestCheckpoint.size,
      root: report.latestCheckpoint.root,
      checkedAt: new Date().toISOString(),
    });
  if (json) printJson(report);
  else if (report.ok)
    process.stdout.write(
      `ok: ${report.size} entries recomputed, ${report.checkpoints} checkpoint(s) verified` +
        (report.latestCheckpoint
          ? `, latest ${report.latestCheckpoint.size} ${report.latestCheckpoint.root}`
          : '') +
        '\n',
    );
  else {
    const p = report.problem!;
    process.stdout.write(
      `FAILED${p.index !== undefined ? ` at entry ${p.index}` : ''}: ${p.message} [${p.code}]\n`,
    );
  }
  if (!report.ok) process.exitCode = EXIT_INVALID;
}
