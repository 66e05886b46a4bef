/**
 * `rampart reserves …`: build and publish the liabilities root, hand out proofs and tokens, and
 * verify a proof (docs/proof-of-reserves.md). Proofs are served on demand from the stored tree;
 * `build --write-proofs <dir>` also exports one file per user.
 */
import { closeSync, mkdirSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { InvalidInputError } from '../../core/index.ts';
import {
  getBuild,
  listBuilds,
  proofForUser,
  proofToken,
  publishLiabilities,
  type RootStatement,
  StoredTree,
  verifyProof,
} from '../../reserves/index.ts';
import { formatOf } from '../../reserves/tree/build.ts';
import { configFrom, type GlobalOptions, openLocal } from '../context.ts';
import { EXIT_INVALID, parseIntArg, printJson, UsageError } from '../output.ts';
import { progressBar } from '../progress.ts';
import { reservesAttestCommands } from './reserves-attest.ts';

function assetsArg(s: string): string[] {
  return s
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a.length > 0);
}

function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InvalidInputError(
      'RESERVES_FILE_UNREADABLE',
      `cannot read ${what} ${path}: ${(e as Error).message}`,
    );
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidInputError('RESERVES_FILE_INVALID', `${what} ${path} is not JSON`);
  }
}

/** `--root`: 64 hex digits, or a file holding a root statement (or a ledger entry carrying one). */
function rootArg(v: string): string | RootStatement {
  if (/^(0x)?[0-9a-fA-F]{64}$/.test(v.trim())) return v.trim();
  const o = readJsonFile(v, 'the root statement') as { payload?: unknown };
  return (o && typeof o === 'object' && 'payload' in o ? o.payload : o) as RootStatement;
}

/** A user id as a file name: keep [A-Za-z0-9._@-], escape the rest as _XX. */
function fileNameFor(user: string): string {
  return `${user.replace(/[^A-Za-z0-9.@-]/g, (c) => `_${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}.json`;
}

/** Every user id in the snapshot, in file order (first field of each line / "user" of each object). */
function* usersOf(path: string, format: 'csv' | 'jsonl'): Generator<string> {
  const fd = openSync(path, 'r');
  try {
    const block = Buffer.alloc(8 << 20);
    let rest = '';
    let first = format === 'csv';
    let off = 0;
    for (;;) {
      const n = readSync(fd, block, 0, block.length, off);
      off += n;
      const text = rest + block.subarray(0, n).toString('utf8');
      const lines = text.split('\n');
      rest = n === 0 ? '' : lines.pop()!;
      for (const l of n === 0 ? lines.filter((x) => x.length > 0) : lines) {
        if (first) {
          first = false;
          continue;
        }
        yield format === 'csv' ? l.slice(0, l.indexOf(',')) : (JSON.parse(l) as { user: string }).user;
      }
      if (n === 0) return;
    }
  } finally {
    closeSync(fd);
  }
}

export function reservesCommand(program: Command, globals: () => GlobalOptions): Command {
  const reserves = program
    .command('reserves')
    .description('proof of reserves: the Merkle-sum proof of liabilities every user can check');

  reserves
    .command('build')
    .description('build the liabilities tree from a snapshot and publish its root in the ledger')
    .argument('<snapshot>', 'balances: CSV (header user,<asset>,…) or JSON lines, integers in base units')
    .requiredOption('--assets <list>', 'the assets, comma-separated, in tree order (e.g. BTC,ETH,USDT,USDC)')
    .option('--format <csv|jsonl>', 'snapshot format (default: from the file name)')
    .option('--snapshot-time <iso>', 'when the balances were taken (default: now)')
    .option('--min-height <n>', 'build at least this high: publishes only "at most 2^n users"')
    .option('--workers <n>', 'worker threads (default: one per core)')
    .option('--write-proofs <dir>', 'also write one proof file per user into this directory')
    .action(
      async (
        snapshot: string,
        o: {
          assets: string;
          format?: string;
          snapshotTime?: string;
          minHeight?: string;
          workers?: string;
          writeProofs?: string;
        },
      ) => {
        const g = globals();
        const format = formatOf(snapshot, o.format);
        const minHeight = parseIntArg('--min-height', o.minHeight, 1);
        if (minHeight !== undefined && minHeight > 32)
          throw new UsageError('--min-height must be at most 32');
        const workers = parseIntArg('--workers', o.workers, 1);
        const ctx = await openLocal(g);
        try {
          const bar = progressBar('build', 100, !g.json);
          const t0 = performance.now();
          const out = await publishLiabilities(ctx.ledger, ctx.config.dataDir, {
            snapshot,
            assets: assetsArg(o.assets),
            format,
            actor: 'cli:reserves',
            ...(o.snapshotTime ? { snapshotTime: o.snapshotTime } : {}),
            ...(minHeight !== undefined ? { minHeight } : {}),
            ...(workers !== undefined ? { workers } : {}),
            onProgress: (p) => bar.update(Math.floor((100 * p.bytes) / Math.max(1, p.totalBytes))),
          });
          bar.stop();
          const seconds = (performance.now() - t0) / 1000;
          let proofsWritten: number | undefined;
          if (o.writeProofs) {
            mkdirSync(o.writeProofs, { recursive: true, mode: 0o700 });
            const tree = StoredTree.open(out.dir);
            const wbar = progressBar('proofs', out.users, !g.json);
            proofsWritten = 0;
            try {
              for (const user of usersOf(snapshot, format)) {
                const p = tree.proof(user);
                if (!p) throw new Error(`no proof for ${user} in the build just made`);
                writeFileSync(join(o.writeProofs, fileNameFor(user)), `${JSON.stringify(p, null, 2)}\n`, {
                  mode: 0o600,
                });
                wbar.update(++proofsWritten);
              }
            } finally {
              wbar.stop();
              tree.close();
            }
          }
          const result = {
            ...out.statement,
            users: out.users,
            ledgerIndex: out.ledgerIndex,
            checkpoint: out.checkpoint,
            seconds: Math.round(seconds * 100) / 100,
            ...(proofsWritten !== undefined ? { proofsWritten } : {}),
          };
          if (g.json) printJson(result);
          else
            process.stdout.write(
              [
                `published liabilities root ${out.statement.root.hash}`,
                `build ${out.statement.buildId}, snapshot ${out.statement.snapshotTime}, ${out.users} users (published bound 2^${out.statement.height})`,
                ...out.statement.assets.map((a, i) => `  ${a.padEnd(8)} ${out.statement.root.totals[i]}`),
                `ledger entry ${out.ledgerIndex} (reserves.liabilities.published), checkpoint size ${out.checkpoint.size}${out.checkpoint.published ? '' : ' (signed; witness quorum not met)'}`,
                `built in ${result.seconds} s${proofsWritten !== undefined ? `; ${proofsWritten} proofs written to ${o.writeProofs}` : ''}`,
                '',
              ].join('\n'),
            );
        } finally {
          await ctx.close();
        }
      },
    );

  reserves
    .command('proof')
    .description("a user's inclusion proof, from the stored tree")
    .argument('<user>', 'the user id as in the snapshot')
    .option('--build <id>', 'which build (default: the latest published)')
    .option('--out <file>', 'write the proof to a file instead of stdout')
    .action(async (user: string, o: { build?: string; out?: string }) => {
      const g = globals();
      const ctx = await openLocal(g);
      try {
        const p = await proofForUser(ctx.store.db, ctx.config.dataDir, user, o.build);
        const text = `${JSON.stringify(p, null, 2)}\n`;
        if (o.out) {
          writeFileSync(o.out, text, { mode: 0o600 });
          if (g.json) printJson({ user, buildId: p.buildId, out: o.out });
          else process.stdout.write(`proof for ${user} (build ${p.buildId}) written to ${o.out}\n`);
        } else process.stdout.write(text);
      } finally {
        await ctx.close();
      }
    });

  reserves
    .command('token')
    .description("a user's proof token: lets that user fetch their own proof from the API, nobody else's")
    .argument('<user>', 'the user id')
    .action((user: string) => {
      const g = globals();
      const token = proofToken(configFrom(g).dataDir, user);
      if (g.json) printJson({ user, token });
      else process.stdout.write(`${token}\n`);
    });

  reserves
    .command('roots')
    .description('published liabilities roots, newest first')
    .option('--limit <n>', 'how many', '20')
    .action(async (o: { limit: string }) => {
      const g = globals();
      const limit = parseIntArg('--limit', o.limit, 1)!;
      const ctx = await openLocal(g);
      try {
        const builds = await listBuilds(ctx.store.db, limit);
        if (g.json) printJson(builds);
        else
          for (const b of builds)
            process.stdout.write(
              `${b.publishedAt}  ${b.statement.buildId}  ${b.statement.root.hash}  ${b.statement.assets
                .map((a, i) => `${a}=${b.statement.root.totals[i]}`)
                .join(' ')}\n`,
            );
      } finally {
        await ctx.close();
      }
    });

  reserves
    .command('statement')
    .description('the published root statement of a build (give it to users to check proofs against)')
    .option('--build <id>', 'which build (default: the latest published)')
    .action(async (o: { build?: string }) => {
      const g = globals();
      const ctx = await openLocal(g);
      try {
        printJson((await getBuild(ctx.store.db, o.build)).statement);
      } finally {
        await ctx.close();
      }
    });

  reserves
    .command('verify')
    .description(
      'check an inclusion proof yourself (no network, no store): exit 0 if it holds, 1 with the reason',
    )
    .argument('<proof>', 'the proof file (JSON)')
    .option('--root <hex|file>', 'the published root: its hash, or a file with the root statement')
    .action((file: string, o: { root?: string }) => {
      const g = globals();
      const proof = readJsonFile(file, 'the proof');
      const r = verifyProof(proof, o.root === undefined ? undefined : rootArg(o.root));
      if (g.json) printJson(r);
      else if (r.ok)
        process.stdout.write(
          [
            `OK: ${r.user} is included in root ${r.rootHash} (build ${r.buildId}, snapshot ${r.snapshotTime})`,
            ...Object.keys(r.balances).map(
              (a) => `  ${a.padEnd(8)} yours ${r.balances[a]!.padStart(30)}   total ${r.totals[a]}`,
            ),
            r.againstPublishedRoot
              ? 'checked against the published root you gave'
              : 'NOTE: not checked against a published root: compare the root hash above with the one the exchange published, or pass --root',
            '',
          ].join('\n'),
        );
      else process.stderr.write(`rampart: proof refused: ${r.message} [${r.code}]\n`);
      if (!r.ok) process.exitCode = EXIT_INVALID;
    });

  // `reserves attest|ratio|…` (the reserves attestation) live beside: reserves-attest.ts.
  reservesAttestCommands(reserves, globals);
  return reserves;
}
