// A Taproot key-path spend signed through signer nodes over loopback HTTP: three in-process nodes
// (own stores, passphrase key stores), each with the re-verification hook (nodeSignAuthorizer) over
// its own approvers, policy and replay record; a 2-of-3 secp256k1-tr DKG through the coordinator;
// a regtest spend of a fixed UTXO paying the group's output key, approved, signed, finalized and
// verified from its raw bytes. Nodes refuse when the approvals or the bytes are wrong.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { schnorr } from '@noble/curves/secp256k1.js';
import { bytesToBase64, bytesToHex, hexToBytes } from '../../src/core/index.ts';
import { defaultPolicy } from '../../src/custody/index.ts';
import { signApproval } from '../../src/custody/requests/approval.ts';
import type { Ledger } from '../../src/ledger/index.ts';
import {
  applyEnrollmentChange,
  type EnrolledApprover,
  MemoryReplayGuard,
  type NodePolicy,
  nodePolicyVersion,
  nodeSignAuthorizer,
} from '../../src/signing/authorize/index.ts';
import {
  buildKeyPathSpend,
  describeSpend,
  extractSigned,
  finalizeKeyPath,
  keyPathSighash,
  outputKeyScript,
  parsePsbt,
  prevouts,
  psbtToBase64,
  spendDigest,
  verifyKeyPathSpend,
} from '../../src/signing/bitcoin/index.ts';
import {
  type CoordinatorContext,
  loadCoordinatorKey,
  type RegisteredKey,
  runDkg,
  runSign,
} from '../../src/signing/coordinator/index.ts';
import { parseNodeConfig, type RunningNode, startSignerNode } from '../../src/signing/node/index.ts';
import type { Store } from '../../src/store/index.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { testLedger } from '../support/ledger.ts';
import { coordinatorKeyIn, freePort, nodeConfig, TEST_PASSPHRASE } from '../support/signer-nodes.ts';

const NETWORK = 'regtest';
const DEST = 'bcrt1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqc8gma6';
const FUNDING = '9f'.repeat(32);

const people = ['alice', 'bob', 'carol'] as const;
const sk = Object.fromEntries(people.map((p) => [p, ed25519.utils.randomSecretKey()])) as Record<
  (typeof people)[number],
  Uint8Array
>;
let APPROVERS: EnrolledApprover[] = [];
for (const p of people)
  APPROVERS = applyEnrollmentChange(APPROVERS, {
    op: 'add-key',
    principal: p,
    roles: ['treasury'],
    key: { type: 'ed25519', publicKey: bytesToBase64(ed25519.getPublicKey(sk[p])) },
    actor: 'root',
  }).approvers;
const POLICY: NodePolicy = {
  transactionPolicy: defaultPolicy(),
  otherPayloads: { approvals: 2, fromRoles: ['treasury'] },
};

function failedCodes(e: unknown): string[] {
  const d = (e as { details?: { failed?: Array<{ code: string }> } }).details;
  return (d?.failed ?? []).map((f) => f.code);
}

describe('a Bitcoin Taproot spend signed through signer nodes', { timeout: 300_000 }, () => {
  let dir = '';
  let db: TestDb;
  let store: Store;
  let ledger: Ledger;
  let ctx: CoordinatorContext;
  let nodes: RunningNode[] = [];
  let key: RegisteredKey;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-btc-nodes-'));
    db = await createTestDb();
    store = await db.open();
    ({ ledger } = testLedger(store));
    const coordDir = join(dir, 'coordinator');
    const coordinator = coordinatorKeyIn(coordDir);
    nodes = await Promise.all(
      ['node-a', 'node-b', 'node-c'].map(async (id) => {
        const port = await freePort();
        let groupKey: Uint8Array | undefined;
        return startSignerNode(parseNodeConfig(nodeConfig(id, join(dir, id), port, coordinator)), {
          env: { RAMPART_SIGNER_PASSPHRASE: TEST_PASSPHRASE },
          authorize: nodeSignAuthorizer({
            approvers: () => APPROVERS,
            policy: () => POLICY,
            replay: new MemoryReplayGuard(),
            groupKey: () => {
              groupKey ??= key ? hexToBytes(key.groupPublicKey) : undefined;
              return groupKey;
            },
          }),
        });
      }),
    );
    ctx = { ledger, key: loadCoordinatorKey(coordDir), actor: 'cli:bitcoin-test' };
    key = await runDkg(ctx, {
      suite: 'secp256k1-tr',
      threshold: 2,
      nodeUrls: nodes.map((n) => n.url),
      keyId: 'btc-cold',
    });
  });
  after(async () => {
    await Promise.all(nodes.map((n) => n.close()));
    await store?.close();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function spend(amountOut: bigint) {
    const groupKey = hexToBytes(key.groupPublicKey);
    const tx = buildKeyPathSpend({
      network: NETWORK,
      utxos: [{ txid: FUNDING, vout: 0, amount: 250_000n, outputKey: groupKey }],
      outputs: [
        { address: DEST, amount: amountOut },
        { address: outputKeyScript(groupKey, NETWORK).address, amount: 250_000n - amountOut - 800n },
      ],
    });
    const psbt = psbtToBase64(tx);
    const digest = spendDigest(describeSpend(parsePsbt(psbt), NETWORK));
    return { tx, psbt, digest };
  }

  function request(requestId: string, psbt: string, digest: string, who: Array<(typeof people)[number]>) {
    return {
      requestId,
      policyVersion: nodePolicyVersion(POLICY),
      digest,
      payload: { kind: 'bitcoin', network: NETWORK, psbt, input: 0 },
      approvals: who.map((p) => ({
        type: 'ed25519',
        approver: p,
        digest,
        signature: signApproval(sk[p], requestId, digest),
      })),
    };
  }

  test('the DKG key is the Taproot output key; the approved spend is signed, finalized and verifies', async () => {
    assert.equal(key.suite, 'secp256k1-tr');
    assert.match(key.groupPublicKey, /^[0-9a-f]{64}$/); // x-only: noble tweaked the DKG key (BIP86)
    const { tx, psbt, digest } = spend(200_000n);
    const sighash = keyPathSighash(tx, 0);
    const r = await runSign(ctx, {
      keyId: key.keyId,
      message: sighash,
      request: request('req_btc_ok', psbt, digest, ['alice', 'bob']),
    });
    const sig = hexToBytes(r.signature);
    assert.ok(schnorr.verify(sig, sighash, hexToBytes(key.groupPublicKey)));
    const unsigned = parsePsbt(psbt);
    finalizeKeyPath(unsigned, 0, sig);
    const signed = extractSigned(unsigned);
    const verified = verifyKeyPathSpend(signed.hex, prevouts(unsigned));
    assert.equal(verified.txid, tx.id);
    assert.equal(verified.fee, 800n);
    assert.equal(verified.inputs[0]!.outputKey, key.groupPublicKey);
  });

  test('nodes refuse one approval short, and bytes other than the approved sighash', async () => {
    const { tx, psbt, digest } = spend(150_000n);
    await assert.rejects(
      runSign(ctx, {
        keyId: key.keyId,
        message: keyPathSighash(tx, 0),
        request: request('req_btc_short', psbt, digest, ['carol']),
      }),
      (e: unknown) => failedCodes(e).includes('APPROVAL_QUORUM_NOT_MET'),
    );
    // the coordinator asks the nodes to sign other bytes under a properly approved request
    const other = spend(149_000n);
    await assert.rejects(
      runSign(ctx, {
        keyId: key.keyId,
        message: keyPathSighash(other.tx, 0),
        request: request('req_btc_swap', psbt, digest, ['alice', 'carol']),
      }),
      (e: unknown) => failedCodes(e).includes('SIGNING_MESSAGE_MISMATCH'),
    );
    // without a request nodes sign nothing
    await assert.rejects(runSign(ctx, { keyId: key.keyId, message: keyPathSighash(tx, 0) }), (e: unknown) =>
      failedCodes(e).includes('SIGNING_REQUEST_INVALID'),
    );
    assert.equal(bytesToHex(keyPathSighash(tx, 0)).length, 64);
  });
});
