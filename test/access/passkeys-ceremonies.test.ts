/**
 * The WebAuthn ceremonies against @simplewebauthn/server and the real store (SQLite or
 * PostgreSQL): first-administrator enrollment, sign-in, sessions, several passkeys and revocation,
 * and each refusal with its own code, on the ledger.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import {
  CHALLENGE_TTL_MS,
  ENROLLMENT_TTL_MS,
  type Enrolled,
  finishAddPasskey,
  finishEnrollment,
  finishSignIn,
  issueFirstAdminEnrollment,
  listPasskeys,
  resolveSession,
  revokePasskey,
  SESSION_ABSOLUTE_MS,
  SESSION_IDLE_MS,
  signOut,
  startAddPasskey,
  startEnrollment,
  startSignIn,
} from '../../src/access/people/index.ts';
import { type PeopleFixture, peopleFixture, refusedWith } from './passkeys-support.ts';

let f: PeopleFixture;
beforeEach(async () => {
  f = await peopleFixture();
});
afterEach(() => f.close());

async function enrollFirstAdmin(name = 'Ada Admin'): Promise<Enrolled & { token: string }> {
  const { token } = await issueFirstAdminEnrollment(f.ctx);
  const { challengeId, options } = await startEnrollment(f.ctx, { token, name });
  const response = f.authenticator.register(options);
  const enrolled = await finishEnrollment(f.ctx, { token, challengeId, response: response as never });
  return { ...enrolled, token };
}

async function signIn(cred = f.authenticator.credentials.at(-1)) {
  const { challengeId, options } = await startSignIn(f.ctx);
  return finishSignIn(f.ctx, { challengeId, response: f.authenticator.assert(options, cred) as never });
}

async function actions(): Promise<{ action: string; code?: unknown; text: string }[]> {
  const entries = await f.ctx.ledger.entries(0, 1000);
  return entries.map((e) => ({ action: e.action, code: e.payload['code'], text: e.text }));
}

describe('enrollment', () => {
  test('the first administrator enrolls with the one-time link, is signed in, and it is all on the ledger', async () => {
    const { options } = await startEnrollment(f.ctx, {
      token: (await issueFirstAdminEnrollment(f.ctx)).token,
      name: 'x',
    });
    assert.equal(options.authenticatorSelection?.residentKey, 'required');
    assert.equal(options.authenticatorSelection?.userVerification, 'required');
    assert.equal(options.attestation, 'none');
    assert.equal(options.rp.id, 'localhost');

    const e = await enrollFirstAdmin();
    assert.deepEqual(e.person.roles, ['administrator']);
    assert.equal(e.person.name, 'Ada Admin');
    const s = await resolveSession(f.ctx, e.session.secret);
    assert.equal(s.personId, e.person.id);
    assert.deepEqual(s.roles, ['administrator']);

    const log = await actions();
    assert.deepEqual(
      log.map((l) => l.action),
      [
        'access.enrollment.created',
        'access.enrollment.created',
        'access.person.enrolled',
        'access.passkey.registered',
        'access.signin',
      ],
    );
    for (const l of log) {
      assert.ok(!l.text.includes(e.token), 'the token never reaches the ledger');
      assert.ok(!l.text.includes(e.session.secret), 'the session secret never reaches the ledger');
    }
    // Stored hashed: the raw tables do not hold the secrets either.
    const rows = JSON.stringify([
      ...(await f.db.rawSql('SELECT * FROM access_enrollments')),
      ...(await f.db.rawSql('SELECT * FROM access_sessions')),
    ]);
    assert.ok(!rows.includes(e.token) && !rows.includes(e.session.secret));
  });

  test('a used enrollment token is refused (ENROLLMENT_TOKEN_USED), and no new first link once someone is enrolled', async () => {
    const e = await enrollFirstAdmin();
    await refusedWith(startEnrollment(f.ctx, { token: e.token, name: 'Mallory' }), 'ENROLLMENT_TOKEN_USED');
    await refusedWith(issueFirstAdminEnrollment(f.ctx), 'ENROLLMENT_CLOSED');
    const failed = (await actions()).filter((l) => l.action === 'access.enrollment.failed');
    assert.deepEqual(
      failed.map((l) => l.code),
      ['ENROLLMENT_TOKEN_USED'],
    );
  });

  test('the same token twice in flight: only one enrollment succeeds', async () => {
    const { token } = await issueFirstAdminEnrollment(f.ctx);
    const a = await startEnrollment(f.ctx, { token, name: 'A' });
    const b = await startEnrollment(f.ctx, { token, name: 'B' });
    const ra = f.authenticator.register(a.options);
    const rb = f.authenticator.register(b.options);
    await finishEnrollment(f.ctx, { token, challengeId: a.challengeId, response: ra as never });
    await refusedWith(
      finishEnrollment(f.ctx, { token, challengeId: b.challengeId, response: rb as never }),
      'ENROLLMENT_TOKEN_USED',
    );
  });

  test('expired, superseded and unknown tokens are refused, each with its code', async () => {
    const first = await issueFirstAdminEnrollment(f.ctx);
    const second = await issueFirstAdminEnrollment(f.ctx);
    await refusedWith(startEnrollment(f.ctx, { token: first.token, name: 'A' }), 'ENROLLMENT_TOKEN_INVALID');
    await refusedWith(
      startEnrollment(f.ctx, { token: 'not-a-token', name: 'A' }),
      'ENROLLMENT_TOKEN_INVALID',
    );
    f.advance(ENROLLMENT_TTL_MS);
    await refusedWith(startEnrollment(f.ctx, { token: second.token, name: 'A' }), 'ENROLLMENT_TOKEN_EXPIRED');
  });

  test('a registration answering another challenge is refused (CHALLENGE_MISMATCH)', async () => {
    const { token } = await issueFirstAdminEnrollment(f.ctx);
    const a = await startEnrollment(f.ctx, { token, name: 'A' });
    const b = await startEnrollment(f.ctx, { token, name: 'A' });
    const response = f.authenticator.register(a.options);
    await refusedWith(
      finishEnrollment(f.ctx, { token, challengeId: b.challengeId, response: response as never }),
      'CHALLENGE_MISMATCH',
    );
  });
});

describe('sign-in', () => {
  test('a passkey signs in: a new session with the person’s roles, audited', async () => {
    const e = await enrollFirstAdmin();
    const r = await signIn();
    assert.equal(r.person.id, e.person.id);
    assert.notEqual(r.session.secret, e.session.secret);
    const s = await resolveSession(f.ctx, r.session.secret);
    assert.deepEqual(s.roles, ['administrator']);
    const last = (await actions()).at(-1)!;
    assert.equal(last.action, 'access.signin');
  });

  test('a replayed challenge is refused (CHALLENGE_USED)', async () => {
    await enrollFirstAdmin();
    const { challengeId, options } = await startSignIn(f.ctx);
    const response = f.authenticator.assert(options) as never;
    await finishSignIn(f.ctx, { challengeId, response });
    await refusedWith(finishSignIn(f.ctx, { challengeId, response }), 'CHALLENGE_USED');
  });

  test('a failed attempt spends its challenge too', async () => {
    await enrollFirstAdmin();
    const { challengeId, options } = await startSignIn(f.ctx);
    f.authenticator.userVerified = false;
    await refusedWith(
      finishSignIn(f.ctx, { challengeId, response: f.authenticator.assert(options) as never }),
      'ASSERTION_INVALID',
    );
    f.authenticator.userVerified = true;
    await refusedWith(
      finishSignIn(f.ctx, { challengeId, response: f.authenticator.assert(options) as never }),
      'CHALLENGE_USED',
    );
  });

  test('an expired challenge is refused (CHALLENGE_EXPIRED)', async () => {
    await enrollFirstAdmin();
    const { challengeId, options } = await startSignIn(f.ctx);
    f.advance(CHALLENGE_TTL_MS);
    await refusedWith(
      finishSignIn(f.ctx, { challengeId, response: f.authenticator.assert(options) as never }),
      'CHALLENGE_EXPIRED',
    );
  });

  test('an assertion for another challenge is refused (CHALLENGE_MISMATCH)', async () => {
    await enrollFirstAdmin();
    const a = await startSignIn(f.ctx);
    const b = await startSignIn(f.ctx);
    await refusedWith(
      finishSignIn(f.ctx, {
        challengeId: b.challengeId,
        response: f.authenticator.assert(a.options) as never,
      }),
      'CHALLENGE_MISMATCH',
    );
  });

  test('unknown credential, bad signature, unknown challenge: each its own code', async () => {
    await enrollFirstAdmin();
    const a = await startSignIn(f.ctx);
    const stranger = new (
      f.authenticator.constructor as typeof import('./passkeys-authenticator.ts').SoftAuthenticator
    )(f.authenticator.origin);
    stranger.register({ challenge: 'x', user: { id: 'eA' } });
    await refusedWith(
      finishSignIn(f.ctx, { challengeId: a.challengeId, response: stranger.assert(a.options) as never }),
      'CREDENTIAL_UNKNOWN',
    );
    const b = await startSignIn(f.ctx);
    const forged = f.authenticator.assert(b.options);
    forged.response.signature = stranger.assert(b.options).response.signature;
    await refusedWith(
      finishSignIn(f.ctx, { challengeId: b.challengeId, response: forged as never }),
      'ASSERTION_INVALID',
    );
    await refusedWith(
      finishSignIn(f.ctx, { challengeId: 'ch_nothing', response: forged as never }),
      'CHALLENGE_UNKNOWN',
    );
    const codes = (await actions()).filter((l) => l.action === 'access.signin.failed').map((l) => l.code);
    assert.deepEqual(codes, ['CREDENTIAL_UNKNOWN', 'ASSERTION_INVALID', 'CHALLENGE_UNKNOWN']);
  });
});

describe('passkeys and sessions', () => {
  test('several passkeys; a revoked one cannot sign in (CREDENTIAL_REVOKED) and its sessions end; never the last one', async () => {
    const e = await enrollFirstAdmin();
    const first = f.authenticator.credentials[0]!;
    const add = await startAddPasskey(f.ctx, e.person.id);
    assert.deepEqual(
      add.options.excludeCredentials?.map((c) => c.id),
      [first.id],
    );
    await finishAddPasskey(f.ctx, {
      personId: e.person.id,
      challengeId: add.challengeId,
      response: f.authenticator.register(add.options) as never,
      label: 'backup key',
    });
    assert.deepEqual(
      (await listPasskeys(f.ctx, e.person.id)).map((k) => k.label),
      ['first passkey', 'backup key'],
    );
    await revokePasskey(f.ctx, { personId: e.person.id, passkeyId: first.id, actor: `user:${e.person.id}` });
    await refusedWith(resolveSession(f.ctx, e.session.secret), 'SESSION_REVOKED');
    await refusedWith(signIn(first), 'CREDENTIAL_REVOKED');
    const second = f.authenticator.credentials[1]!;
    await signIn(second);
    await refusedWith(
      revokePasskey(f.ctx, { personId: e.person.id, passkeyId: second.id, actor: `user:${e.person.id}` }),
      'PASSKEY_LAST',
    );
    await refusedWith(
      revokePasskey(f.ctx, { personId: e.person.id, passkeyId: 'nope', actor: `user:${e.person.id}` }),
      'PASSKEY_NOT_FOUND',
    );
    const log = (await actions()).map((l) => l.action);
    assert.ok(log.includes('access.passkey.revoked'));
    assert.equal(log.filter((a) => a === 'access.passkey.registered').length, 2);
  });

  test('a session ends after 15 idle minutes (SESSION_EXPIRED)', async () => {
    const e = await enrollFirstAdmin();
    f.advance(SESSION_IDLE_MS - 1000);
    await resolveSession(f.ctx, e.session.secret);
    f.advance(SESSION_IDLE_MS - 1000);
    await resolveSession(f.ctx, e.session.secret);
    f.advance(SESSION_IDLE_MS);
    await refusedWith(resolveSession(f.ctx, e.session.secret), 'SESSION_EXPIRED');
  });

  test('a session ends after 8 hours even in use (SESSION_EXPIRED)', async () => {
    const e = await enrollFirstAdmin();
    for (let t = 0; t < SESSION_ABSOLUTE_MS - 10 * 60_000; t += 10 * 60_000) {
      f.advance(10 * 60_000);
      await resolveSession(f.ctx, e.session.secret);
    }
    f.advance(10 * 60_000);
    await refusedWith(resolveSession(f.ctx, e.session.secret), 'SESSION_EXPIRED');
  });

  test('sign-out revokes the session (SESSION_REVOKED); an unknown secret is SESSION_INVALID', async () => {
    const e = await enrollFirstAdmin();
    await signOut(f.ctx, { id: (await resolveSession(f.ctx, e.session.secret)).id, personId: e.person.id });
    await refusedWith(resolveSession(f.ctx, e.session.secret), 'SESSION_REVOKED');
    await refusedWith(resolveSession(f.ctx, 'forged'), 'SESSION_INVALID');
    assert.equal((await actions()).at(-1)!.action, 'access.signout');
  });
});
