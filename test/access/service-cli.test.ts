/** `rampart access service keygen|add|list|revoke`: keys made on the service's side, registered with exactly the permissions given, audited. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { base64ToBytes } from '../../src/core/index.ts';
import { rampart } from '../support/cli.ts';
import { createTestDb, type TestDb } from '../support/db.ts';

let db: TestDb;
let base: string[];
const keys = mkdtempSync(join(tmpdir(), 'rampart-service-keys-'));
before(async () => {
  db = await createTestDb();
  base = ['--data-dir', db.dataDir, ...(db.databaseUrl ? ['--database-url', db.databaseUrl] : [])];
});
after(async () => {
  await db.drop();
  rmSync(keys, { recursive: true, force: true });
});

test('keygen writes a 0600 private key whose public half is printed, and never overwrites', () => {
  const out = join(keys, 'node-1.key');
  const r = rampart(['--json', 'access', 'service', 'keygen', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const printed = JSON.parse(r.stdout) as { publicKey: string };
  assert.equal(statSync(out).mode & 0o777, 0o600);
  const sk = base64ToBytes(readFileSync(out, 'utf8').trim());
  assert.deepEqual(ed25519.getPublicKey(sk), base64ToBytes(printed.publicKey));
  const again = rampart(['access', 'service', 'keygen', '--out', out]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /FILE_EXISTS/);
});

test('add registers exactly the role’s permissions, list shows it, revoke ends it — each on the ledger', () => {
  const pub = join(keys, 'node-1.key.pub');
  const add = rampart([
    ...base,
    '--json',
    'access',
    'service',
    'add',
    'signer-node-1',
    '--key-id',
    'node-1',
    '--public-key',
    pub,
    '--role',
    'signer-node',
  ]);
  assert.equal(add.code, 0, add.stderr);
  assert.deepEqual((JSON.parse(add.stdout) as { permissions: string[] }).permissions, [
    'custody:read',
    'ledger:read',
    'signing:node',
  ]);
  const list = JSON.parse(rampart([...base, '--json', 'access', 'service', 'list']).stdout) as Array<{
    keyId: string;
    revokedAt: string | null;
  }>;
  assert.deepEqual(
    list.map((k) => [k.keyId, k.revokedAt]),
    [['node-1', null]],
  );
  assert.equal(rampart([...base, 'access', 'service', 'revoke', 'node-1']).code, 0);
  const after = JSON.parse(rampart([...base, '--json', 'access', 'service', 'list']).stdout) as Array<{
    revokedAt: string | null;
  }>;
  assert.ok(after[0]?.revokedAt, 'revoked');
  const again = rampart([...base, 'access', 'service', 'revoke', 'node-1']);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /SERVICE_KEY_NOT_FOUND/);
  const entries = JSON.parse(rampart([...base, '--json', 'ledger', 'entries']).stdout) as Array<{
    action: string;
  }>;
  const actions = entries.map((e) => e.action);
  assert.ok(actions.includes('access.service_key.registered'));
  assert.ok(actions.includes('access.service_key.revoked'));
});

test('bad input: a wrong key, an unknown role, no permissions at all — each named', () => {
  const bad = rampart([
    ...base,
    'access',
    'service',
    'add',
    'bot',
    '--key-id',
    'bot-1',
    '--public-key',
    'AAAA',
    '--role',
    'auditor',
  ]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /SERVICE_KEY_INVALID/);
  const pk = readFileSync(join(keys, 'node-1.key.pub'), 'utf8').trim();
  const role = rampart([
    ...base,
    'access',
    'service',
    'add',
    'bot',
    '--key-id',
    'bot-1',
    '--public-key',
    pk,
    '--role',
    'wizard',
  ]);
  assert.equal(role.code, 1);
  assert.match(role.stderr, /ROLE_UNKNOWN/);
  const none = rampart([...base, 'access', 'service', 'add', 'bot', '--key-id', 'bot-1', '--public-key', pk]);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /PERMISSIONS_REQUIRED/);
  const usage = rampart([...base, 'access', 'service', 'add', 'bot', '--public-key', pk]);
  assert.equal(usage.code, 2, 'a missing required option is a usage error');
});
