/** `rampart`: one subcommand family per module. Exit 0 ok, 1 invalid or denied, 2 usage. */
import { Command, CommanderError } from 'commander';
import { accessCommand } from './commands/access.ts';
import { allianceCommand } from './commands/alliance.ts';
import { allianceTaxiiCommand } from './commands/alliance-taxii.ts';
import { custodyCommand } from './commands/custody.ts';
import { demoCommand } from './commands/demo.ts';
import { ledgerCommand } from './commands/ledger.ts';
import { reservesCommand } from './commands/reserves.ts';
import { serveCommand } from './commands/serve.ts';
import { signerCommand } from './commands/signer.ts';
import { signingCommand } from './commands/signing.ts';
import type { GlobalOptions } from './context.ts';
import { EXIT_USAGE, reportError } from './output.ts';

const program = new Command('rampart')
  .description('Rampart: security control plane for cryptocurrency exchanges')
  .option('--config <file>', 'config file (default ./rampart.config.json|yaml, or RAMPART_CONFIG)')
  .option('--data-dir <dir>', 'data directory (default ./data, or RAMPART_DATA_DIR)')
  .option(
    '--database-url <url>',
    'postgres:// URL (default: SQLite in the data directory; or RAMPART_DATABASE_URL)',
  )
  .option('--json', 'print results as JSON')
  .showHelpAfterError()
  .exitOverride();
program.configureOutput({ writeErr: (s) => process.stderr.write(s) });
for (const c of [program]) c.exitOverride();

const globals = () => program.opts<GlobalOptions>();
serveCommand(program, globals);
demoCommand(program, globals);
ledgerCommand(program, globals);
custodyCommand(program, globals);
accessCommand(program, globals);
allianceCommand(program, globals);
allianceTaxiiCommand(program, globals);
reservesCommand(program, globals);
signerCommand(program, globals);
signingCommand(program, globals);

// Every subcommand reports usage errors with exit 2 instead of commander's exit(1).
function override(c: Command): void {
  c.exitOverride();
  for (const s of c.commands) override(s);
}
override(program);

/** Global options may be written anywhere (`rampart ledger verify --json`): move them to the front. */
function hoistGlobals(argv: string[]): string[] {
  const withValue = new Set(['--config', '--data-dir', '--database-url']);
  const front: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const name = a.split('=')[0]!;
    if (a === '--json') front.push(a);
    else if (withValue.has(name)) {
      front.push(a);
      if (!a.includes('=') && i + 1 < argv.length) front.push(argv[++i]!);
    } else rest.push(a);
  }
  return [...front, ...rest];
}

try {
  await program.parseAsync(['node', 'rampart', ...hoistGlobals(process.argv.slice(2))]);
} catch (e) {
  if (e instanceof CommanderError) {
    process.exitCode =
      e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0
        ? 0
        : EXIT_USAGE;
  } else {
    process.exitCode = reportError(e, Boolean(globals().json));
  }
}
