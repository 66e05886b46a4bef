/** `rampart serve --demo`: starts with demo data and the console, and shuts down gracefully on SIGTERM. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, test } from 'node:test';
import { RAMPART_BIN, rampartAsync } from '../support/cli.ts';
import { createTestDb } from '../support/db.ts';

const db = await createTestDb();
after(() => db.drop());

test('serve --demo answers, serves the console, and exits 0 on SIGTERM with the log intact', async () => {
  const args = ['--data-dir', db.dataDir, ...(db.databaseUrl ? ['--database-url', db.databaseUrl] : [])];
  const child = spawn(process.execPath, [RAMPART_BIN, ...args, 'serve', '--demo', '--port', '0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner in 60 s:\n${stderr}`)), 60_000);
    child.stderr.on('data', (d) => {
      stderr += d;
      const m = /console (http:\/\/[^/\s]+)\//.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!.replace('localhost', '127.0.0.1'));
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}:\n${stderr}`)));
  });
  const health = (await (await fetch(`${url}/healthz`)).json()) as { ok: boolean };
  assert.equal(health.ok, true);
  const page = await (await fetch(`${url}/`)).text();
  assert.match(page, /<div id="root">/);
  const deep = await fetch(`${url}/ledger?at=10`);
  assert.equal(deep.status, 200, 'client-side routes fall back to the console');
  const cp = (await (await fetch(`${url}/api/v1/ledger/checkpoint`)).json()) as { size: number };
  // 60 demo entries, plus the enrollment-link entry the timer may already have checkpointed.
  assert.ok(cp.size >= 60, `checkpoint size ${cp.size}`);

  child.removeAllListeners('exit');
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill('SIGTERM');
  assert.equal(await exited, 0, stderr);
  const verify = await rampartAsync([...args, '--json', 'ledger', 'verify', '--no-state']);
  assert.equal(verify.code, 0, verify.stdout);
});

test('a bad configuration value stops start-up naming the key (exit 2)', async () => {
  const r = await rampartAsync(['--data-dir', db.dataDir, 'serve'], { RAMPART_SERVER_PORT: 'eighty' });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /server\.port \(from RAMPART_SERVER_PORT\)/);
});
