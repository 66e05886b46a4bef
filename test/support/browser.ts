/**
 * Console tests' browser: Debian's chromium driven by playwright-core (nothing downloaded), and the
 * console built when web/dist is older than what it is built from.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const WEB = fileURLToPath(new URL('../../web/', import.meta.url));
/** What the console bundle is built from: web/ and the server code it runs in the browser. */
const SOURCES = ['../../web/', '../../src/'].map((p) => fileURLToPath(new URL(p, import.meta.url)));

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = 0;
  for (const name of readdirSync(path)) {
    if (name === 'dist' || name === 'node_modules') continue;
    m = Math.max(m, newestMtime(join(path, name)));
  }
  return m;
}

/** Build the console unless web/dist is newer than every file it is built from. */
export async function ensureConsoleBuilt(): Promise<void> {
  const index = join(WEB, 'dist', 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= Math.max(...SOURCES.map(newestMtime))) return;
  const { build } = await import('vite');
  await build({ configFile: join(WEB, 'vite.config.ts'), logLevel: 'warn' });
}

/**
 * Headless chromium with the flags this closed network needs (no background connections). Never
 * skips: a console test that does not run is a console that is not tested.
 */
export async function launchChromium(): Promise<Browser> {
  assert.ok(existsSync(CHROMIUM), 'chromium is not installed: run apt-get install -y chromium');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
