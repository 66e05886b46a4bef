#!/usr/bin/env node
// The test suite, run twice: on SQLite, then on PostgreSQL started here from Debian's package.
//   node scripts/test.mjs [--sqlite-only | --postgres-only] [file-or-folder-filter …]
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { startPostgres } from './postgres.mjs';

const args = process.argv.slice(2);
const sqliteOnly = args.includes('--sqlite-only');
const postgresOnly = args.includes('--postgres-only');
const filters = args.filter((a) => !a.startsWith('--'));

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...find(p));
    else if (name.endsWith('.test.ts')) out.push(relative(process.cwd(), p));
  }
  return out;
}
const files = find('test')
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(2);
}

/**
 * The PostgreSQL pass runs only the files that can reach the shared store: those whose test-side
 * imports (followed through test/) lead to test/support/db.ts or that open a store or a server
 * themselves. The others (vectors, pure logic, the browser-free verifiers) would repeat the SQLite
 * pass byte for byte.
 */
const STORE_MARKERS = /RAMPART_TEST_DB|openStore|createRampart|createTestDb/;
const reachesStore = new Map();
function usesStore(file) {
  if (reachesStore.has(file)) return reachesStore.get(file);
  reachesStore.set(file, false);
  const text = readFileSync(file, 'utf8');
  let uses = STORE_MARKERS.test(text);
  for (const m of text.matchAll(/from\s+['"](\.{1,2}\/[^'"]+)['"]/g)) {
    if (uses) break;
    const target = join(dirname(file), m[1]);
    if (target.startsWith('test') && existsSync(target)) uses = usesStore(target);
  }
  reachesStore.set(file, uses);
  return uses;
}

function run(label, env, files) {
  return new Promise((resolve) => {
    console.log(`\n=== ${label}: ${files.length} test files ===`);
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
      { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.on('exit', (code) => {
      const num = (re) => Number(re.exec(out)?.[1] ?? 0);
      resolve({ code: code ?? 1, pass: num(/ℹ pass (\d+)/), fail: num(/ℹ fail (\d+)/) });
    });
  });
}

const results = [];
if (!postgresOnly) results.push(await run('SQLite', { RAMPART_TEST_DB: 'sqlite' }, files));
const storeFiles = files.filter((f) => usesStore(f));
if (!sqliteOnly && storeFiles.length > 0) {
  let pg;
  try {
    pg = await startPostgres();
  } catch (e) {
    console.error(`\n${e.message}`);
    process.exit(1);
  }
  const stop = () => pg.stop();
  process.on('SIGINT', () => stop().then(() => process.exit(130)));
  try {
    results.push(
      await run(
        `PostgreSQL (port ${pg.port}; ${files.length - storeFiles.length} files that never open the store ran on the SQLite pass only)`,
        { RAMPART_TEST_DB: 'postgres', RAMPART_TEST_PG_URL: pg.url },
        storeFiles,
      ),
    );
  } finally {
    await stop();
  }
}
const pass = results.reduce((a, r) => a + r.pass, 0);
const fail = results.reduce((a, r) => a + r.fail, 0);
const failedRun = results.some((r) => r.code !== 0);
console.log(`\ntests: ${pass} passed, ${fail} failed`);
process.exit(failedRun || fail > 0 ? 1 : 0);
