/**
 * Step-up against the real store (SQLite or PostgreSQL): the challenge is the hash of the exact
 * action for one session, used once, for a few minutes; each refusal has its own code and is on
 * the ledger; a used step-up can be re-verified from what was kept; repeated failures lock out.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { p256 } from '@noble/curves/nist.js';
import {
  type Enrolled,
  finishAddPasskey,
  finishEnrollment,
  finishSignIn,
  issueFirstAdminEnrollment,
  issueInvitation,
  revokePasskey,
  startAddPasskey,
  startEnrollment,
  startSignIn,
} from '../../src/access/people/index.ts';
import {
  actionChallenge,
  issueStepUp,
  reverifyEvidence,
  reverifyStepUp,
  STEPUP_TTL_MS,
  type StepUpAction,
  type StepUpSession,
  verifyAndUseStepUp,
} from '../../src/access/stepup/index.ts';
import { passkeyApprovalChallenge } from '../../src/signing/authorize/approvals.ts';
import { SoftAuthenticator } from './passkeys-authenticator.ts';
import { ORIGIN, type PeopleFixture, peopleFixture, refusedWith } from './passkeys-support.ts';

let f: PeopleFixture;
beforeEach(async () => {
  f = await peopleFixture();
});
afterEach(() => f.close());

const approve = (digest = 'a'.repeat(64)): StepUpAction => ({
  action: 'custody.request.approve',
  requestId: 'req_1',
  digest,
});

interface Someone {
  session: StepUpSession;
  auth: SoftAuthenticator;
  enrolled: Enrolled;
}

async function enroll(name: string, auth = new SoftAuthenticator(ORIGIN)): Promise<Someone> {
  const token =
    name === 'admin'
      ? (await issueFirstAdminEnrollment(f.ctx)).token
      : (await issueInvitation(f.ctx, { roles: ['approver'], actor: 'system' })).token;
  const { challengeId, options } = await startEnrollment(f.ctx, { token, name });
  const enrolled = await finishEnrollment(f.ctx, {
    token,
    challengeId,
    response: auth.register(options) as never,
  });
  return { session: { id: enrolled.session.id, personId: enrolled.person.id }, auth, enrolled };
}

/** Ask for a step-up and answer it with the person's (or another) authenticator. */
async function stepUp(who: Someone, action: StepUpAction, answerer = who.auth) {
  const issued = await issueStepUp(f.ctx, who.session, action);
  return {
    issued,
    proof: { challengeId: issued.challengeId, response: answerer.assert(issued.options) as never },
  };
}

async function ledgerActions() {
  return (await f.ctx.ledger.entries(0, 1000)).map((e) => ({ action: e.action, payload: e.payload }));
}

describe('step-up', () => {
  test('options: the challenge is SHA-256 of the action’s canonical JSON (what signer nodes recompute); own passkeys only; UV required', async () => {
    const ada = await enroll('admin');
    const issued = await issueStepUp(f.ctx, ada.session, approve());
    assert.equal(issued.options.userVerification, 'required');
    assert.deepEqual(
      issued.options.allowCredentials?.map((c) => c.id),
      [ada.auth.credentials[0]!.id],
    );
    assert.ok(Date.parse(issued.expiresAt) - f.ctx.clock.now().getTime() <= 5 * 60_000);
    assert.equal(issued.options.challenge, actionChallenge(approve()));
    assert.equal(
      issued.options.challenge,
      Buffer.from(passkeyApprovalChallenge('req_1', 'a'.repeat(64))).toString('base64url'),
      'the same challenge custody approvals are checked against by signer nodes',
    );
    const again = await issueStepUp(f.ctx, ada.session, approve());
    assert.notEqual(again.challengeId, issued.challengeId, 'each step-up is its own, used once');
    const last = (await ledgerActions()).at(-1)!;
    assert.equal(last.action, 'access.stepup.issued');
    assert.equal(last.payload['actionHash'], actionChallenge(approve()));
  });

  test('accepted once for the exact action; used is a ledger entry; the kept assertion re-verifies; replays refused', async () => {
    const ada = await enroll('admin');
    const { proof } = await stepUp(ada, approve());
    const v = await verifyAndUseStepUp(f.ctx, { session: ada.session, action: approve(), proof });
    assert.equal(v.credentialId, ada.auth.credentials[0]!.id);
    const used = (await ledgerActions()).at(-1)!;
    assert.equal(used.action, 'access.stepup.used');
    assert.deepEqual(used.payload['action'], approve());
    const re = await reverifyStepUp(f.ctx, v.id);
    assert.equal(re.verified, true);
    // Replayed with its step-up: refused with its own code, and on the ledger.
    await refusedWith(
      verifyAndUseStepUp(f.ctx, { session: ada.session, action: approve(), proof }),
      'STEPUP_USED',
    );
    const refused = (await ledgerActions()).at(-1)!;
    assert.equal(refused.action, 'access.stepup.refused');
    assert.equal(refused.payload['code'], 'STEPUP_USED');
    // The same assertion for a fresh step-up of the same action (same challenge): refused.
    const fresh = await issueStepUp(f.ctx, ada.session, approve());
    await refusedWith(
      verifyAndUseStepUp(f.ctx, {
        session: ada.session,
        action: approve(),
        proof: { challengeId: fresh.challengeId, response: proof.response },
      }),
      'STEPUP_ASSERTION_REPLAYED',
    );
    // …and with its ECDSA signature malleated to (r, n − s), equally valid: refused too.
    const r = proof.response as { response: { signature: string } };
    const sig = p256.Signature.fromBytes(Buffer.from(r.response.signature, 'base64url'), 'der');
    const high = new p256.Signature(sig.r, p256.Point.Fn.ORDER - sig.s).toBytes('der');
    const malleated = {
      ...(proof.response as object),
      response: { ...r.response, signature: Buffer.from(high).toString('base64url') },
    };
    const third = await issueStepUp(f.ctx, ada.session, approve());
    await refusedWith(
      verifyAndUseStepUp(f.ctx, {
        session: ada.session,
        action: approve(),
        proof: { challengeId: third.challengeId, response: malleated as never },
      }),
      'STEPUP_ASSERTION_REPLAYED',
    );
    // A fresh assertion for the same action is fine.
    const ok = await stepUp(ada, approve());
    await verifyAndUseStepUp(f.ctx, { session: ada.session, action: approve(), proof: ok.proof });
  });

  test('re-verification fails for kept evidence that was altered (another digest in the action)', async () => {
    const ada = await enroll('admin');
    const { proof } = await stepUp(ada, approve());
    const v = await verifyAndUseStepUp(f.ctx, { session: ada.session, action: approve(), proof });
    const key = await f.store.db
      .selectFrom('passkeys' as never)
      .select(['public_key' as never])
      .executeTakeFirstOrThrow();
    const pk = new Uint8Array((key as { public_key: Uint8Array }).public_key);
    const rp = { id: 'localhost', origin: ORIGIN };
    assert.equal(await reverifyEvidence(v.evidence, pk, rp), true);
    assert.equal(await reverifyEvidence({ ...v.evidence, action: approve('b'.repeat(64)) }, pk, rp), false);
  });

  test('an assertion for another digest or another action is refused (STEPUP_ACTION_MISMATCH)', async () => {
    const ada = await enroll('admin');
    const a = await stepUp(ada, approve());
    await refusedWith(
      verifyAndUseStepUp(f.ctx, { session: ada.session, action: approve('b'.repeat(64)), proof: a.proof }),
      'STEPUP_ACTION_MISMATCH',
    );
    // The refusal spent it: even the right action cannot use it now.
    await refusedWith(
      verifyAndUseStepUp(f.ctx, { session: ada.session, action: approve(), proof: a.proof }),
      'STEPUP_USED',
    );
    const b = await stepUp(ada, approve());
    await refusedWith(
      verifyAndUseStepUp(f.ctx, {
        session: ada.session,
        action: { action: 'access.role.grant', personId: 'p', role: 'approver' },
        proof: b.proof,
      }),
      'STEPUP_ACTION_MISMATCH',
    );
  });

  test('an assertion answering another step-up is refused (STEPUP_CHALLENGE_MISMATCH)', async () => {
    const ada = await enroll('admin');
    const x = await stepUp(ada, approve());
    const y = await issueStepUp(f.ctx, ada.session, approve('c'.repeat(64)));
    await refusedWith(
      verifyAndUseStepUp(f.ctx, {
        session: ada.session,
        action: approve('c'.repeat(64)),
        proof: { challengeId: y.challengeId, response: x.proof.response },
      }),
      'STEPUP_CHALLENGE_MISMATCH',
    );
  });

  test('expired after STEPUP_TTL_MS (≤ 5 minutes): STEPUP_EXPIRED', async () => {
    assert.ok(STEPUP_TTL_MS <= 5 * 60_000);
    const ada = await enroll('admin');
    const { proof } = await stepUp(ada, approve());
    f.advance(STEPUP_TTL_MS + 1);
    await refusedWith(
      verifyAndUseStepUp(f.ctx, { session: ada.session, action: approve(), proof }),
      'STEPUP_EXPIRED',
    );
  });

  test('from another session (a captured assertion): STEPUP_SESSION_MISMATCH; unknown id: STEPUP_UNKNOWN', async () => {
    const ada = await enroll('admin');
    const { proof } = await stepUp(ada, approve());
    const { challengeId, options } = await startSignIn(f.ctx);
    const other = await finishSignIn(f.ctx, { challengeId, response: ada.auth.assert(options) as never });
    await refusedWith(
      verifyAndUseStepUp(f.ctx, {
        session: { id: other.session.id, personId: ada.session.personId },
        action: approve(),
        proof,
      }),
      'STEPUP_SESSION_MISMATCH',
    );
    await refusedWith(
      verifyAndUseStepUp(f.ctx, {
        session: ada.session,
        action: approve(),
        proof: { ...proof, challengeId: 'su_nope' },
      }),
      'STEPUP_UNKNOWN',
    );
  });

  test("another person's passkey: STEPUP_WRONG_PERSON; an unregistered one: STEPUP_CREDENTIAL_UNKNOWN", async () => {
    const ada = await enroll('admin');
    const bob = await enroll('bob');
    const a = await stepUp(ada, approve(), bob.auth);
    await refusedWith(
      verifyAndUseStepUp(f.ctx, { session: ada.session, action: approve(), proof: a.proof }),
      'STEPUP_WRONG_PERSON',
    );
    const stranger = new SoftAuthenticator(ORIGIN);
    stranger.register({ challenge: 'x', user: { id: 'u' } });
    const b = await stepUp(ada, approve(), stranger);
    await refusedWith(
      verifyAndUseStepUp(f.ctx, { session: ada.session, action: approve(), proof: b.proof }),
      'STEPUP_CREDENTIAL_UNKNOWN',
    );
  });

  test('a revoked passkey: STEPUP_CREDENTIAL_REVOKED; without user verification: STEPUP_ASSERTION_INVALID', async () => {
    const ada = await enroll('admin');
    const add = await startAddPasskey(f.ctx, ada.session.personId);
    await finishAddPasskey(f.ctx, {
      personId: ada.session.personId,
      challengeId: add.challengeId,
      response: ada.auth.register(add.options) as never,
    });
    const [first, second] = ada.auth.credentials;
    await revokePasskey(f.ctx, {
      personId: ada.session.personId,
      passkeyId: second!.id,
      actor: `user:${ada.session.personId}`,
    });
    const issued = await issueStepUp(f.ctx, ada.session, approve());
    await refusedWith(
      verifyAndUseStepUp(f.ctx, {
        session: ada.session,
        action: approve(),
        proof: {
          challengeId: issued.challengeId,
          response: ada.auth.assert(issued.options, second) as never,
        },
      }),
      'STEPUP_CREDENTIAL_REVOKED',
    );
    ada.auth.userVerified = false;
    const again = await issueStepUp(f.ctx, ada.session, approve());
    await refusedWith(
      verifyAndUseStepUp(f.ctx, {
        session: ada.session,
        action: approve(),
        proof: { challengeId: again.challengeId, response: ada.auth.assert(again.options, first) as never },
      }),
      'STEPUP_ASSERTION_INVALID',
    );
  });

  test('a bad action shape is refused before anything is issued (STEPUP_ACTION_INVALID)', async () => {
    const ada = await enroll('admin');
    await refusedWith(issueStepUp(f.ctx, ada.session, { action: 'Approve!' }), 'STEPUP_ACTION_INVALID');
    await refusedWith(
      issueStepUp(f.ctx, ada.session, { action: 'custody.request.approve', nested: { a: 1 } }),
      'STEPUP_ACTION_INVALID',
    );
  });
});

describe('lock-out on step-up failures', () => {
  test('the limit-th failure locks the person out (LOCKED_OUT, ledger access.lockout) until the window passes', async () => {
    f.ctx.lockout = { windowMs: 10 * 60_000, address: 100, credential: 3, person: 3, startsPerMinute: 1000 };
    const ada = await enroll('admin');
    for (let i = 0; i < 3; i++) {
      const { proof } = await stepUp(ada, approve());
      await refusedWith(
        verifyAndUseStepUp(f.ctx, { session: ada.session, action: approve('d'.repeat(64)), proof }),
        'STEPUP_ACTION_MISMATCH',
      );
    }
    const lock = (await ledgerActions()).filter((e) => e.action === 'access.lockout');
    assert.equal(lock.length, 1);
    assert.equal(lock[0]!.payload['scope'], 'person');
    const { proof } = await stepUp(ada, approve());
    await refusedWith(
      verifyAndUseStepUp(f.ctx, { session: ada.session, action: approve(), proof }),
      'LOCKED_OUT',
    );
    f.advance(10 * 60_000 + 1);
    const fresh = await stepUp(ada, approve());
    await verifyAndUseStepUp(f.ctx, { session: ada.session, action: approve(), proof: fresh.proof });
  });
});
