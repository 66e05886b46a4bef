import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError } from '../../src/core/index.ts';
import { envNameFor, loadConfig } from '../../src/core/node.ts';

const cwd = mkdtempSync(join(tmpdir(), 'rampart-config-'));

test('defaults: SQLite under ./data, port 8080, loopback', () => {
  const c = loadConfig({ env: {}, cwd });
  assert.equal(c.server.port, 8080);
  assert.equal(c.server.host, '127.0.0.1');
  assert.equal(c.dataDir, join(cwd, 'data'));
  assert.equal(c.database.url, undefined);
});

test('environment variables are derived from key paths and coerced', () => {
  assert.equal(envNameFor('ledger.checkpointEveryEntries'), 'RAMPART_LEDGER_CHECKPOINT_EVERY_ENTRIES');
  const c = loadConfig({
    env: {
      RAMPART_SERVER_PORT: '9000',
      RAMPART_DATABASE_URL: 'postgres://u@h/db',
      RAMPART_WITNESS_ENABLED: 'true',
    },
    cwd,
  });
  assert.equal(c.server.port, 9000);
  assert.equal(c.database.url, 'postgres://u@h/db');
  assert.equal(c.witness.enabled, true);
});

test("the verification workers' spin time: 1 ms by default, from the environment, bounded", () => {
  assert.equal(loadConfig({ env: {}, cwd }).access.verifyWorkerSpinMicros, 1000);
  assert.equal(envNameFor('access.verifyWorkerSpinMicros'), 'RAMPART_ACCESS_VERIFY_WORKER_SPIN_MICROS');
  const c = loadConfig({ env: { RAMPART_ACCESS_VERIFY_WORKER_SPIN_MICROS: '0' }, cwd });
  assert.equal(c.access.verifyWorkerSpinMicros, 0);
  assert.equal(c.access.nonces, 'auto');
  for (const bad of ['-1', '10001', '2.5', 'soon'])
    assert.throws(
      () => loadConfig({ env: { RAMPART_ACCESS_VERIFY_WORKER_SPIN_MICROS: bad }, cwd }),
      /access\.verifyWorkerSpinMicros \(from RAMPART_ACCESS_VERIFY_WORKER_SPIN_MICROS\)/,
      bad,
    );
});

test('a bad value names the key, where it came from and what is wrong', () => {
  assert.throws(
    () => loadConfig({ env: { RAMPART_SERVER_PORT: 'eighty' }, cwd }),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.code, 'CONFIG_INVALID');
      assert.match(e.message, /server\.port \(from RAMPART_SERVER_PORT\)/);
      return true;
    },
  );
  assert.throws(
    () => loadConfig({ env: { RAMPART_DATABASE_URL: 'mysql://x' }, cwd }),
    /database\.url .*postgres/,
  );
  assert.throws(() => loadConfig({ env: { RAMPART_LEDGER_ORIGIN: 'has space' }, cwd }), /ledger\.origin/);
});

test('YAML and JSON files, unknown keys refused, env wins over file', () => {
  writeFileSync(
    join(cwd, 'rampart.config.yaml'),
    'server:\n  port: 7000\nledger:\n  checkpointEveryEntries: 10\n',
  );
  const c = loadConfig({ env: {}, cwd });
  assert.equal(c.server.port, 7000);
  assert.equal(c.ledger.checkpointEveryEntries, 10);
  assert.equal(loadConfig({ env: { RAMPART_SERVER_PORT: '7001' }, cwd }).server.port, 7001);
  const bad = join(cwd, 'bad.json');
  writeFileSync(bad, JSON.stringify({ server: { prot: 1 } }));
  assert.throws(() => loadConfig({ file: bad, env: {}, cwd }), /server.*(prot|Unrecognized)/);
  writeFileSync(bad, '{ not json');
  assert.throws(() => loadConfig({ file: bad, env: {}, cwd }), /not valid JSON/);
});
