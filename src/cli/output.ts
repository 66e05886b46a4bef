/** How the CLI speaks: --json prints one JSON document on stdout; exit 0 ok, 1 invalid/denied, 2 usage. */
import { isRampartError } from '../core/index.ts';

export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;

export class UsageError extends Error {}

export function printJson(v: unknown): void {
  process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
}

/** Print an error for a person (stderr) or a program (--json on stdout), and return its exit code. */
export function reportError(e: unknown, json: boolean): number {
  if (e instanceof UsageError) {
    if (json) printJson({ error: { code: 'USAGE', message: e.message } });
    else process.stderr.write(`rampart: ${e.message}\n(see --help)\n`);
    return EXIT_USAGE;
  }
  if (isRampartError(e)) {
    if (json) printJson({ error: e.toJSON() });
    else process.stderr.write(`rampart: ${e.message} [${e.code}]\n`);
    return e.code === 'CONFIG_INVALID' ? EXIT_USAGE : EXIT_INVALID;
  }
  const msg = e instanceof Error ? e.message : String(e);
  if (json) printJson({ error: { code: 'INTERNAL', message: msg } });
  else process.stderr.write(`rampart: ${msg}\n`);
  return EXIT_INVALID;
}

export function parseIntArg(name: string, v: string | undefined, min = 0): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min || !Number.isSafeInteger(Number(v)))
    throw new UsageError(`${name} must be an integer ≥ ${min} (got "${v}")`);
  return Number(v);
}
