/**
 * The Access page in a real browser (Debian chromium via playwright-core) with Chromium's virtual
 * WebAuthn authenticator: an administrator asks for a privileged grant (approver) for a person; on
 * the Access page they are told another administrator must approve it; a second administrator
 * approves it there with a passkey step-up over exactly that grant, and it is in force; a grant
 * ending within a week is flagged in words. Screenshot to test-artifacts/screenshots/access.png.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { requestGrant } from '../../src/access/grants/index.ts';
import { issueFirstAdminEnrollment, issueInvitation } from '../../src/access/people/index.ts';
import { bootstrapGrant } from '../access/grants-support.ts';
import { Person } from '../access/stepup-people.ts';
import { ensureConsoleBuilt, launchChromium } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const TIMEOUT = 20_000;
const SHOTS = 'test-artifacts/screenshots';

let srv: TestServer;
let browser: Browser;
let base = '';

before(async () => {
  await ensureConsoleBuilt();
  mkdirSync(SHOTS, { recursive: true });
  srv = await startTestServer();
  base = srv.app.baseUrl();
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await srv?.close();
});

interface InBrowser {
  context: BrowserContext;
  page: Page;
  id: string;
  errors: string[];
}

async function enrollInBrowser(name: string, token: string): Promise<InBrowser> {
  const context = await browser.newContext({ viewport: { width: 1300, height: 1000 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
    },
  });
  await page.goto(`${base}/enroll#${token}`);
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Register a passkey' }).click();
  await page.getByTestId('enroll-done').waitFor({ timeout: TIMEOUT });
  const s = (await page.evaluate(async () => (await fetch('/api/v1/access/session')).json())) as {
    person: { id: string };
  };
  return { context, page, id: s.person.id, errors };
}

test('a second administrator approves a pending privileged grant on the Access page with a passkey step-up', async () => {
  const ada = await enrollInBrowser('Ada Admin', (await issueFirstAdminEnrollment(srv.app.access)).token);
  const grace = await enrollInBrowser(
    'Grace Admin',
    (await issueInvitation(srv.app.access, { roles: ['auditor'], actor: `user:${ada.id}` })).token,
  );
  await bootstrapGrant(srv.app.ledger, `user:${grace.id}`, 'administrator');
  const carol = await new Person(srv, 'Carol Treasury').enroll(['operator']);
  const pending = await requestGrant(srv.app.ledger, {
    principal: `user:${carol.id}`,
    role: 'approver',
    actor: `user:${ada.id}`,
    reason: 'joins the treasury desk',
  });
  assert.equal(pending.status, 'pending');
  await requestGrant(srv.app.ledger, {
    principal: `user:${carol.id}`,
    role: 'auditor',
    actor: `user:${ada.id}`,
    expiresAt: new Date(Date.now() + 2 * 24 * 3600_000).toISOString(),
  });

  // The administrator who asked sees that another one must approve.
  await ada.page.goto(`${base}/access`);
  const own = ada.page.locator(`[data-testid=pending-grant][data-grant-id="${pending.id}"]`);
  await own.getByTestId('grant-own-request').waitFor({ timeout: TIMEOUT });
  assert.equal(await own.getByRole('button').count(), 0);

  // The second administrator approves it with a passkey step-up.
  await grace.page.goto(`${base}/access`);
  const card = grace.page.locator(`[data-testid=pending-grant][data-grant-id="${pending.id}"]`);
  await card.getByText('Carol Treasury', { exact: true }).waitFor({ timeout: TIMEOUT });
  await card.getByText('joins the treasury desk').waitFor({ timeout: TIMEOUT });
  await grace.page.getByTestId('grants-table').getByText('expires', { exact: false }).first().waitFor();
  await grace.page.screenshot({ path: `${SHOTS}/access-pending.png`, fullPage: true });
  await card.getByRole('button', { name: 'Approve approver for Carol Treasury' }).click();
  await card.waitFor({ state: 'detached', timeout: TIMEOUT });
  const row = grace.page.locator(`table[data-testid=grants-table] tr[data-grant-id="${pending.id}"]`);
  await row.waitFor({ timeout: TIMEOUT });
  assert.match((await row.textContent()) ?? '', /Carol Treasury.*approver.*Grace Admin/);
  await grace.page.screenshot({ path: `${SHOTS}/access.png`, fullPage: true });

  const entries = await srv.app.ledger.entries(0, 1000);
  const used = entries.find((e) => e.action === 'access.stepup.used');
  assert.deepEqual((used?.payload['action'] as Record<string, unknown>) ?? {}, {
    action: 'access.grant.approve',
    grant: pending.id,
  });
  assert.ok(entries.some((e) => e.action === 'access.grant.approved' && e.actor === `user:${grace.id}`));
  assert.deepEqual([...ada.errors, ...grace.errors], [], 'the pages logged no errors');
  await ada.context.close();
  await grace.context.close();
});
