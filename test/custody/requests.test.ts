/**
 * Requests and approvals on the suite's store: approvals bind to the analysis digest, the
 * initiator never approves, forged / stale / replayed approvals fail for their own reasons, owner
 * signatures must recover to owners, and the exported bundle executes in the real Safe contract.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import type { Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { custodyScreening } from '../../src/alliance/screening/index.ts';
import { bytesToBase64 } from '../../src/core/index.ts';
import { parseWalletConfig, SafeSimulator } from '../../src/custody/index.ts';
import { policyHook, provideScreening, registerWallet } from '../../src/custody/registry/index.ts';
import {
  addApproverKey,
  approveRequest,
  attachOwnerSignature,
  exportBundle,
  signApproval,
  submitRequest,
  updateRequest,
} from '../../src/custody/requests/index.ts';
import { type Ledger, verifyStore } from '../../src/ledger/index.ts';
import type { Store } from '../../src/store/index.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { TEST_ORIGIN, testLedger } from '../support/ledger.ts';

const owners = [1, 2, 3].map((i) => privateKeyToAccount(`0x${i.toString(16).padStart(64, '0')}` as Hex));
const stranger = privateKeyToAccount(`0x${'77'.repeat(32)}` as Hex);
const SAFE = '0x5afe00000000000000000000000000000000c0de';
const RECIPIENT = '0x00000000000000000000000000000000000bee71';
const walletInput = {
  chainId: 1,
  address: SAFE,
  version: '1.3.0',
  owners: owners.map((o) => o.address),
  threshold: 2,
  addressBook: [{ address: RECIPIENT, label: 'cold storage B', category: 'internal' }],
};
const tx = (over: Record<string, string | number> = {}) => ({
  safe: SAFE,
  to: RECIPIENT,
  value: '1000000000000000000',
  data: '0x',
  operation: 0,
  safeTxGas: '0',
  baseGas: '0',
  gasPrice: '0',
  gasToken: '0x0000000000000000000000000000000000000000',
  refundReceiver: '0x0000000000000000000000000000000000000000',
  nonce: '0',
  ...over,
});
const approvers = {
  'user:dave': ed25519.utils.randomSecretKey(),
  'user:erin': ed25519.utils.randomSecretKey(),
};

describe('custody requests and approvals', () => {
  let db: TestDb;
  let store: Store;
  let ledger: Ledger;
  let keys: ReturnType<typeof testLedger>;

  before(async () => {
    db = await createTestDb();
    store = await db.open();
    keys = testLedger(store);
    ledger = keys.ledger;
    // As the server and the CLI compose it: the alliance screening set behind SCREENED_ADDRESS.
    provideScreening(ledger, custodyScreening(ledger));
    await registerWallet(ledger, walletInput, 'user:alice');
    for (const [p, sk] of Object.entries(approvers))
      await addApproverKey(ledger, {
        principal: p,
        publicKey: bytesToBase64(ed25519.getPublicKey(sk)),
        actor: 'user:alice',
      });
  });
  after(async () => {
    await store.close();
    await db.drop();
  });

  test('a request goes from submitted to exported, and the bundle executes in the real Safe', async () => {
    let req = await submitRequest(ledger, { initiator: 'user:bob', wallet: SAFE, transaction: tx() });
    assert.equal(req.status, 'pending', JSON.stringify(req.analysis.findings));
    assert.ok(req.decision.requiredApprovals >= 2);
    const first = req.digest;

    // The initiator can never approve.
    await assert.rejects(
      approveRequest(ledger, {
        id: req.id,
        approver: 'user:bob',
        digest: first,
        signature: signApproval(approvers['user:dave'], req.id, first),
      }),
      { code: 'SEPARATION_OF_DUTIES' },
    );
    // A forged approval: erin's key signing in dave's name.
    await assert.rejects(
      approveRequest(ledger, {
        id: req.id,
        approver: 'user:dave',
        digest: first,
        signature: signApproval(approvers['user:erin'], req.id, first),
      }),
      { code: 'APPROVAL_SIGNATURE_INVALID' },
    );
    // A signature over another request's digest.
    await assert.rejects(
      approveRequest(ledger, {
        id: req.id,
        approver: 'user:dave',
        digest: first,
        signature: signApproval(approvers['user:dave'], 'req_other', first),
      }),
      { code: 'APPROVAL_SIGNATURE_INVALID' },
    );
    req = await approveRequest(ledger, {
      id: req.id,
      approver: 'user:dave',
      digest: first,
      signature: signApproval(approvers['user:dave'], req.id, first),
    });
    // The same approval again (a replay).
    await assert.rejects(
      approveRequest(ledger, {
        id: req.id,
        approver: 'user:dave',
        digest: first,
        signature: signApproval(approvers['user:dave'], req.id, first),
      }),
      { code: 'APPROVAL_DUPLICATE' },
    );

    // Changing any field (a gas field here) makes a new digest: dave's approval no longer counts.
    req = await updateRequest(ledger, {
      id: req.id,
      actor: 'user:bob',
      transaction: tx({ safeTxGas: '50000' }),
    });
    assert.notEqual(req.digest, first);
    assert.equal(req.status, 'pending');
    await assert.rejects(
      approveRequest(ledger, {
        id: req.id,
        approver: 'user:erin',
        digest: first,
        signature: signApproval(approvers['user:erin'], req.id, first),
      }),
      { code: 'APPROVAL_DIGEST_STALE' },
    );
    for (const who of ['user:dave', 'user:erin'] as const)
      req = await approveRequest(ledger, {
        id: req.id,
        approver: who,
        digest: req.digest,
        signature: signApproval(approvers[who], req.id, req.digest),
      });
    assert.equal(req.status, 'approved');

    // Owner signatures from hardware wallets must recover to owners over Rampart's own hash.
    const hash = req.analysis.safeTxHash as Hex;
    await assert.rejects(
      attachOwnerSignature(ledger, {
        id: req.id,
        actor: 'user:bob',
        signature: await stranger.sign({ hash }),
      }),
      {
        code: 'OWNER_SIGNATURE_INVALID',
      },
    );
    await assert.rejects(exportBundle(ledger, { id: req.id, actor: 'user:bob' }), {
      code: 'OWNER_SIGNATURES_MISSING',
    });
    for (const o of owners.slice(0, 2))
      await attachOwnerSignature(ledger, {
        id: req.id,
        actor: 'user:bob',
        signature: await o.sign({ hash }),
      });
    const bundle = await exportBundle(ledger, { id: req.id, actor: 'user:bob' });
    assert.equal(bundle.safeTxHash, hash);
    assert.match(bundle.execTransactionData, /^0x6a761202/, 'execTransaction selector');

    // The exported signatures satisfy the real Safe 1.3.0 contract's own checks.
    const sim = await SafeSimulator.create(1);
    const result = await sim.simulate({
      wallet: parseWalletConfig(walletInput),
      tx: { ...parsedTx(tx({ safeTxGas: '50000' })) },
      signatures: bundle.signatures,
    });
    assert.equal(result.executed, true, result.revertReason);
    assert.equal(result.success, true);

    const actions = (await ledger.entries(0, 100)).map((e) => e.action);
    for (const a of [
      'custody.request.submitted',
      'custody.request.updated',
      'custody.request.approved',
      'custody.request.signature_attached',
      'custody.request.exported',
    ])
      assert.ok(actions.includes(a), `ledger has ${a}`);
    await ledger.checkpointNow();
    assert.equal((await verifyStore(store, { origin: TEST_ORIGIN, verifier: keys.verifier })).ok, true);
    // Exported once; never again.
    await assert.rejects(exportBundle(ledger, { id: req.id, actor: 'user:bob' }), {
      code: 'REQUEST_NOT_APPROVED',
    });
  });

  test('the policy in force decides the quorum: an unknown recipient needs 3 approvals under the default policy', async () => {
    const req = await submitRequest(ledger, {
      initiator: 'user:bob',
      wallet: SAFE,
      transaction: tx({ to: '0x00000000000000000000000000000000000f00d5', nonce: '1' }),
      policy: policyHook(ledger),
    });
    assert.equal(req.status, 'pending');
    assert.equal(req.decision.ruleId, 'unknown-recipient');
    assert.equal(req.decision.requiredApprovals, 3);
    assert.deepEqual(req.decision.fromRoles.sort(), ['security', 'treasury']);
    const known = await submitRequest(ledger, {
      initiator: 'user:bob',
      wallet: SAFE,
      transaction: tx({ nonce: '1' }),
      policy: policyHook(ledger),
    });
    assert.equal(known.decision.requiredApprovals, 2);
  });

  test('a denied request cannot be approved', async () => {
    const req = await submitRequest(ledger, {
      initiator: 'user:bob',
      wallet: SAFE,
      transaction: tx({
        to: '0x96221423681A6d52E184D440a8eFCEbB105C7242',
        operation: 1,
        value: '0',
        data: '0xa9059cbb000000000000000000000000bdd077f651ebe7f7b3ce16fe5f2b025be29695160000000000000000000000000000000000000000000000000000000000000000',
      }),
    });
    assert.equal(req.status, 'denied');
    assert.match(req.decision.reason, /DELEGATECALL_UNTRUSTED/);
    await assert.rejects(
      approveRequest(ledger, {
        id: req.id,
        approver: 'user:dave',
        digest: req.digest,
        signature: signApproval(approvers['user:dave'], req.id, req.digest),
      }),
      { code: 'REQUEST_NOT_PENDING' },
    );
  });

  test('bad input', async () => {
    await assert.rejects(
      submitRequest(ledger, { initiator: 'user:bob', wallet: SAFE, transaction: [tx(), tx()] }),
      { code: 'REQUEST_ONE_TRANSACTION' },
    );
    await assert.rejects(
      submitRequest(ledger, { initiator: 'user:bob', wallet: SAFE, transaction: tx({ value: '-1' }) }),
    );
    await assert.rejects(
      submitRequest(ledger, {
        initiator: 'user:bob',
        wallet: '0x000000000000000000000000000000000000dead',
        transaction: tx(),
      }),
      {
        code: 'WALLET_NOT_FOUND',
      },
    );
    await assert.rejects(
      approveRequest(ledger, { id: 'req_nope', approver: 'user:dave', digest: 'x', signature: 'y' }),
      { code: 'REQUEST_NOT_FOUND' },
    );
    await assert.rejects(
      addApproverKey(ledger, { principal: 'user:x', publicKey: 'not-a-key', actor: 'user:alice' }),
      { code: 'APPROVER_KEY_INVALID' },
    );
    // All-zero bytes are a point of order 4: every signature check against it could be forged.
    await assert.rejects(
      addApproverKey(ledger, { principal: 'user:x', publicKey: `${'A'.repeat(43)}=`, actor: 'user:alice' }),
      { code: 'APPROVER_KEY_INVALID' },
    );
  });
});

function parsedTx(t: ReturnType<typeof tx>) {
  return {
    to: t.to as Hex,
    value: BigInt(t.value),
    data: t.data as Hex,
    operation: t.operation as 0 | 1,
    safeTxGas: BigInt(t.safeTxGas),
    baseGas: BigInt(t.baseGas),
    gasPrice: BigInt(t.gasPrice),
    gasToken: t.gasToken as Hex,
    refundReceiver: t.refundReceiver as Hex,
    nonce: BigInt(t.nonce),
  };
}
