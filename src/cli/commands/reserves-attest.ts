/** `rampart reserves attest <file>` and `rampart reserves ratio`: the reserves side of proof of reserves. */
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import {
  type AssetLine,
  BITCOIN_CAIP2,
  buildStatement,
  checkReserves,
  covers,
  exampleAttestationText,
  latestLiabilities,
  listAttestations,
  ownershipMessage,
  parseAttestationFile,
  publishAttestation,
  requireLiabilities,
  statementDigest,
} from '../../reserves/index.ts';

import { type GlobalOptions, openLocal } from '../context.ts';
import { EXIT_INVALID, parseIntArg, printJson, UsageError } from '../output.ts';

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as Error).message}`);
  }
}

/** One line per asset, the decisive fact first: covered or short. */
export function formatAssetLines(lines: AssetLine[]): string {
  const w = Math.max(5, ...lines.map((l) => l.asset.length));
  const rw = Math.max(8, ...lines.map((l) => l.reserves.length));
  const lw = Math.max(11, ...lines.map((l) => l.liabilities.length));
  const head = `  ${'asset'.padEnd(w)}  ${'ratio'.padStart(9)}  ${'reserves'.padStart(rw)}  ${'liabilities'.padStart(lw)}`;
  const rows = lines.map((l) => {
    const mark = l.ratio === null ? 'no liabilities' : covers(l.ratio) ? 'covered' : 'SHORT';
    return `  ${l.asset.padEnd(w)}  ${(l.ratio ?? '—').padStart(9)}  ${l.reserves.padStart(rw)}  ${l.liabilities.padStart(lw)}  ${mark}`;
  });
  return [head, ...rows].join('\n');
}

export function reservesAttestCommands(reserves: Command, globals: () => GlobalOptions): void {
  reserves
    .command('attest')
    .description(
      'verify the ownership signatures (EIP-191, BIP-322) and node balance exports of an attestation file, ' +
        'compute the reserve ratio per asset against the latest liabilities root, and publish it (audited)',
    )
    .argument(
      '<file>',
      'attestation file (JSON; formats in docs/proof-of-reserves.md, "Reserves attestation")',
    )
    .option('--dry-run', 'verify and compute, publish nothing')
    .action(async (path: string, o: { dryRun?: boolean }) => {
      const text = read(path);
      const json = Boolean(globals().json);
      const file = parseAttestationFile(text, path);
      const ctx = await openLocal(globals());
      try {
        if (o.dryRun) {
          const checked = await checkReserves(file);
          const statement = buildStatement(checked, await requireLiabilities(ctx.store.db));
          if (json) printJson({ published: false, digest: statementDigest(statement), statement });
          else
            process.stdout.write(
              `verified ${checked.addresses.length} addresses on ${checked.chains.length} chains (not published: --dry-run)\n` +
                `${formatAssetLines(statement.assets)}\n`,
            );
          return;
        }
        const p = await publishAttestation(ctx.ledger, file, `cli:${userInfo().username}`);
        if (json) printJson({ published: true, ...p });
        else
          process.stdout.write(
            `attestation #${p.seq} for ${p.exchange} on ${p.date} published at ledger entry ${p.ledgerIndex}` +
              `${p.checkpoint ? `, signed checkpoint size ${p.checkpoint.size}` : ' (checkpoint pending)'}\n` +
              `  statement sha256 ${p.digest}\n  liabilities root ${p.liabilitiesRoot}\n` +
              `  ${p.statement.addresses.length} addresses proven on ${p.statement.chains.map((c) => `${c.chain} @${c.number}`).join(', ')}\n` +
              `${formatAssetLines(p.assets)}\n`,
          );
      } finally {
        await ctx.close();
      }
    });

  reserves
    .command('ratio')
    .description('the reserve ratio per asset from the latest attestation (exit 1 when an asset is short)')
    .option('--history [n]', 'every attestation, oldest first (the newest n)')
    .action(async (o: { history?: string | boolean }) => {
      const limit = typeof o.history === 'string' ? parseIntArg('--history', o.history, 1) : 365;
      const ctx = await openLocal(globals());
      try {
        const all = await listAttestations(ctx.ledger, o.history ? limit : 1);
        const liabilities = await latestLiabilities(ctx.store.db);
        const latest = all.at(-1);
        if (!latest) {
          if (globals().json) printJson({ attestation: null, history: [] });
          else
            process.stdout.write(
              'no reserves attestation is published yet (rampart reserves attest <file>)\n',
            );
          process.exitCode = EXIT_INVALID;
          return;
        }
        const current = liabilities !== undefined && latest.liabilitiesRoot === liabilities.root;
        if (globals().json)
          printJson({ attestation: latest, current, ...(o.history ? { history: all } : {}) });
        else {
          if (o.history)
            for (const a of all.slice(0, -1))
              process.stdout.write(
                `#${a.seq} ${a.date}  ${a.assets.map((l) => `${l.asset} ${l.ratio ?? '—'}`).join('  ')}\n`,
              );
          process.stdout.write(
            `#${latest.seq} ${latest.exchange}, ${latest.date} (ledger entry ${latest.ledgerIndex})` +
              `${current ? '' : ' — a newer liabilities root has been published since: attest again'}\n` +
              `${formatAssetLines(latest.assets)}\n`,
          );
        }
        if (latest.assets.some((l) => l.ratio !== null && !covers(l.ratio))) process.exitCode = EXIT_INVALID;
      } finally {
        await ctx.close();
      }
    });

  reserves
    .command('attest-message')
    .description('the exact message an address signs for an attestation (EIP-191 personal_sign, or BIP-322)')
    .argument('<address>', 'the reserve address (0x… or bc1…)')
    .requiredOption('--exchange <name>', 'the exchange, as the attestation file names it')
    .requiredOption('--date <YYYY-MM-DD>', 'the attestation date')
    .option(
      '--chain <caip2>',
      'CAIP-2 chain id (default: eip155:1 for 0x addresses, Bitcoin mainnet otherwise)',
    )
    .action((address: string, o: { exchange: string; date: string; chain?: string }) => {
      const chain =
        o.chain ??
        (address.startsWith('0x')
          ? 'eip155:1'
          : address.startsWith('tb1')
            ? BITCOIN_CAIP2.testnet
            : BITCOIN_CAIP2.mainnet);
      if (!/^(eip155:[1-9][0-9]*|bip122:[0-9a-f]{32})$/.test(chain))
        throw new UsageError(`--chain must be a CAIP-2 id such as eip155:1 (got "${chain}")`);
      if (chain.startsWith('eip155:') && !/^0x[0-9a-fA-F]{40}$/.test(address))
        throw new UsageError(`${address} is not a 0x-prefixed 20-byte address`);
      const message = ownershipMessage({ exchange: o.exchange, date: o.date, chain, address });
      if (globals().json) printJson({ chain, address, message });
      else process.stdout.write(`${message}\n`);
    });

  reserves
    .command('attest-example')
    .description(
      'print a complete, really signed example attestation file (public test keys: never hold value with them)',
    )
    .option('--exchange <name>', 'exchange name', 'Example Exchange')
    .option('--date <YYYY-MM-DD>', 'attestation date', '2026-11-25')
    .action(async (o: { exchange: string; date: string }) => {
      process.stdout.write(`${await exampleAttestationText({ exchange: o.exchange, date: o.date })}\n`);
    });
}
