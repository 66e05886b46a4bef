/** `rampart custody …`: wallet registration, screening lists, transaction analysis. */
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { RampartError } from '../../core/index.ts';
import { anyDenied } from '../../custody/index.ts';
import {
  analyzeForWallet,
  importScreeningList,
  jsonSafe,
  listWallets,
  parseAddressList,
  registerWallet,
  walletToJson,
} from '../../custody/registry/index.ts';
import { type GlobalOptions, openLocal } from '../context.ts';
import { EXIT_INVALID, parseIntArg, printJson, UsageError } from '../output.ts';
import { custodyPolicyCommands } from './custody-policy.ts';
import { renderAnalysis } from './custody-render.ts';
import { custodyRequestCommands } from './custody-requests.ts';

const csv = (v: string | undefined) =>
  v === undefined
    ? undefined
    : v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);

function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${what} ${path}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new RampartError('FILE_INVALID', `${path} is not valid JSON: ${(e as Error).message}`);
  }
}

const cliActor = () => `cli:${userInfo().username}`;

export function custodyCommand(program: Command, globals: () => GlobalOptions): void {
  const custody = program
    .command('custody')
    .description('the custody guard: wallets, screening, transaction analysis');
  const wallet = custody.command('wallet').description('registered multisig wallets');
  custodyRequestCommands(custody, globals);
  custodyPolicyCommands(custody, globals);

  wallet
    .command('add')
    .description('register (or update) a Safe wallet; audited')
    .requiredOption('--chain <id>', 'chain id (1 for Ethereum mainnet)')
    .requiredOption('--address <0x…>', 'the Safe (proxy) address')
    .requiredOption('--version <v>', 'Safe version: 1.0.0, 1.1.1, 1.2.0, 1.3.0 or 1.4.1')
    .requiredOption('--owners <a,b,…>', 'owner addresses, comma-separated')
    .requiredOption('--threshold <n>', 'signatures required')
    .option('--modules <a,b,…>', 'enabled modules')
    .option('--guard <0x…>', 'transaction guard')
    .option('--fallback-handler <0x…>', 'fallback handler')
    .option('--address-book <file.json>', 'known counterparties: [{ "address", "label", "category"? }]')
    .option('--delegatecall-allow <a,b,…>', 'extra libraries the wallet may delegatecall')
    .action(async (o: Record<string, string | undefined>) => {
      const g = globals();
      const input = {
        chainId: parseIntArg('--chain', o['chain'], 1),
        address: o['address'],
        version: o['version'],
        owners: csv(o['owners']),
        threshold: parseIntArg('--threshold', o['threshold'], 1),
        ...(o['modules'] ? { modules: csv(o['modules']) } : {}),
        ...(o['guard'] ? { guard: o['guard'] } : {}),
        ...(o['fallbackHandler'] ? { fallbackHandler: o['fallbackHandler'] } : {}),
        ...(o['addressBook'] ? { addressBook: readJsonFile(o['addressBook'], 'address book') } : {}),
        ...(o['delegatecallAllow'] ? { delegatecallAllowList: csv(o['delegatecallAllow']) } : {}),
      };
      const ctx = await openLocal(g);
      try {
        const r = await registerWallet(ctx.ledger, input, cliActor());
        if (g.json) printJson({ created: r.created, ledgerIndex: r.index, wallet: walletToJson(r.wallet) });
        else
          process.stdout.write(
            `${r.created ? 'registered' : 'updated'} ${r.wallet.address} on chain ${r.wallet.chainId} (Safe ${r.wallet.version}, ${r.wallet.threshold} of ${r.wallet.owners.length}); ledger entry ${r.index}\n`,
          );
      } finally {
        await ctx.close();
      }
    });

  wallet
    .command('list')
    .description('registered wallets')
    .action(async () => {
      const g = globals();
      const ctx = await openLocal(g);
      try {
        const ws = await listWallets(ctx.ledger);
        if (g.json) printJson(ws.map(walletToJson));
        else
          for (const w of ws)
            process.stdout.write(
              `${w.chainId}\t${w.address}\tSafe ${w.version}\t${w.threshold}/${w.owners.length}\n`,
            );
      } finally {
        await ctx.close();
      }
    });

  custody
    .command('screen-import')
    .description('import a deny list (one EVM address per line) into the screening set; audited')
    .argument('<file>', 'the list, e.g. the FBI IC3 PSA 250226 addresses')
    .requiredOption('--source <name>', 'where the list comes from, e.g. fbi-ic3-psa250226')
    .option('--reason <text>', 'why these addresses are listed', 'deny list')
    .action(async (file: string, o: { source: string; reason: string }) => {
      const g = globals();
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
      }
      const addresses = parseAddressList(text);
      const ctx = await openLocal(g);
      try {
        const r = await importScreeningList(ctx.ledger, addresses, {
          source: o.source,
          reason: o.reason,
          actor: cliActor(),
        });
        if (g.json) printJson(r);
        else
          process.stdout.write(
            `${r.added} addresses added to the screening set from ${r.source} (${r.alreadyListed} already listed)\n`,
          );
      } finally {
        await ctx.close();
      }
    });

  custody
    .command('analyze')
    .description(
      'decode, hash, simulate and judge Safe transactions from raw fields (a Safe Transaction Service record, a list response, or an array); exit 1 if any is denied or invalid',
    )
    .argument('<file>', 'JSON file')
    .requiredOption('--wallet <0x…>', 'the registered wallet')
    .option('--chain <id>', 'chain id, when the wallet is registered on several')
    .option('--no-simulate', 'skip the EVM simulation (findings that need it are then missing)')
    .option(
      '--state <file>',
      'extra state for the simulation: [{ address, code?, storage?, balance?, nonce? }] (an offline fork)',
    )
    .action(
      async (file: string, o: { wallet: string; chain?: string; simulate: boolean; state?: string }) => {
        const g = globals();
        const input = readJsonFile(file, 'transaction file');
        const ctx = await openLocal(g);
        try {
          const entries = await analyzeForWallet(ctx.ledger, {
            wallet: o.wallet,
            chainId: parseIntArg('--chain', o.chain, 1),
            input,
            simulate: o.simulate,
            ...(o.state ? { extraState: readJsonFile(o.state, 'state file') } : {}),
          });
          if (g.json)
            printJson(
              jsonSafe(
                entries.map((e) =>
                  'analysis' in e
                    ? { ...e.analysis, ...(e.simulationError ? { simulationError: e.simulationError } : {}) }
                    : { index: e.index, error: e.error },
                ),
              ),
            );
          else for (const e of entries) process.stdout.write(renderAnalysis(e));
          if (anyDenied(entries)) process.exitCode = EXIT_INVALID;
        } finally {
          await ctx.close();
        }
      },
    );
}
