/**
 * `rampart alliance …` end to end through the real command: a collection, a member with rights,
 * an incident declared with the 51 FBI addresses from the file, updated, shown with its timeline,
 * resolved; and refusals with their exit codes (usage 2, invalid 1).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { rampart } from '../support/cli.ts';
import { storeIndependent } from '../support/passes.ts';

const FBI = fileURLToPath(
  new URL('../../../shared/vectors/intel/bybit-2025/fbi-ic3-psa250226-eth-addresses.txt', import.meta.url),
);
const dir = mkdtempSync(join(tmpdir(), 'rampart-alliance-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const run = (...args: string[]) =>
  rampart(['--data-dir', dir, ...args], { MEMBER_PW: 'a long member password' });
const json = (r: { stdout: string }) => JSON.parse(r.stdout);

test('collections, members, incidents through the CLI', storeIndependent, () => {
  const col = run('alliance', 'collection', 'create', '--title', 'Alliance incidents', '--json');
  assert.equal(col.code, 0, col.stderr);
  const collectionId = json(col).id as string;
  const m = run(
    'alliance',
    'member',
    'add',
    'exchange-b',
    '--name',
    'Exchange B',
    '--password-env',
    'MEMBER_PW',
  );
  assert.equal(m.code, 0, m.stderr);
  const r = run(
    'alliance',
    'member',
    'rights',
    'exchange-b',
    '--collection',
    collectionId,
    '--write',
    '--tlp-max',
    'amber',
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /read, write, up to TLP:AMBER/);
  const list = json(run('alliance', 'member', 'list', '--json'));
  assert.deepEqual(list.members[0].rights, [
    { collectionId, canRead: true, canWrite: true, tlpMax: 'amber' },
  ]);

  const d = run(
    'alliance',
    'incident',
    'declare',
    '--title',
    'Bybit theft: FBI PSA 250226',
    '--addresses-file',
    FBI,
    '--tlp',
    'amber',
    '--json',
  );
  assert.equal(d.code, 0, d.stderr);
  const inc = json(d);
  assert.equal(inc.addresses.length, 51);
  assert.equal(inc.collectionId, collectionId);
  const u = run(
    'alliance',
    'incident',
    'update',
    inc.id,
    '0x0000000000000000000000000000000000000001',
    '--json',
  );
  assert.equal(u.code, 0, u.stderr);
  assert.equal(json(u).addresses.length, 52);
  const show = run('alliance', 'incident', 'show', inc.id);
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /status {4}updated \(declared here\), TLP:AMBER/);
  assert.match(show.stdout, /addresses 52/);
  const res = run('alliance', 'incident', 'resolve', inc.id, '--json');
  assert.equal(json(res).status, 'resolved');
  const again = run('alliance', 'incident', 'update', inc.id, '0x0000000000000000000000000000000000000002');
  assert.equal(again.code, 1);
  assert.match(again.stderr, /INCIDENT_RESOLVED/);
  const timeline = json(run('alliance', 'incident', 'show', inc.id, '--json')).timeline.map(
    (e: { kind: string }) => e.kind,
  );
  assert.deepEqual(timeline, ['declared', 'updated', 'resolved']);
  const actions = (json(run('ledger', 'entries', '--limit', '1000', '--json')) as { action: string }[]).map(
    (e) => e.action,
  );
  for (const a of [
    'alliance.member.added',
    'alliance.member.right_set',
    'alliance.incident.declared',
    'alliance.incident.updated',
    'alliance.incident.resolved',
  ])
    assert.ok(actions.includes(a), a);
});

test('refusals: usage errors exit 2, invalid input exits 1', storeIndependent, () => {
  const noTitle = run('alliance', 'incident', 'declare', '0x0000000000000000000000000000000000000001');
  assert.equal(noTitle.code, 2);
  const badTlp = run(
    'alliance',
    'incident',
    'declare',
    '--title',
    'x',
    '--tlp',
    'purple',
    '0x0000000000000000000000000000000000000001',
  );
  assert.equal(badTlp.code, 2);
  assert.match(badTlp.stderr, /--tlp must be/);
  const red = run(
    'alliance',
    'member',
    'rights',
    'nobody',
    '--collection',
    '00000000-0000-4000-8000-000000000000',
    '--tlp-max',
    'red',
  );
  assert.equal(red.code, 2);
  const unknown = run(
    'alliance',
    'member',
    'rights',
    'nobody',
    '--collection',
    '00000000-0000-4000-8000-000000000000',
  );
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /MEMBER_NOT_FOUND/);
});
