/** The standalone verifier page for the reserves browser tests, built when missing or stale. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB = fileURLToPath(new URL('../../web/', import.meta.url));
export const VERIFIER_PAGE = join(WEB, 'dist-verifier', 'rampart-verify.html');
/** What the page is built from: its entry, the console's reserves components, the pure verifier. */
const SOURCES = [
  'verifier',
  'src/reserves',
  'src/styles.css',
  '../src/reserves/verify',
  '../src/reserves/tree',
  '../src/core',
].map((p) => join(WEB, p));

function newest(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((n) => newest(join(path, n))));
}

/** Build the page unless it is newer than everything it is built from; returns its path. */
export async function ensureVerifierBuilt(): Promise<string> {
  if (!existsSync(VERIFIER_PAGE) || statSync(VERIFIER_PAGE).mtimeMs < Math.max(...SOURCES.map(newest))) {
    const { build } = await import('vite');
    await build({ configFile: join(WEB, 'verifier', 'vite.config.ts'), logLevel: 'warn' });
  }
  return VERIFIER_PAGE;
}
