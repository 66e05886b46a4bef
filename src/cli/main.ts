/** `rampart`: one subcommand family per module. Exit 0 ok, 1 invalid or denied, 2 usage. */
import { Command, CommanderError } from 'commander';
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
type Family = (program: Command, globals: () => GlobalOptions) => unknown;

/**
 * Each command family and how to load it. Only the family named on the command line is loaded:
 * the custody family alone loads the EVM, and starting every family took seconds here for a
 * command that needs one (`rampart --help` and an unknown command still load them all).
 */
const families: Record<string, () => Promise<Family[]>> = {
  serve: async () => [(await import('./commands/serve.ts')).serveCommand],
  demo: async () => [(await import('./commands/demo.ts')).demoCommand],
  ledger: async () => [(await import('./commands/ledger.ts')).ledgerCommand],
  custody: async () => [(await import('./commands/custody.ts')).custodyCommand],
  access: async () => [(await import('./commands/access.ts')).accessCommand],
  alliance: async () => [
    (await import('./commands/alliance.ts')).allianceCommand,
    (await import('./commands/alliance-taxii.ts')).allianceTaxiiCommand,
  ],
  reserves: async () => [(await import('./commands/reserves.ts')).reservesCommand],
  signer: async () => [(await import('./commands/signer.ts')).signerCommand],
  signing: async () => [(await import('./commands/signing.ts')).signingCommand],
};

// Every subcommand reports usage errors with exit 2 instead of commander's exit(1).
function override(c: Command): void {
  c.exitOverride();
  for (const s of c.commands) override(s);
}

const GLOBALS_WITH_VALUE = new Set(['--config', '--data-dir', '--database-url']);

/** Global options may be written anywhere (`rampart ledger verify --json`): move them to the front. */
function hoistGlobals(argv: string[]): string[] {
  const front: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const name = a.split('=')[0]!;
    if (a === '--json') front.push(a);
    else if (GLOBALS_WITH_VALUE.has(name)) {
      front.push(a);
      if (!a.includes('=') && i + 1 < argv.length) front.push(argv[++i]!);
    } else rest.push(a);
  }
  return [...front, ...rest];
}

/** The first word after the global options (which hoistGlobals put in front, with their values). */
function familyNamed(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json' || GLOBALS_WITH_VALUE.has(a.split('=')[0]!)) {
      if (GLOBALS_WITH_VALUE.has(a)) i++;
      continue;
    }
    return a;
  }
  return undefined;
}

const argv = hoistGlobals(process.argv.slice(2));
const named = familyNamed(argv);
const wanted = named !== undefined && Object.hasOwn(families, named) ? [named] : Object.keys(families);
for (const loaded of await Promise.all(wanted.map((f) => families[f]!())))
  for (const add of loaded) add(program, globals);
override(program);

try {
  await program.parseAsync(['node', 'rampart', ...argv]);
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
