/**
 * People in a real browser (Debian chromium driven by playwright-core) with Chromium's virtual
 * WebAuthn authenticator (CTAP2, internal, resident keys, user verification): `rampart serve`
 * prints the first administrator's enrollment link; the browser opens it and registers a passkey;
 * signs out; signs in with the passkey; sees their name; and sees the enrollment and the sign-in
 * on the ledger page. http://localhost is a secure context for Chromium, so WebAuthn works there.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { ensureConsoleBuilt, launchChromium } from '../support/browser.ts';
import { RAMPART_BIN } from '../support/cli.ts';
import { createTestDb, type TestDb } from '../support/db.ts';

const TIMEOUT = 20_000;

let browser: Browser | undefined;
let server: ChildProcess | undefined;
let db: TestDb | undefined;
let link = '';
let stderr = '';

before(async () => {
  await ensureConsoleBuilt();
  db = await createTestDb();
  const args = ['--data-dir', db.dataDir, ...(db.databaseUrl ? ['--database-url', db.databaseUrl] : [])];
  server = spawn(process.execPath, [RAMPART_BIN, ...args, 'serve', '--port', '0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  link = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no enrollment link in 60 s:\n${stderr}`)), 60_000);
    server!.stderr!.on('data', (d) => {
      stderr += d;
      const m = /(http:\/\/localhost:\d+\/enroll#[A-Za-z0-9_-]{43})\s/.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    server!.on('exit', (code) => reject(new Error(`rampart serve exited ${code}:\n${stderr}`)));
  });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    server.removeAllListeners('exit');
    const exited = new Promise((r) => server!.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  await db?.drop();
});

test('enroll the first administrator from the printed link, sign out, sign in with the passkey, see it on the ledger', async () => {
  const origin = new URL(link).origin;
  const context = await browser!.newContext({ viewport: { width: 1300, height: 900 } });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));

  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
    },
  });

  // Enroll from the link.
  await page.goto(link);
  await page.getByLabel('Your name').fill('Ada Lovelace');
  assert.equal(new URL(page.url()).hash, '', 'the token is removed from the address bar');
  await page.getByRole('button', { name: 'Register a passkey' }).click();
  await page.getByTestId('enroll-done').waitFor({ timeout: TIMEOUT });
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  assert.equal(credentials.length, 1);
  assert.equal(credentials[0]!.isResidentCredential, true, 'a discoverable credential');
  await page.getByTestId('signed-in-person').getByText('Ada Lovelace').waitFor({ timeout: TIMEOUT });
  await page.screenshot({ path: '/tmp/signin-enrolled.png', fullPage: true });

  // The link works once.
  const again = await fetch(`${origin}/api/v1/access/enroll/options`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: new URL(link).hash.slice(1), name: 'Mallory' }),
  });
  assert.equal(((await again.json()) as { error: { code: string } }).error.code, 'ENROLLMENT_TOKEN_USED');

  // Sign out: the nav offers sign-in again.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(`${origin}/signin`, { timeout: TIMEOUT });
  await page.getByRole('link', { name: 'Sign in' }).waitFor({ timeout: TIMEOUT });
  const cookies = await context.cookies();
  assert.ok(!cookies.some((c) => c.name === 'rampart_session' && c.value), 'the session cookie is cleared');

  // Sign in with the passkey.
  await page.screenshot({ path: '/tmp/signin-page.png', fullPage: true });
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await page.waitForURL(`${origin}/`, { timeout: TIMEOUT });
  const badge = page.getByTestId('signed-in-person');
  await badge.getByText('Ada Lovelace').waitFor({ timeout: TIMEOUT });
  assert.match((await badge.textContent()) ?? '', /administrator/);
  const session = (await context.cookies()).find((c) => c.name === 'rampart_session');
  assert.ok(session?.httpOnly, 'the session cookie is HttpOnly');
  assert.equal(session?.sameSite, 'Strict');

  // The ledger page shows the enrollment and the sign-ins.
  await page.locator('table.entries tbody tr[data-index]').first().waitFor({ timeout: TIMEOUT });
  const actions = await page.locator('table.entries tbody tr[data-index] td.mono[title]').allTextContents();
  for (const a of [
    'access.enrollment.created',
    'access.person.enrolled',
    'access.passkey.registered',
    'access.signout',
  ])
    assert.ok(actions.includes(a), `${a} is on the ledger page (${actions.join(', ')})`);
  assert.equal(actions.filter((a) => a === 'access.signin').length, 2, 'enrollment and passkey sign-in');
  await page.screenshot({ path: '/tmp/signin-ledger.png', fullPage: true });
  assert.deepEqual(pageErrors, [], 'the page logged no errors');
  await context.close();
});
