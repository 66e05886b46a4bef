/**
 * `rampart alliance …` (issue 7): `import` address lists into the screening set, `screen`
 * addresses against it, `sources` and `unlist`. The TAXII, member and incident subcommands
 * (alliance-taxii.ts) attach themselves to this same `alliance` command: main.ts registers this
 * one first.
 */
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { basename } from 'node:path';
import type { Command } from 'commander';
import {
  checkAddress,
  currentScreeningSet,
  describeRejected,
  IMPORT_FORMATS,
  type ImportFormat,
  importList,
  parseTlp,
  type ScreenAddress,
  type ScreenResult,
  TLP_LEVELS,
} from '../../alliance/index.ts';
import { InvalidInputError } from '../../core/index.ts';
import { type GlobalOptions, openLocal } from '../context.ts';
import { EXIT_INVALID, parseIntArg, printJson, UsageError } from '../output.ts';
import { progressBar } from '../progress.ts';

const cliActor = () => `cli:${userInfo().username}`;

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
}

function renderScreen(r: ScreenResult): string {
  if (!r.valid) return `INVALID  ${r.input}\n         ${r.error.message}\n`;
  if (!r.listed) return `clear    ${r.address} (${r.chain} ${r.kind})\n`;
  let s = `LISTED   ${r.address} (${r.chain} ${r.kind})\n`;
  for (const l of r.listings)
    s += `         by ${l.source} — ${l.reason}; confidence ${l.confidence ?? 'n/a'}, TLP:${(l.tlp ?? 'unmarked').toUpperCase()}, first seen ${l.firstSeen}, listed by ${l.listedBy}${l.objectId ? `, ${l.objectId}` : ''}\n`;
  return s;
}

export function allianceCommand(program: Command, globals: () => GlobalOptions): void {
  const alliance = program
    .command('alliance')
    .description('the security alliance: screening set and imports; TAXII, members, incidents');

  alliance
    .command('import')
    .description(
      'import addresses into the screening set from a plain list, a CSV, a STIX bundle or a MISP event; audited. Bad address lines are reported with their line number and the rest loads (--strict: nothing loads)',
    )
    .argument(
      '<file>',
      'the file, e.g. ../shared/vectors/intel/bybit-2025/fbi-ic3-psa250226-eth-addresses.txt',
    )
    .option('--format <f>', `${IMPORT_FORMATS.join('|')} (default: from the extension and content)`)
    .option('--source <name>', 'who listed these addresses (default: the file name)')
    .option('--reason <text>', 'why they are listed (default: the source)')
    .option('--tlp <level>', `TLP 2.0 marking when the file has none: ${TLP_LEVELS.join(', ')}`)
    .option('--confidence <0-100>', 'confidence when the file has none')
    .option('--where <column=value|…>', 'CSV: keep only rows where the column has one of the values')
    .option('--strict', 'refuse the whole file if any address is invalid')
    .action(
      async (
        file: string,
        o: {
          format?: string;
          source?: string;
          reason?: string;
          tlp?: string;
          confidence?: string;
          where?: string;
          strict?: boolean;
        },
      ) => {
        const g = globals();
        if (o.format && !(IMPORT_FORMATS as readonly string[]).includes(o.format))
          throw new UsageError(`--format must be one of ${IMPORT_FORMATS.join(', ')}`);
        const tlp = o.tlp === undefined ? undefined : parseTlp(o.tlp);
        if (o.tlp !== undefined && !tlp)
          throw new UsageError(`--tlp must be one of ${TLP_LEVELS.join(', ')}`);
        const confidence = parseIntArg('--confidence', o.confidence, 0);
        if (confidence !== undefined && confidence > 100) throw new UsageError('--confidence must be 0..100');
        const text = readText(file);
        const source = o.source ?? basename(file).replace(/\.[^.]+$/, '');
        const ctx = await openLocal(g);
        const bar = progressBar('import', 0, !g.json);
        try {
          const set = await currentScreeningSet(ctx.ledger);
          const r = await importList(set, {
            text,
            fileName: file,
            source,
            actor: cliActor(),
            ...(o.format ? { format: o.format as ImportFormat } : {}),
            ...(o.reason ? { reason: o.reason } : {}),
            ...(tlp ? { tlp } : {}),
            ...(confidence !== undefined ? { confidence } : {}),
            ...(o.where ? { where: o.where } : {}),
            strict: !!o.strict,
            onProgress: (done, total) => bar.update(done, total),
          });
          bar.stop();
          if (g.json) printJson(r);
          else {
            process.stdout.write(
              `${r.added} addresses added to the screening set from ${r.source} (${r.format}; ${r.alreadyListed} already listed${r.skipped ? `, ${r.skipped} skipped` : ''}); ledger entry ${r.ledgerIndex}\n`,
            );
            for (const x of r.rejected) process.stdout.write(`rejected ${describeRejected(x)}\n`);
          }
        } finally {
          bar.stop();
          await ctx.close();
        }
      },
    );

  alliance
    .command('screen')
    .description(
      'is each address listed, by whom, why, at what confidence and under which TLP marking? Exit 1 if any is listed or invalid',
    )
    .argument('[address...]', 'EVM (0x…) or Bitcoin (1…, 3…, bc1…) addresses')
    .option('--file <file>', 'more addresses, one per line')
    .action(async (args: string[], o: { file?: string }) => {
      const g = globals();
      const addresses = [...args];
      if (o.file)
        for (const l of readText(o.file).split(/\r?\n/)) {
          const t = l.replace(/#.*$/, '').trim();
          if (t) addresses.push(t);
        }
      if (addresses.length === 0) throw new UsageError('name at least one address (or --file)');
      const ctx = await openLocal(g);
      try {
        const set = await currentScreeningSet(ctx.ledger);
        const results = addresses.map((a) => set.screen(a));
        if (g.json) printJson({ results });
        else for (const r of results) process.stdout.write(renderScreen(r));
        if (results.some((r) => !r.valid || r.listed)) process.exitCode = EXIT_INVALID;
      } finally {
        await ctx.close();
      }
    });

  alliance
    .command('sources')
    .description('the sources in the screening set, with their entry counts')
    .action(async () => {
      const g = globals();
      const ctx = await openLocal(g);
      try {
        const set = await currentScreeningSet(ctx.ledger);
        const sources = await set.sources();
        if (g.json) printJson({ addresses: set.table.size, sources });
        else {
          process.stdout.write(`${set.table.size} distinct addresses\n`);
          for (const s of sources) process.stdout.write(`${s.source}\t${s.entries}\t${s.lastUpdated}\n`);
        }
      } finally {
        await ctx.close();
      }
    });

  alliance
    .command('unlist')
    .description('remove listings of one source (the named addresses, or --all); audited')
    .argument('[address...]', 'addresses to remove from that source')
    .requiredOption('--source <name>', 'the source to remove them from')
    .option('--all', 'remove every address of the source')
    .option('--reason <text>', 'why (recorded in the ledger)')
    .action(async (args: string[], o: { source: string; all?: boolean; reason?: string }) => {
      const g = globals();
      if (!o.all && args.length === 0) throw new UsageError('name addresses to remove, or --all');
      if (o.all && args.length) throw new UsageError('--all takes no addresses');
      const addrs: ScreenAddress[] = [];
      for (const a of args) {
        const c = checkAddress(a);
        if (!c.ok)
          throw new InvalidInputError('ADDRESS_INVALID', `"${a}" is not a valid address: ${c.reason}`);
        addrs.push(c.address);
      }
      const ctx = await openLocal(g);
      try {
        const set = await currentScreeningSet(ctx.ledger);
        const r = await set.unlist(o.source, o.all ? 'all' : addrs, {
          actor: cliActor(),
          action: 'alliance.screening.removed',
          ...(o.reason ? { details: { reason: o.reason } } : {}),
        });
        if (g.json) printJson(r);
        else
          process.stdout.write(
            `${r.removed} listing(s) of ${r.source} removed; ledger entry ${r.ledgerIndex}\n`,
          );
      } finally {
        await ctx.close();
      }
    });
}
