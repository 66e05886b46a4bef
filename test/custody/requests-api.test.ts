/** Custody requests over HTTP: the caller is the principal; permissions and separation of duties hold. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { createRole } from '../../src/access/authz/index.ts';
import { insertGrant } from '../../src/access/grants/index.ts';
import { bytesToBase64 } from '../../src/core/index.ts';
import { signApproval } from '../../src/custody/requests/index.ts';
import type { Principal } from '../../src/server/permissions.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const PERMS: Record<string, string[]> = {
  'user:op': ['custody:request:submit', 'custody:read', 'custody:wallets:write', 'custody:approve'],
  'user:ap1': ['custody:approve', 'custody:read'],
  'user:ap2': ['custody:approve', 'custody:read'],
  /** May approve, but holds none of the policy's roles (no `treasury` grant). */
  'user:ap3': ['custody:approve', 'custody:read'],
  'user:auditor': ['custody:read'],
};
const resolve = async (req: { headers: Record<string, unknown> }): Promise<Principal | undefined> => {
  const id = req.headers['x-test-principal'];
  return typeof id === 'string' && PERMS[id]
    ? { id, kind: 'user', permissions: new Set(PERMS[id]) }
    : undefined;
};
const SAFE = '0x5afe00000000000000000000000000000000c0de';
const TO = '0x00000000000000000000000000000000000bee71';
const keys = {
  'user:op': ed25519.utils.randomSecretKey(),
  'user:ap1': ed25519.utils.randomSecretKey(),
  'user:ap2': ed25519.utils.randomSecretKey(),
  'user:ap3': ed25519.utils.randomSecretKey(),
};

let srv: TestServer;
const call = async (method: string, path: string, as: string, body?: unknown) => {
  const r = await fetch(`${srv.url}${path}`, {
    method,
    headers: { 'x-test-principal': as, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: r.status, body: (await r.json()) as unknown };
};
before(async () => {
  srv = await startTestServer({ resolvePrincipal: resolve as never });
  // The default policy takes approvals from `treasury`: ap1 and ap2 hold it (grants, as data).
  const ledger = srv.app.ledger;
  await createRole(ledger, {
    name: 'treasury',
    permissions: ['custody:read', 'custody:approve'],
    actor: 'system',
  });
  await ledger.transact(async (tx) => {
    for (const principal of ['user:ap1', 'user:ap2']) {
      const grant = await insertGrant(tx.db, {
        principal,
        role: 'treasury',
        status: 'active',
        privileged: true,
        requestedBy: 'system',
        approvedBy: 'system',
        now: ledger.clock.now().toISOString(),
      });
      tx.audit({ actor: 'system', action: 'access.grant.requested', subject: principal, payload: { grant } });
    }
  });
});
after(() => srv.close());

test('submit, separation of duties, approvals by other people, permissions', async () => {
  const w = await call('POST', '/api/v1/custody/wallets', 'user:op', {
    chainId: 1,
    address: SAFE,
    version: '1.4.1',
    owners: ['0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf', '0x2B5AD5c4795c026514f8317c7a215E218DcCD6cF'],
    threshold: 2,
    addressBook: [{ address: TO, label: 'treasury', category: 'internal' }],
  });
  assert.equal(w.status, 200, JSON.stringify(w.body));
  for (const who of Object.keys(keys) as Array<keyof typeof keys>)
    assert.equal(
      (
        await call('POST', '/api/v1/custody/approver-keys', who, {
          publicKey: bytesToBase64(ed25519.getPublicKey(keys[who])),
        })
      ).status,
      200,
    );
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
  assert.equal(
    (await call('POST', '/api/v1/custody/requests', 'user:auditor', { wallet: SAFE, transaction })).status,
    403,
  );
  const sub = await call('POST', '/api/v1/custody/requests', 'user:op', { wallet: SAFE, transaction });
  assert.equal(sub.status, 200, JSON.stringify(sub.body));
  const { id, digest } = sub.body as { id: string; digest: string };
  const self = await call('POST', `/api/v1/custody/requests/${id}/approvals`, 'user:op', {
    digest,
    signature: signApproval(keys['user:op'], id, digest),
  });
  assert.equal(self.status, 403);
  assert.equal((self.body as { error: { code: string } }).error.code, 'SEPARATION_OF_DUTIES');
  const bad = await call('POST', `/api/v1/custody/requests/${id}/approvals`, 'user:ap1', {
    digest: 'zz',
    signature: 'x',
  });
  assert.equal(bad.status, 400);
  const noRole = await call('POST', `/api/v1/custody/requests/${id}/approvals`, 'user:ap3', {
    digest,
    signature: signApproval(keys['user:ap3'], id, digest),
  });
  assert.equal(noRole.status, 403, JSON.stringify(noRole.body));
  assert.equal((noRole.body as { error: { code: string } }).error.code, 'APPROVER_ROLE_MISSING');
  for (const who of ['user:ap1', 'user:ap2'] as const) {
    const r = await call('POST', `/api/v1/custody/requests/${id}/approvals`, who, {
      digest,
      signature: signApproval(keys[who], id, digest),
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
  const got = await call('GET', `/api/v1/custody/requests/${id}`, 'user:auditor');
  assert.equal((got.body as { status: string }).status, 'approved');
  const exp = await call('POST', `/api/v1/custody/requests/${id}/export`, 'user:op');
  assert.equal(exp.status, 409);
  assert.equal((exp.body as { error: { code: string } }).error.code, 'OWNER_SIGNATURES_MISSING');
});
