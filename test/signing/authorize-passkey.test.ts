// Passkey approvals checked by a signer node: a WebAuthn assertion (L3 §7.2) whose challenge is
// SHA-256 of custody's canonical approval message, verified with the credential's enrolled public
// key (ES256 on P-256, EdDSA on Ed25519), user presence and verification required.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { base64urlnopad } from '@scure/base';
import { isoCBOR } from '@simplewebauthn/server/helpers';
import { bytesToBase64, concatBytes, utf8 } from '../../src/core/index.ts';
import { analysisDigest, defaultPolicy } from '../../src/custody/index.ts';
import {
  type ApproverKey,
  applyEnrollmentChange,
  authorizeSigning,
  type EnrolledApprover,
  MemoryReplayGuard,
  messageSummary,
  type NodePolicy,
  nodePolicyVersion,
  passkeyApprovalChallenge,
  passkeyKeyFromCose,
} from '../../src/signing/authorize/index.ts';
import { hasCode } from '../support/errors.ts';
import { storeIndependent } from '../support/passes.ts';

const RP = { rpId: 'rampart.example', origins: ['https://rampart.example'] };
const POLICY: NodePolicy = {
  transactionPolicy: defaultPolicy(),
  otherPayloads: { approvals: 2, fromRoles: [] },
};
const MESSAGE = utf8('withdraw 12 BTC from cold vault 3 to the exchange hot wallet');
const DIGEST = analysisDigest(messageSummary(MESSAGE));
const REQUEST_ID = 'req_pk_1';

interface Device {
  credentialId: string;
  key: Extract<ApproverKey, { type: 'passkey' }>;
  sign(data: Uint8Array): Uint8Array;
}

const b64u = (b: Uint8Array) => base64urlnopad.encode(b);

function p256Device(): Device {
  const sk = p256.utils.randomSecretKey();
  const pub = p256.getPublicKey(sk, false);
  const credentialId = b64u(sha256(pub).slice(0, 16));
  // the COSE_Key a browser's attestation carries, as the access module stores it
  const coseKey = isoCBOR.encode(
    new Map<number, number | Uint8Array>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, pub.slice(1, 33)],
      [-3, pub.slice(33)],
    ]),
  );
  return {
    credentialId,
    key: passkeyKeyFromCose(credentialId, coseKey),
    sign: (data) => p256.sign(data, sk, { format: 'der' }),
  };
}

function ed25519Device(): Device {
  const sk = ed25519.utils.randomSecretKey();
  const pub = ed25519.getPublicKey(sk);
  const credentialId = b64u(sha256(pub).slice(0, 16));
  const coseKey = isoCBOR.encode(
    new Map<number, number | Uint8Array>([
      [1, 1],
      [3, -8],
      [-1, 6],
      [-2, pub],
    ]),
  );
  return {
    credentialId,
    key: passkeyKeyFromCose(credentialId, coseKey),
    sign: (data) => ed25519.sign(data, sk),
  };
}

/** What navigator.credentials.get returns, built per WebAuthn §6.1 (authenticator data) and §5.8.1 (client data). */
function assertion(
  device: Device,
  approver: string,
  opts: {
    flags?: number;
    origin?: string;
    challenge?: Uint8Array;
    rpId?: string;
    type?: string;
    digest?: string;
  } = {},
) {
  const authenticatorData = concatBytes(
    sha256(utf8(opts.rpId ?? RP.rpId)),
    Uint8Array.of(opts.flags ?? 0x05), // UP | UV
    Uint8Array.of(0, 0, 0, 9), // signature counter
  );
  const clientDataJSON = utf8(
    JSON.stringify({
      type: opts.type ?? 'webauthn.get',
      challenge: b64u(opts.challenge ?? passkeyApprovalChallenge(REQUEST_ID, DIGEST)),
      origin: opts.origin ?? RP.origins[0],
      crossOrigin: false,
    }),
  );
  const signature = device.sign(concatBytes(authenticatorData, sha256(clientDataJSON)));
  return {
    type: 'passkey' as const,
    approver,
    digest: opts.digest ?? DIGEST,
    credentialId: device.credentialId,
    authenticatorData: b64u(authenticatorData),
    clientDataJSON: b64u(clientDataJSON),
    signature: b64u(signature),
  };
}

const alicePhone = p256Device();
const bobKey = ed25519Device();
let APPROVERS: EnrolledApprover[] = [];
for (const [principal, key] of [
  ['alice', alicePhone.key],
  ['bob', bobKey.key],
] as const) {
  APPROVERS = applyEnrollmentChange(APPROVERS, {
    op: 'add-key',
    principal,
    roles: ['treasury'],
    key,
    actor: 'root',
  }).approvers;
}

function request(approvals: unknown[]) {
  return {
    requestId: REQUEST_ID,
    policyVersion: nodePolicyVersion(POLICY),
    digest: DIGEST,
    payload: { kind: 'message', message: bytesToBase64(MESSAGE) },
    approvals,
  };
}
const ctx = (rp: typeof RP | null = RP) => ({
  approvers: APPROVERS,
  policy: POLICY,
  replay: new MemoryReplayGuard(),
  now: new Date(),
  ...(rp ? { relyingParty: rp } : {}),
});

describe('passkey approvals (WebAuthn assertions)', storeIndependent, () => {
  it('accepts ES256 (P-256) and EdDSA (Ed25519) assertions over SHA-256 of the approval message', async () => {
    assert.equal(alicePhone.key.algorithm, 'ES256');
    assert.equal(bobKey.key.algorithm, 'EdDSA');
    const a = await authorizeSigning(
      request([assertion(alicePhone, 'alice'), assertion(bobKey, 'bob')]),
      ctx(),
    );
    assert.deepEqual(a.approvers, ['alice', 'bob']);
  });

  it('accepts a high-S ECDSA signature (authenticators do not normalise S)', async () => {
    const a = assertion(alicePhone, 'alice');
    const sig = p256.Signature.fromBytes(base64urlnopad.decode(a.signature), 'der');
    const high = new p256.Signature(sig.r, p256.Point.Fn.ORDER - sig.s);
    const flipped = { ...a, signature: b64u(high.toBytes('der')) };
    const ok = await authorizeSigning(request([flipped, assertion(bobKey, 'bob')]), ctx());
    assert.equal(ok.approvers.length, 2);
  });

  const refusals: Array<[string, () => ReturnType<typeof assertion>]> = [
    ['without user verification (UV)', () => assertion(alicePhone, 'alice', { flags: 0x01 })],
    ['without user presence (UP)', () => assertion(alicePhone, 'alice', { flags: 0x04 })],
    ['from another origin', () => assertion(alicePhone, 'alice', { origin: 'https://rampart.example.evil' })],
    ['for another relying party', () => assertion(alicePhone, 'alice', { rpId: 'evil.example' })],
    ['of a registration ceremony', () => assertion(alicePhone, 'alice', { type: 'webauthn.create' })],
    [
      'over the challenge of another digest',
      () =>
        assertion(alicePhone, 'alice', { challenge: passkeyApprovalChallenge(REQUEST_ID, 'ab'.repeat(32)) }),
    ],
    [
      'by another device than the enrolled one',
      () => ({ ...assertion(p256Device(), 'alice'), credentialId: alicePhone.credentialId }),
    ],
  ];
  for (const [what, make] of refusals)
    it(`refuses an assertion ${what}`, async () => {
      await assert.rejects(
        authorizeSigning(request([make(), assertion(bobKey, 'bob')]), ctx()),
        hasCode('APPROVAL_SIGNATURE_INVALID'),
      );
    });

  it('refuses passkey approvals on a node without a relying party configured', async () => {
    await assert.rejects(
      authorizeSigning(request([assertion(alicePhone, 'alice'), assertion(bobKey, 'bob')]), ctx(null)),
      hasCode('APPROVAL_SIGNATURE_INVALID'),
    );
  });

  it('refuses COSE keys a node does not verify', () => {
    const rsa = isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 3],
        [3, -257],
        [-1, new Uint8Array(256)],
        [-2, Uint8Array.of(1, 0, 1)],
      ]),
    );
    assert.throws(() => passkeyKeyFromCose('AAAA', rsa), hasCode('APPROVER_ENROLLMENT_INVALID'));
    assert.throws(
      () => passkeyKeyFromCose('AAAA', Uint8Array.of(0xff)),
      hasCode('APPROVER_ENROLLMENT_INVALID'),
    );
    const offCurve = isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, new Uint8Array(32).fill(1)],
        [-3, new Uint8Array(32).fill(2)],
      ]),
    );
    assert.throws(() => passkeyKeyFromCose('AAAA', offCurve), hasCode('APPROVER_ENROLLMENT_INVALID'));
  });
});
