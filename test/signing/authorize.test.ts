// What a signer node checks before it contributes a share (src/signing/authorize): the message and
// digest recomputed from raw data for a plain message, a Safe transaction (custody's own analysis)
// and a Bitcoin spend; approvals, enrollment, quorum, policy version and replay — each refusal with
// its own code.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { schnorr_FROST } from '@noble/curves/secp256k1.js';
import { getAddress } from 'viem';
import { base64ToBytes, bytesToBase64, bytesToHex, hexToBytes, utf8 } from '../../src/core/index.ts';
import {
  analysisDigest,
  analyzeSafeTx,
  defaultPolicy,
  parsePolicyObject,
  parseSafeTxRecord,
  parseWalletConfig,
  type SimulationResult,
} from '../../src/custody/index.ts';
import { signApproval } from '../../src/custody/requests/approval.ts';
import {
  applyEnrollmentChange,
  approverKeyId,
  authorizeSigning,
  type EnrolledApprover,
  MemoryReplayGuard,
  messageSummary,
  type NodePolicy,
  nodePolicyVersion,
  type SignerContext,
  safeSigningRequest,
  verifyEd25519,
} from '../../src/signing/authorize/index.ts';
import {
  buildKeyPathSpend,
  describeSpend,
  extractSigned,
  finalizeKeyPath,
  parsePsbt,
  prevouts,
  psbtToBase64,
  spendDigest,
  verifyKeyPathSpend,
} from '../../src/signing/bitcoin/index.ts';
import { hasCode } from '../support/errors.ts';
import { storeIndependent } from '../support/passes.ts';

// ---- approvers, enrolled through the audited enrollment function ----
const people = ['alice', 'bob', 'carol', 'dave', 'erin', 'mallory'] as const;
type Person = (typeof people)[number];
const sk = Object.fromEntries(people.map((p) => [p, ed25519.utils.randomSecretKey()])) as Record<
  Person,
  Uint8Array
>;
const pkB64 = (p: Person) => bytesToBase64(ed25519.getPublicKey(sk[p]));
const ROLES: Record<Exclude<Person, 'mallory'>, string[]> = {
  alice: ['treasury'],
  bob: ['treasury'],
  carol: ['treasury'],
  dave: ['security'],
  erin: ['governance'],
};

function enroll(): { approvers: EnrolledApprover[]; audits: string[] } {
  let approvers: EnrolledApprover[] = [];
  const audits: string[] = [];
  for (const [principal, roles] of Object.entries(ROLES)) {
    const r = applyEnrollmentChange(approvers, {
      op: 'add-key',
      principal,
      roles,
      key: { type: 'ed25519', publicKey: pkB64(principal as Person) },
      actor: 'root',
    });
    approvers = r.approvers;
    audits.push(`${r.audit.action}:${r.audit.subject}`);
  }
  return { approvers, audits };
}
const { approvers: APPROVERS } = enroll();

const POLICY: NodePolicy = {
  transactionPolicy: defaultPolicy(),
  otherPayloads: { approvals: 2, fromRoles: ['treasury'] },
};
const NOW = new Date('2026-11-25T10:00:00Z');

function ctx(extra: Partial<SignerContext> = {}): SignerContext {
  return { approvers: APPROVERS, policy: POLICY, replay: new MemoryReplayGuard(), now: NOW, ...extra };
}

const approve = (p: Person, requestId: string, digest: string) => ({
  type: 'ed25519' as const,
  approver: p,
  digest,
  signature: signApproval(sk[p], requestId, digest),
});

// ---- a plain message ----
const MESSAGE = utf8('rotate the exchange hot wallet to key set 2026-11 (ticket 4471)');
const MSG_DIGEST = analysisDigest(messageSummary(MESSAGE));
function messageRequest(over: Record<string, unknown> = {}, approvers: Person[] = ['alice', 'bob']) {
  const requestId = (over['requestId'] as string | undefined) ?? 'req_msg_1';
  return {
    requestId,
    policyVersion: nodePolicyVersion(POLICY),
    digest: MSG_DIGEST,
    payload: { kind: 'message', message: bytesToBase64(MESSAGE) },
    approvals: approvers.map((p) => approve(p, requestId, MSG_DIGEST)),
    ...over,
  };
}

describe('authorizeSigning: a plain message', storeIndependent, () => {
  it('accepts a quorum of enrolled approvers and returns the exact bytes to sign', async () => {
    const a = await authorizeSigning(messageRequest(), ctx());
    assert.equal(bytesToHex(a.message), bytesToHex(MESSAGE));
    assert.equal(a.digest, MSG_DIGEST);
    assert.deepEqual(a.approvers, ['alice', 'bob']);
    assert.equal(a.replayKey, 'req_msg_1');
  });

  it('refuses a forged approval (signed by a key that is not the approver’s)', async () => {
    const req = messageRequest();
    req.approvals[1] = { ...req.approvals[1]!, signature: signApproval(sk.mallory, 'req_msg_1', MSG_DIGEST) };
    await assert.rejects(authorizeSigning(req, ctx()), hasCode('APPROVAL_SIGNATURE_INVALID'));
    // and a signature with one bit flipped
    const flipped = messageRequest();
    const sig = base64ToBytes(flipped.approvals[0]!.signature);
    sig[5]! ^= 1;
    flipped.approvals[0] = { ...flipped.approvals[0]!, signature: bytesToBase64(sig) };
    await assert.rejects(authorizeSigning(flipped, ctx()), hasCode('APPROVAL_SIGNATURE_INVALID'));
  });

  it('refuses an approval of another digest', async () => {
    const other = analysisDigest(messageSummary(utf8('something else')));
    const req = messageRequest();
    req.approvals[1] = approve('bob', 'req_msg_1', other);
    await assert.rejects(authorizeSigning(req, ctx()), hasCode('APPROVAL_DIGEST_MISMATCH'));
    // claiming the right digest while having signed the other one is a bad signature
    req.approvals[1] = { ...approve('bob', 'req_msg_1', other), digest: MSG_DIGEST };
    await assert.rejects(authorizeSigning(req, ctx()), hasCode('APPROVAL_SIGNATURE_INVALID'));
    // an approval of the same digest for another request id does not carry over either
    req.approvals[1] = approve('bob', 'req_msg_OTHER', MSG_DIGEST);
    await assert.rejects(authorizeSigning(req, ctx()), hasCode('APPROVAL_SIGNATURE_INVALID'));
  });

  it('refuses one approval short', async () => {
    await assert.rejects(
      authorizeSigning(messageRequest({}, ['alice']), ctx()),
      hasCode('APPROVAL_QUORUM_NOT_MET'),
    );
    await assert.rejects(authorizeSigning(messageRequest({}, []), ctx()), hasCode('APPROVAL_QUORUM_NOT_MET'));
  });

  it('refuses the same approver twice', async () => {
    await assert.rejects(
      authorizeSigning(messageRequest({}, ['alice', 'alice']), ctx()),
      hasCode('APPROVAL_DUPLICATE_APPROVER'),
    );
  });

  it('refuses an approver who is not enrolled, and approvers without the needed role', async () => {
    await assert.rejects(
      authorizeSigning(messageRequest({}, ['alice', 'mallory']), ctx()),
      hasCode('APPROVER_NOT_ENROLLED'),
    );
    await assert.rejects(
      authorizeSigning(messageRequest({}, ['alice', 'dave']), ctx()),
      hasCode('APPROVER_ROLE_MISSING'),
    );
    // a third approval from a treasury member makes it
    const ok = await authorizeSigning(messageRequest({}, ['alice', 'dave', 'carol']), ctx());
    assert.deepEqual(ok.approvers, ['alice', 'dave', 'carol']);
  });

  it('refuses a stale policy version', async () => {
    const older = parsePolicyObject({ version: 1, rules: [{ id: 'all', match: {}, action: { allow: {} } }] });
    const stale = nodePolicyVersion({ ...POLICY, transactionPolicy: older });
    assert.notEqual(stale, nodePolicyVersion(POLICY));
    await assert.rejects(
      authorizeSigning(messageRequest({ policyVersion: stale }), ctx()),
      hasCode('SIGNING_POLICY_STALE'),
    );
  });

  it('refuses a replayed request; a restarted session for the same bytes within the window is a retry', async () => {
    const replay = new MemoryReplayGuard();
    const first = await authorizeSigning(messageRequest(), ctx({ replay }));
    assert.equal(replay.lookup(first.replayKey)?.firstAuthorizedAt.getTime(), NOW.getTime());
    // a node died between the rounds: the coordinator asks again with fresh commitments, 2 minutes later
    const soon = new Date(NOW.getTime() + 2 * 60_000);
    await authorizeSigning(messageRequest(), ctx({ replay, now: soon }));
    // the same request an hour later is a replay
    const later = new Date(NOW.getTime() + 60 * 60_000);
    await assert.rejects(
      authorizeSigning(messageRequest(), ctx({ replay, now: later })),
      hasCode('SIGNING_REQUEST_REPLAYED'),
    );
    // and the same request id with other (properly approved) bytes is refused at once
    const other = utf8('another message under the same request id');
    const digest = analysisDigest(messageSummary(other));
    const substituted = messageRequest({
      payload: { kind: 'message', message: bytesToBase64(other) },
      digest,
      approvals: (['alice', 'bob'] as Person[]).map((p) => approve(p, 'req_msg_1', digest)),
    });
    await assert.rejects(
      authorizeSigning(substituted, ctx({ replay, now: soon })),
      hasCode('SIGNING_REQUEST_REPLAYED'),
    );
    // a refused request leaves no record behind
    const fresh = new MemoryReplayGuard();
    await assert.rejects(authorizeSigning(messageRequest({}, ['alice']), ctx({ replay: fresh })));
    assert.equal(fresh.lookup('req_msg_1'), undefined);
  });

  it('refuses when the bytes the node is about to sign are not the approved message', async () => {
    const changed = Uint8Array.from(MESSAGE);
    changed[0]! ^= 0x20;
    await assert.rejects(
      authorizeSigning(messageRequest(), ctx({ signing: { message: changed, suite: 'ed25519' } })),
      hasCode('SIGNING_MESSAGE_MISMATCH'),
    );
    const ok = await authorizeSigning(
      messageRequest(),
      ctx({ signing: { message: MESSAGE, suite: 'ed25519' } }),
    );
    assert.equal(ok.kind, 'message');
  });

  it('refuses a message that differs from the approved one by one byte', async () => {
    const changed = Uint8Array.from(MESSAGE);
    changed[changed.length - 1]! ^= 1;
    const req = messageRequest({ payload: { kind: 'message', message: bytesToBase64(changed) } });
    await assert.rejects(authorizeSigning(req, ctx()), hasCode('SIGNING_DIGEST_MISMATCH'));
    // and when the coordinator also rewrites the request's digest, the approvals do not cover it
    const digest = analysisDigest(messageSummary(changed));
    await assert.rejects(authorizeSigning({ ...req, digest }, ctx()), hasCode('APPROVAL_DIGEST_MISMATCH'));
  });

  it('refuses malformed requests with a clear error', async () => {
    await assert.rejects(authorizeSigning({ requestId: 'x' }, ctx()), hasCode('SIGNING_REQUEST_INVALID'));
    await assert.rejects(
      authorizeSigning(messageRequest({ digest: 'ABC' }), ctx()),
      (e: unknown) => hasCode('SIGNING_REQUEST_INVALID')(e) && /digest/.test((e as Error).message),
    );
    await assert.rejects(
      authorizeSigning(messageRequest({ payload: { kind: 'ethereum-eoa', message: '' } }), ctx()),
      hasCode('SIGNING_REQUEST_INVALID'),
    );
  });
});

describe('approver enrollment', storeIndependent, () => {
  it('records every change, refuses self-enrollment, duplicate keys and bad keys', () => {
    const { audits } = enroll();
    assert.deepEqual(audits, [
      'signing.approver_key.added:alice',
      'signing.approver_key.added:bob',
      'signing.approver_key.added:carol',
      'signing.approver_key.added:dave',
      'signing.approver_key.added:erin',
    ]);
    const add = (principal: string, publicKey: string, actor = 'root') =>
      applyEnrollmentChange(APPROVERS, {
        op: 'add-key',
        principal,
        roles: ['treasury'],
        key: { type: 'ed25519', publicKey },
        actor,
      });
    assert.throws(() => add('mallory', pkB64('mallory'), 'mallory'), hasCode('APPROVER_SELF_ENROLLMENT'));
    assert.throws(() => add('mallory', pkB64('alice')), hasCode('APPROVER_KEY_DUPLICATE'));
    assert.throws(
      () => add('mallory', bytesToBase64(new Uint8Array(31))),
      hasCode('APPROVER_ENROLLMENT_INVALID'),
    );
    // All-zero bytes decode to a point of order 4: anyone could forge approvals under it.
    assert.throws(
      () => add('mallory', bytesToBase64(new Uint8Array(32))),
      hasCode('APPROVER_ENROLLMENT_INVALID'),
    );
    assert.throws(
      () =>
        applyEnrollmentChange(APPROVERS, {
          op: 'add-key',
          principal: 'zed',
          key: { type: 'ed25519', publicKey: pkB64('mallory') },
          actor: 'root',
        }),
      hasCode('APPROVER_ENROLLMENT_INVALID'), // a new approver needs a role
    );
    assert.throws(
      () => applyEnrollmentChange(APPROVERS, { op: 'remove-approver', principal: 'zed', actor: 'root' }),
      hasCode('APPROVER_NOT_FOUND'),
    );
    assert.throws(
      () => applyEnrollmentChange(APPROVERS, { op: 'grant-all', principal: 'zed', actor: 'root' }),
      hasCode('APPROVER_ENROLLMENT_INVALID'),
    );
  });

  it('a removed key or approver no longer counts; roles changes take effect', async () => {
    const removed = applyEnrollmentChange(APPROVERS, {
      op: 'remove-key',
      principal: 'bob',
      keyId: approverKeyId({ type: 'ed25519', publicKey: pkB64('bob') }),
      actor: 'root',
    });
    assert.equal(removed.audit.action, 'signing.approver_key.removed');
    assert.ok(!removed.approvers.some((a) => a.principal === 'bob')); // no key left: no approver
    await assert.rejects(
      authorizeSigning(messageRequest(), ctx({ approvers: removed.approvers })),
      hasCode('APPROVER_NOT_ENROLLED'),
    );
    const demoted = applyEnrollmentChange(APPROVERS, {
      op: 'set-roles',
      principal: 'bob',
      roles: ['security'],
      actor: 'root',
    });
    assert.deepEqual(demoted.audit.payload, { previous: ['treasury'], roles: ['security'] });
    await assert.rejects(
      authorizeSigning(messageRequest(), ctx({ approvers: demoted.approvers })),
      hasCode('APPROVER_ROLE_MISSING'),
    );
    // the original set is untouched (pure)
    assert.ok((await authorizeSigning(messageRequest(), ctx())).approvers.includes('bob'));
  });
});

// ---- a Safe transaction: the node re-runs custody's analysis ----
const A = (n: number) => getAddress(`0x${n.toString(16).padStart(40, '0')}`);
const WALLET_JSON = {
  chainId: 1,
  address: A(0xba5e),
  version: '1.3.0',
  owners: [A(0x1001), A(0x1002), A(0x1003)],
  threshold: 2,
  addressBook: [{ address: A(0x2001), label: 'exchange hot wallet', category: 'exchange' }],
};
const TX_JSON = { to: A(0x2001), value: '1000000000000000000', data: '0x', operation: 0, nonce: '7' };
const SIM = {
  executed: true,
  success: true,
  gasUsed: '50000',
  effects: {
    balanceChanges: [
      { address: A(0xba5e), asset: 'native', delta: '-1000000000000000000' },
      { address: A(0x2001), asset: 'native', delta: '1000000000000000000' },
    ],
    approvals: [],
    walletStorageWrites: [],
  },
  missingCode: [],
} as const;

function custodyAnalysis(tx: Record<string, unknown> = TX_JSON, sim: unknown = SIM) {
  // what the custody module stores and approvers approve (analyzeWithSimulation → analyzeSafeTx)
  return analyzeSafeTx({
    wallet: parseWalletConfig(WALLET_JSON),
    record: parseSafeTxRecord(tx),
    simulation: structuredClone(sim) as SimulationResult,
  });
}

function safeRequest(
  approvers: Person[],
  over: { tx?: Record<string, unknown>; sim?: unknown; digest?: string } = {},
) {
  const requestId = 'req_safe_1';
  const digest = over.digest ?? custodyAnalysis().digest;
  return {
    requestId,
    policyVersion: nodePolicyVersion(POLICY),
    digest,
    payload: {
      kind: 'safe',
      wallet: WALLET_JSON,
      transaction: over.tx ?? TX_JSON,
      simulation: over.sim === undefined ? SIM : over.sim,
    },
    approvals: approvers.map((p) => approve(p, requestId, digest)),
  };
}

describe('authorizeSigning: a Safe transaction', storeIndependent, () => {
  it('recomputes custody’s analysis digest and signs the safeTxHash computed from the raw fields', async () => {
    const analysis = custodyAnalysis();
    assert.equal(analysis.verdict === 'deny', false);
    const a = await authorizeSigning(safeRequest(['alice', 'bob']), ctx());
    assert.equal(a.digest, analysis.digest);
    assert.equal(`0x${bytesToHex(a.message)}`, analysis.safeTxHash);
    assert.deepEqual(
      a.requirements.map((r) => [r.approvals, r.fromRoles.join('|')]),
      [
        [2, 'treasury'],
        [2, ''],
      ],
    );
  });

  it('refuses when one byte of the transaction or one simulated effect differs from what was approved', async () => {
    await assert.rejects(
      authorizeSigning(
        safeRequest(['alice', 'bob'], { tx: { ...TX_JSON, value: '1000000000000000001' } }),
        ctx(),
      ),
      hasCode('SIGNING_DIGEST_MISMATCH'),
    );
    await assert.rejects(
      authorizeSigning(safeRequest(['alice', 'bob'], { tx: { ...TX_JSON, data: '0x00' } }), ctx()),
      hasCode('SIGNING_DIGEST_MISMATCH'),
    );
    const sim = structuredClone(SIM) as unknown as { effects: { balanceChanges: Array<{ delta: string }> } };
    sim.effects.balanceChanges[1]!.delta = '999999999999999999';
    await assert.rejects(
      authorizeSigning(safeRequest(['alice', 'bob'], { sim }), ctx()),
      hasCode('SIGNING_DIGEST_MISMATCH'),
    );
  });

  it('takes the quorum from the node’s own policy: an unknown recipient needs 3 from treasury or security', async () => {
    const tx = { ...TX_JSON, to: A(0x3001) };
    const sim = structuredClone(SIM) as unknown as {
      effects: { balanceChanges: Array<{ address: string }> };
    };
    sim.effects.balanceChanges[1]!.address = A(0x3001);
    const digest = custodyAnalysis(tx, sim).digest;
    await assert.rejects(
      authorizeSigning(safeRequest(['alice', 'bob'], { tx, sim, digest }), ctx()),
      hasCode('APPROVAL_QUORUM_NOT_MET'),
    );
    const ok = await authorizeSigning(safeRequest(['alice', 'bob', 'dave'], { tx, sim, digest }), ctx());
    assert.equal(ok.requirements[0]!.approvals, 3);
  });

  it('safeSigningRequest: a request built from custody’s analysis (simulation recovered from it) is accepted', async () => {
    // a wallet as the registry holds it: bigint nonce, a screening list added at analysis time
    const wallet = { ...parseWalletConfig(WALLET_JSON), nonce: 7n, screened: [A(0x6666)] };
    for (const sim of [SIM, null]) {
      const analysis = analyzeSafeTx({
        wallet,
        record: parseSafeTxRecord(TX_JSON),
        simulation: structuredClone(sim) as SimulationResult | null,
      });
      const requestId = `req_custody_${sim ? 'sim' : 'nosim'}`;
      const people: Person[] = sim ? ['alice', 'bob'] : ['alice', 'bob', 'dave']; // unsimulated: needs review (3)
      const req = safeSigningRequest({
        requestId,
        policyVersion: nodePolicyVersion(POLICY),
        wallet,
        record: TX_JSON,
        analysis,
        approvals: people.map((p) => approve(p, requestId, analysis.digest)),
      });
      const a = await authorizeSigning(req, ctx());
      assert.equal(a.digest, analysis.digest);
      assert.equal(`0x${bytesToHex(a.message)}`, analysis.safeTxHash);
    }
  });

  it('refuses what its own analysis or policy denies, whatever was approved', async () => {
    // a delegatecall to an unknown contract: custody's verdict is deny
    const tx = { ...TX_JSON, value: '0', operation: 1, to: A(0x6666) };
    const digest = custodyAnalysis(tx, null).digest;
    await assert.rejects(
      authorizeSigning(safeRequest(['alice', 'bob', 'carol', 'dave'], { tx, sim: null, digest }), ctx()),
      hasCode('SIGNING_ANALYSIS_DENIED'),
    );
    // a node whose current policy freezes everything refuses an otherwise approved transfer
    const frozen: NodePolicy = {
      ...POLICY,
      transactionPolicy: parsePolicyObject({
        version: 1,
        rules: [{ id: 'freeze', match: {}, action: { deny: { reason: 'incident freeze' } } }],
      }),
    };
    const req = { ...safeRequest(['alice', 'bob']), policyVersion: nodePolicyVersion(frozen) };
    await assert.rejects(authorizeSigning(req, ctx({ policy: frozen })), hasCode('SIGNING_POLICY_DENIED'));
  });
});

// ---- a Bitcoin spend: approvals cover the spend summary; the node signs the input's BIP341 sighash ----
describe(
  'authorizeSigning: a Bitcoin Taproot spend, then FROST signs what was authorized',
  storeIndependent,
  () => {
    const frost = schnorr_FROST;
    const deal = frost.trustedDealer({ min: 2, max: 3 });
    const ids = Object.keys(deal.secretShares);
    // a DKG would give a tweaked key; here the dealer's key is used as the output key directly
    const groupKey = deal.public.commitments[0]!;
    const tx = buildKeyPathSpend({
      network: 'regtest',
      utxos: [{ txid: 'aa'.repeat(32), vout: 0, amount: 50_000n, outputKey: groupKey }],
      outputs: [
        { address: 'bcrt1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqc8gma6', amount: 49_000n },
      ],
    });
    const psbt = psbtToBase64(tx);
    const digest = spendDigest(describeSpend(parsePsbt(psbt), 'regtest'));
    const request = (over: Record<string, unknown> = {}) => ({
      requestId: 'req_btc_1',
      policyVersion: nodePolicyVersion(POLICY),
      digest,
      payload: { kind: 'bitcoin', network: 'regtest', psbt, input: 0 },
      approvals: (['alice', 'carol'] as Person[]).map((p) => approve(p, 'req_btc_1', digest)),
      ...over,
    });

    it('authorizes, signs the sighash through FROST, and the finished transaction verifies', async () => {
      const a = await authorizeSigning(request(), ctx({ groupKey }));
      assert.equal(a.replayKey, 'req_btc_1#input:0');
      const secrets = ids.slice(0, 2).map((id) => deal.secretShares[id]!);
      const gens = secrets.map((s) => frost.commit(s));
      const commitments = gens.map((g) => g.commitments);
      const shares: Record<string, Uint8Array> = {};
      secrets.forEach((s, i) => {
        shares[s.identifier] = frost.signShare(s, deal.public, gens[i]!.nonces, commitments, a.message);
      });
      const sig = frost.aggregate(deal.public, commitments, a.message, shares);
      const unsigned = parsePsbt(psbt);
      finalizeKeyPath(unsigned, 0, sig);
      const signed = extractSigned(unsigned);
      assert.equal(verifyKeyPathSpend(signed.hex, prevouts(unsigned)).txid, unsigned.id);
    });

    it('refuses a PSBT changed after approval, and an input that does not pay the node’s key', async () => {
      const changed = buildKeyPathSpend({
        network: 'regtest',
        utxos: [{ txid: 'aa'.repeat(32), vout: 0, amount: 50_000n, outputKey: groupKey }],
        outputs: [
          { address: 'bcrt1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqc8gma6', amount: 48_999n },
        ],
      });
      await assert.rejects(
        authorizeSigning(
          request({
            payload: { kind: 'bitcoin', network: 'regtest', psbt: psbtToBase64(changed), input: 0 },
          }),
          ctx(),
        ),
        hasCode('SIGNING_DIGEST_MISMATCH'),
      );
      const other = frost.trustedDealer({ min: 2, max: 3 }).public.commitments[0]!;
      await assert.rejects(
        authorizeSigning(request(), ctx({ groupKey: other })),
        hasCode('SIGNING_KEY_MISMATCH'),
      );
      await assert.rejects(
        authorizeSigning(
          request({ payload: { kind: 'bitcoin', network: 'regtest', psbt, input: 1 } }),
          ctx(),
        ),
        hasCode('SIGNING_REQUEST_INVALID'),
      );
      assert.ok(hexToBytes(digest).length === 32);
      // a Taproot key-path spend is never signed with another suite's key
      const a = await authorizeSigning(request(), ctx({ groupKey }));
      await assert.rejects(
        authorizeSigning(request(), ctx({ groupKey, signing: { message: a.message, suite: 'secp256k1' } })),
        hasCode('SIGNING_KEY_MISMATCH'),
      );
    });
  },
);

describe('approval signatures are verified strictly (RFC 8032)', storeIndependent, () => {
  it('accepts valid signatures, refuses small-order keys and non-canonical S', () => {
    const msg = utf8('{"action":"custody.request.approve"}');
    const pk = ed25519.getPublicKey(sk.alice);
    const sig = ed25519.sign(msg, sk.alice);
    assert.ok(verifyEd25519(pk, msg, sig));
    assert.equal(verifyEd25519(pk, utf8('other'), sig), false);
    // S + L: the same point equation holds, but RFC 8032 requires S < L
    const L = 2n ** 252n + 27742317777372353535851937790883648493n;
    let s = 0n;
    for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(sig[32 + i]!);
    const sPlusL = s + L;
    const bad = Uint8Array.from(sig);
    for (let i = 0; i < 32; i++) bad[32 + i] = Number((sPlusL >> BigInt(8 * i)) & 0xffn);
    assert.equal(verifyEd25519(pk, msg, bad), false);
    // the identity point (small order) as a public key: refused whatever the signature
    const identity = new Uint8Array(32);
    identity[0] = 1;
    assert.equal(verifyEd25519(identity, msg, sig), false);
    assert.equal(verifyEd25519(pk.slice(1), msg, sig), false);
  });
});
