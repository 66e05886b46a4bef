/** `rampart custody policy set|show|test`. */
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { RampartError } from '../../core/index.ts';
import type { Analysis } from '../../custody/index.ts';
import { formatExplanation, parsePolicy } from '../../custody/policy/index.ts';
import {
  activePolicy,
  analyzeForWallet,
  evaluateWithActivePolicy,
  jsonSafe,
  setPolicy,
} from '../../custody/registry/index.ts';
import { type GlobalOptions, openLocal } from '../context.ts';
import { EXIT_INVALID, parseIntArg, printJson, UsageError } from '../output.ts';

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as Error).message}`);
  }
}

export function custodyPolicyCommands(custody: Command, globals: () => GlobalOptions): void {
  const policy = custody
    .command('policy')
    .description('the transaction policy (YAML or JSON), versioned in the ledger');

  policy
    .command('set')
    .description('validate and put a policy in force (audited with its digest)')
    .argument('<file>')
    .action(async (file: string) => {
      const text = read(file);
      const ctx = await openLocal(globals());
      try {
        const p = await setPolicy(ctx.ledger, text, `cli:${userInfo().username}`);
        if (globals().json)
          printJson({ seq: p.seq, digest: p.digest, name: p.policy.name ?? null, version: p.policy.version });
        else
          process.stdout.write(
            `policy ${p.policy.name ?? ''} v${p.policy.version} in force (#${p.seq}, sha256 ${p.digest})\n`,
          );
      } finally {
        await ctx.close();
      }
    });

  policy
    .command('show')
    .description('the policy in force (the built-in default when none was set)')
    .action(async () => {
      const ctx = await openLocal(globals());
      try {
        const p = await activePolicy(ctx.ledger);
        if (globals().json)
          printJson({ seq: p.seq, digest: p.digest, setBy: p.setBy, setAt: p.setAt, policy: p.policy });
        else
          process.stdout.write(
            `# #${p.seq}${p.seq === 0 ? ' (built-in default)' : ` set by ${p.setBy} at ${p.setAt}`}, sha256 ${p.digest}\n${p.source}`,
          );
      } finally {
        await ctx.close();
      }
    });

  policy
    .command('test')
    .description('analyse a transaction and explain which rule of a policy matches and why; exit 1 on deny')
    .argument('<policy>', 'policy file, or "active" for the one in force')
    .argument('<tx>', 'one Safe transaction (JSON)')
    .requiredOption('--wallet <0x…>', 'the registered wallet')
    .option('--chain <id>', 'chain id')
    .option('--no-simulate', 'skip the EVM simulation')
    .action(
      async (
        policyFile: string,
        txFile: string,
        o: { wallet: string; chain?: string; simulate: boolean },
      ) => {
        const p = policyFile === 'active' ? undefined : parsePolicy(read(policyFile), policyFile);
        let input: unknown;
        try {
          input = JSON.parse(read(txFile));
        } catch (e) {
          if (e instanceof UsageError) throw e;
          throw new RampartError('FILE_INVALID', `${txFile} is not valid JSON: ${(e as Error).message}`);
        }
        const chainId = parseIntArg('--chain', o.chain, 1);
        const ctx = await openLocal(globals());
        try {
          const [entry] = await analyzeForWallet(ctx.ledger, {
            wallet: o.wallet,
            ...(chainId ? { chainId } : {}),
            input,
            simulate: o.simulate,
          });
          if (!entry) throw new UsageError(`${txFile} holds no transaction`);
          if (!('analysis' in entry)) throw new RampartError(entry.error.code, entry.error.message);
          const analysis = jsonSafe(entry.analysis) as Analysis;
          const d = await evaluateWithActivePolicy(ctx.ledger, analysis, p);
          if (globals().json) printJson(jsonSafe(d));
          else process.stdout.write(`${formatExplanation(d)}\n`);
          if (d.decision === 'deny') process.exitCode = EXIT_INVALID;
        } finally {
          await ctx.close();
        }
      },
    );
}
