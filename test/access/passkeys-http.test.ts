/**
 * People over HTTP, against a real server: enrollment and sign-in set the session cookie, the
 * session resolves to the person's permissions on non-public routes, CSRF on every state-changing
 * request, sign-out, and refusals (forged cookie, expired session) each with its code.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { issueFirstAdminEnrollment } from '../../src/access/people/index.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { SoftAuthenticator } from './passkeys-authenticator.ts';

let srv: TestServer;
let authenticator: SoftAuthenticator;
before(async () => {
  srv = await startTestServer();
  authenticator = new SoftAuthenticator(srv.app.baseUrl());
});
after(() => srv.close());

interface Answer {
  status: number;
  body: Record<string, unknown> & { error?: { code: string } };
  cookie: string | null;
}

async function call(
  method: string,
  path: string,
  opts: { body?: unknown; cookie?: string; csrf?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.cookie) headers['cookie'] = opts.cookie;
  if (opts.csrf) headers['x-csrf-token'] = opts.csrf;
  const r = await fetch(`${srv.url}${path}`, {
    method,
    headers,
    ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
  });
  return { status: r.status, body: (await r.json()) as Answer['body'], cookie: r.headers.get('set-cookie') };
}

const cookieOf = (setCookie: string | null) => setCookie!.split(';')[0]!;
let cookie = '';
let csrf = '';

test('enrollment over HTTP sets an HttpOnly, SameSite=Strict session cookie (no Secure on localhost only)', async () => {
  const { token } = await issueFirstAdminEnrollment(srv.app.access);
  const opts = await call('POST', '/api/v1/access/enroll/options', { body: { token, name: 'Ada Admin' } });
  assert.equal(opts.status, 200, JSON.stringify(opts.body));
  const response = authenticator.register(opts.body['options'] as never);
  const done = await call('POST', '/api/v1/access/enroll/verify', {
    body: { token, challengeId: opts.body['challengeId'], response },
  });
  assert.equal(done.status, 200, JSON.stringify(done.body));
  assert.match(
    done.cookie!,
    /^rampart_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=28800$/,
  );
  cookie = cookieOf(done.cookie);
  csrf = done.body['csrfToken'] as string;
  const again = await call('POST', '/api/v1/access/enroll/options', { body: { token, name: 'Mallory' } });
  assert.equal(again.status, 401);
  assert.equal(again.body.error?.code, 'ENROLLMENT_TOKEN_USED');
});

test('the session is the person, with exactly the administrator’s permissions', async () => {
  const s = await call('GET', '/api/v1/access/session', { cookie });
  assert.equal(s.body['signedIn'], true);
  assert.equal(s.body['csrfToken'], csrf);
  assert.deepEqual((s.body['person'] as { roles: string[] }).roles, ['administrator']);
  const people = await call('GET', '/api/v1/access/people', { cookie });
  assert.equal(people.status, 200);
  const wallets = await call('GET', '/api/v1/custody/wallets', { cookie });
  assert.equal(wallets.status, 403, 'an administrator does not read custody');
  assert.equal(wallets.body.error?.code, 'PERMISSION_DENIED');
  assert.equal((await call('GET', '/api/v1/access/session')).body['signedIn'], false);
});

test('a state-changing request needs the session’s X-CSRF-Token (CSRF_TOKEN_INVALID)', async () => {
  const missing = await call('POST', '/api/v1/access/passkeys/options', { cookie, body: {} });
  assert.equal(missing.status, 403);
  assert.equal(missing.body.error?.code, 'CSRF_TOKEN_INVALID');
  const wrong = await call('POST', '/api/v1/access/passkeys/options', {
    cookie,
    body: {},
    csrf: `${csrf.slice(0, -2)}AA`,
  });
  assert.equal(wrong.status, 403);
  assert.equal(wrong.body.error?.code, 'CSRF_TOKEN_INVALID');
  const ok = await call('POST', '/api/v1/access/passkeys/options', { cookie, body: {}, csrf });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
});

test('a forged cookie is SESSION_INVALID; an idle session is SESSION_EXPIRED', async () => {
  const forged = await call('GET', '/api/v1/access/people', {
    cookie: 'rampart_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  });
  assert.equal(forged.status, 401);
  assert.equal(forged.body.error?.code, 'SESSION_INVALID');
  const s = await signIn();
  await srv.rawSql('UPDATE access_sessions SET last_seen_at = ? WHERE revoked_at IS NULL AND id <> ?', [
    '2000-01-01T00:00:00.000Z',
    'none',
  ]);
  const idle = await call('GET', '/api/v1/access/people', { cookie: s.cookie });
  assert.equal(idle.status, 401);
  assert.equal(idle.body.error?.code, 'SESSION_EXPIRED');
  const state = await call('GET', '/api/v1/access/session', { cookie: s.cookie });
  assert.deepEqual(state.body, { signedIn: false, reason: 'SESSION_EXPIRED' });
});

async function signIn(): Promise<{ cookie: string; csrf: string }> {
  const opts = await call('POST', '/api/v1/access/signin/options', { body: {} });
  assert.equal(opts.status, 200);
  const response = authenticator.assert(opts.body['options'] as never);
  const done = await call('POST', '/api/v1/access/signin/verify', {
    body: { challengeId: opts.body['challengeId'], response },
  });
  assert.equal(done.status, 200, JSON.stringify(done.body));
  assert.equal((done.body['person'] as { name: string }).name, 'Ada Admin');
  return { cookie: cookieOf(done.cookie), csrf: done.body['csrfToken'] as string };
}

test('sign in with the passkey, then sign out: the session is revoked', async () => {
  const s = await signIn();
  const noCsrf = await call('POST', '/api/v1/access/signout', { cookie: s.cookie, body: {} });
  assert.equal(noCsrf.body.error?.code, 'CSRF_TOKEN_INVALID');
  const out = await call('POST', '/api/v1/access/signout', { cookie: s.cookie, body: {}, csrf: s.csrf });
  assert.equal(out.status, 200);
  assert.match(out.cookie!, /^rampart_session=; .*Max-Age=0$/);
  const after = await call('GET', '/api/v1/access/people', { cookie: s.cookie });
  assert.equal(after.status, 401);
  assert.equal(after.body.error?.code, 'SESSION_REVOKED');
  const actions = (await srv.app.ledger.entries(0, 100)).map((e) => e.action);
  for (const a of ['access.enrollment.created', 'access.person.enrolled', 'access.signin', 'access.signout'])
    assert.ok(actions.includes(a), a);
});
