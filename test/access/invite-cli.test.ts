/** `rampart access invite`: one-time links carrying non-privileged roles; the administrator role is refused. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { rampart } from '../support/cli.ts';
import { createTestDb, type TestDb } from '../support/db.ts';

let db: TestDb;
let base: string[];
before(async () => {
  db = await createTestDb();
  base = ['--data-dir', db.dataDir, ...(db.databaseUrl ? ['--database-url', db.databaseUrl] : [])];
});
after(() => db.drop());

test('an operator invitation is a one-time link, audited; administrator and unknown roles are refused', () => {
  const r = rampart([...base, '--json', 'access', 'invite', '--roles', 'operator,approver']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { link: string; roles: string[] };
  assert.match(out.link, /\/enroll#[A-Za-z0-9_-]{20,}$/);
  assert.deepEqual(out.roles, ['approver', 'operator']);
  const entries = JSON.parse(rampart([...base, '--json', 'ledger', 'entries']).stdout) as Array<{
    action: string;
    payload: { roles?: string[] };
  }>;
  const e = entries.find((x) => x.action === 'access.enrollment.created');
  assert.deepEqual(e?.payload.roles, ['approver', 'operator']);
  assert.ok(
    !JSON.stringify(entries).includes(out.link.split('#')[1]!),
    'the token is never written to the ledger',
  );
  const admin = rampart([...base, 'access', 'invite', '--roles', 'administrator']);
  assert.equal(admin.code, 1);
  assert.match(admin.stderr, /INVITATION_PRIVILEGED/);
  const unknown = rampart([...base, 'access', 'invite', '--roles', 'wizard']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /INVITATION_INVALID/);
});
