/**
 * Step-up wired into custody over HTTP, with real sessions: a person approves a request in the
 * console only with a passkey assertion over exactly { custody.request.approve, requestId, digest };
 * the initiator is still refused; a replayed or misdirected assertion is refused with its code;
 * export and approval-key registration from a session need their own step-up; the approval
 * keeps the assertion so it re-verifies later.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { reverifyStepUp } from '../../src/access/stepup/index.ts';
import { bytesToBase64 } from '../../src/core/index.ts';
import { registerWallet } from '../../src/custody/registry/index.ts';
import {
  passkeyApprovalChallenge,
  passkeyKeyFromCose,
  verifyPasskeyAssertion,
} from '../../src/signing/authorize/index.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { Person } from './stepup-people.ts';

const SAFE = '0x5afe00000000000000000000000000000000c0de';
const TO = '0x00000000000000000000000000000000000bee71';
const transaction = {
  to: TO,
  value: '5',
  data: '0x',
  operation: 0,
  safeTxGas: '0',
  baseGas: '0',
  gasPrice: '0',
  gasToken: '0x0000000000000000000000000000000000000000',
  refundReceiver: '0x0000000000000000000000000000000000000000',
  nonce: '0',
};

let srv: TestServer;
let op: Person;
let ap1: Person;
let ap2: Person;
let id = '';
let digest = '';

before(async () => {
  srv = await startTestServer();
  await new Person(srv, 'Ada Admin').enroll();
  op = await new Person(srv, 'Otto Operator').enroll(['operator', 'approver']);
  ap1 = await new Person(srv, 'Alice Approver').enroll(['approver']);
  ap2 = await new Person(srv, 'Bob Approver').enroll(['approver']);
  await registerWallet(
    srv.app.ledger,
    {
      chainId: 1,
      address: SAFE,
      version: '1.4.1',
      owners: ['0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf', '0x2B5AD5c4795c026514f8317c7a215E218DcCD6cF'],
      threshold: 2,
      addressBook: [{ address: TO, label: 'treasury', category: 'internal' }],
    },
    'system',
  );
  const sub = await op.call('POST', '/api/v1/custody/requests', { wallet: SAFE, transaction });
  assert.equal(sub.status, 200, JSON.stringify(sub.body));
  id = sub.body['id'] as string;
  digest = sub.body['digest'] as string;
});
after(() => srv.close());

const approveAction = (d = digest) => ({ action: 'custody.request.approve', requestId: id, digest: d });
const approvals = (p: Person, body: unknown) =>
  p.call('POST', `/api/v1/custody/requests/${id}/approvals`, body);

test('a session alone does not approve: STEPUP_REQUIRED (and an Ed25519 signature from a session is not enough)', async () => {
  const r = await approvals(ap1, { digest });
  assert.equal(r.status, 403);
  assert.equal(r.body.error?.code, 'STEPUP_REQUIRED');
  const s = await approvals(ap1, { digest, signature: 'AAAA' });
  assert.equal(s.body.error?.code, 'STEPUP_REQUIRED');
});

test('the initiator with a valid step-up is still refused (SEPARATION_OF_DUTIES)', async () => {
  const stepUp = await op.stepUp(approveAction());
  const r = await approvals(op, { digest, stepUp });
  assert.equal(r.status, 403);
  assert.equal(r.body.error?.code, 'SEPARATION_OF_DUTIES');
});

test('an assertion over another digest is refused (STEPUP_ACTION_MISMATCH)', async () => {
  const stepUp = await ap1.stepUp(approveAction('0'.repeat(64)));
  const r = await approvals(ap1, { digest, stepUp });
  assert.equal(r.status, 403);
  assert.equal(r.body.error?.code, 'STEPUP_ACTION_MISMATCH');
});

test("another person's step-up (a captured assertion) is refused from this session (STEPUP_SESSION_MISMATCH)", async () => {
  const stolen = await ap2.stepUp(approveAction());
  const r = await approvals(ap1, { digest, stepUp: stolen });
  assert.equal(r.status, 403);
  assert.equal(r.body.error?.code, 'STEPUP_SESSION_MISMATCH');
});

test('approved with a passkey step-up; the replay is refused (STEPUP_USED); the approval re-verifies from the ledger', async () => {
  const stepUp = await ap1.stepUp(approveAction());
  const r = await approvals(ap1, { digest, stepUp });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const list = r.body['approvals'] as Array<{ approver: string; via: string }>;
  assert.deepEqual(
    list.map((a) => [a.approver, a.via]),
    [[`user:${ap1.id}`, 'passkey']],
  );
  const replay = await approvals(ap1, { digest, stepUp });
  assert.equal(replay.status, 403);
  assert.equal(replay.body.error?.code, 'STEPUP_USED');
  const entries = await srv.app.ledger.entries(0, 1000);
  const approved = entries.find((e) => e.action === 'custody.request.approved')!;
  const evidence = approved.payload['stepUp'] as { stepUp: string; action: unknown };
  assert.deepEqual(evidence.action, approveAction());
  assert.equal((await reverifyStepUp(srv.app.access, evidence.stepUp)).verified, true);
  // A signer node, which trusts nothing Rampart says, accepts the same assertion as a passkey
  // approval of this request and digest (src/signing/authorize), and refuses it for another digest.
  const a = approved.payload['stepUp'] as {
    credentialId: string;
    authenticatorData: string;
    clientDataJSON: string;
    signature: string;
  };
  const row = (await srv.app.ledger.store.db
    .selectFrom('passkeys' as never)
    .select(['public_key' as never])
    .where('id' as never, '=', a.credentialId as never)
    .executeTakeFirstOrThrow()) as { public_key: Uint8Array };
  const key = passkeyKeyFromCose(a.credentialId, new Uint8Array(row.public_key));
  const rp = { rpId: 'localhost', origins: [srv.app.baseUrl()] };
  assert.equal(verifyPasskeyAssertion(key, a, passkeyApprovalChallenge(id, digest), rp), true);
  assert.equal(verifyPasskeyAssertion(key, a, passkeyApprovalChallenge(id, '0'.repeat(64)), rp), false);
  const kinds = entries.map((e) => e.action);
  for (const k of ['access.stepup.issued', 'access.stepup.used', 'access.stepup.refused'])
    assert.ok(kinds.includes(k), `${k} on the ledger`);
  const b = await approvals(ap2, { digest, stepUp: await ap2.stepUp(approveAction()) });
  assert.equal(b.status, 200, JSON.stringify(b.body));
  assert.equal((b.body['approvals'] as unknown[]).length, 2);
});

test('export from a session needs its own step-up; registering an approval key from a session too', async () => {
  const none = await op.call('POST', `/api/v1/custody/requests/${id}/export`, {});
  assert.equal(none.body.error?.code, 'STEPUP_REQUIRED');
  const wrong = await op.call('POST', `/api/v1/custody/requests/${id}/export`, {
    stepUp: await op.stepUp(approveAction()),
  });
  assert.equal(wrong.body.error?.code, 'STEPUP_ACTION_MISMATCH');
  const ok = await op.call('POST', `/api/v1/custody/requests/${id}/export`, {
    stepUp: await op.stepUp({ action: 'custody.request.export', requestId: id }),
  });
  // The step-up is accepted; the export itself waits for the owners' signatures.
  assert.equal(ok.body.error?.code, 'OWNER_SIGNATURES_MISSING');
  const key = bytesToBase64(ed25519.getPublicKey(ed25519.utils.randomSecretKey()));
  const k = await ap1.call('POST', '/api/v1/custody/approver-keys', { publicKey: key });
  assert.equal(k.body.error?.code, 'STEPUP_REQUIRED');
  const k2 = await ap1.call('POST', '/api/v1/custody/approver-keys', {
    publicKey: key,
    stepUp: await ap1.stepUp({ action: 'custody.approver_key.add', publicKey: key }),
  });
  assert.equal(k2.status, 200, JSON.stringify(k2.body));
});
