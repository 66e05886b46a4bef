/**
 * The approvals queue in a real browser (Debian chromium via playwright-core) with Chromium's
 * virtual WebAuthn authenticator, one per person: an operator and an approver enroll from their
 * invitation links; the approver signs out and in with the passkey; the operator submits a
 * transfer; the approver sees the decisive facts (effects, the Safe transaction hash, why, who,
 * approvals against the quorum) and approves with a passkey step-up; replaying that step-up is
 * refused (STEPUP_USED); the initiator sees that they cannot approve; once the quorum and the
 * owners' signatures are in, the initiator exports the bundle with a step-up. Screenshots of the main
 * pages go to test-artifacts/screenshots/.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { sign } from 'viem/accounts';
import { issueInvitation } from '../../src/access/people/index.ts';
import { registerWallet } from '../../src/custody/registry/index.ts';
import { attachOwnerSignature } from '../../src/custody/requests/index.ts';
import { approvePending, Person } from '../access/stepup-people.ts';
import { ensureConsoleBuilt, launchChromium } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const TIMEOUT = 20_000;
const SHOTS = 'test-artifacts/screenshots';
const SAFE = '0x5afe00000000000000000000000000000000c0de';
const TO = '0x00000000000000000000000000000000000bee71';

let srv: TestServer;
let browser: Browser;
let base = '';

before(async () => {
  await ensureConsoleBuilt();
  mkdirSync(SHOTS, { recursive: true });
  srv = await startTestServer();
  base = srv.app.baseUrl();
  await registerWallet(
    srv.app.ledger,
    {
      chainId: 1,
      address: SAFE,
      version: '1.4.1',
      owners: ['0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf', '0x2B5AD5c4795c026514f8317c7a215E218DcCD6cF'],
      threshold: 2,
      addressBook: [{ address: TO, label: 'treasury', category: 'internal' }],
    },
    'system',
  );
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await srv?.close();
});

interface InBrowser {
  context: BrowserContext;
  page: Page;
  errors: string[];
}

/** A person with their own browser profile and virtual authenticator, enrolled from an invitation. */
async function enroll(name: string, roles: string[]): Promise<InBrowser> {
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
  const { token } = await issueInvitation(srv.app.access, { roles, actor: 'system' });
  await page.goto(`${base}/enroll#${token}`);
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Register a passkey' }).click();
  await page.getByTestId('enroll-done').waitFor({ timeout: TIMEOUT });
  // A privileged role (approver) waits for a second administrator: approved as they would.
  const s = (await page.evaluate(async () => (await fetch('/api/v1/access/session')).json())) as {
    person: { id: string };
  };
  await approvePending(srv.app.ledger, `user:${s.person.id}`);
  return { context, page, errors };
}

/** A JSON POST from inside the page, with the session's CSRF token (as the console sends it). */
function postFromPage(page: Page, path: string, body: unknown) {
  return page.evaluate(
    async ({ path, body }) => {
      const s = await (await fetch('/api/v1/access/session')).json();
      const r = await fetch(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrfToken },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      return { status: r.status, body: await r.json() };
    },
    { path, body },
  );
}

test('enroll, sign in, approve a transfer with a passkey step-up; a replayed step-up and the initiator are refused', async () => {
  const op = await enroll('Otto Operator', ['operator']);
  const ap = await enroll('Alice Approver', ['approver']);

  // Sign out and back in with the passkey.
  await ap.page.getByRole('button', { name: 'Sign out' }).click();
  await ap.page.waitForURL(`${base}/signin`, { timeout: TIMEOUT });
  await ap.page.screenshot({ path: `${SHOTS}/signin.png`, fullPage: true });
  await ap.page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await ap.page.waitForURL(`${base}/`, { timeout: TIMEOUT });
  await ap.page.getByTestId('signed-in-person').getByText('Alice Approver').waitFor({ timeout: TIMEOUT });

  // The operator submits a transfer to the treasury.
  const sub = await postFromPage(op.page, '/api/v1/custody/requests', {
    wallet: SAFE,
    transaction: {
      to: TO,
      value: '1000000000000000000',
      data: '0x',
      operation: 0,
      safeTxGas: '0',
      baseGas: '0',
      gasPrice: '0',
      gasToken: '0x0000000000000000000000000000000000000000',
      refundReceiver: '0x0000000000000000000000000000000000000000',
      nonce: '0',
    },
  });
  assert.equal(sub.status, 200, JSON.stringify(sub.body));
  const { id, digest } = sub.body as { id: string; digest: string };
  const safeTxHash = (sub.body as { analysis: { safeTxHash: string } }).analysis.safeTxHash;
  const required = (sub.body as { decision: { requiredApprovals: number } }).decision.requiredApprovals;

  // The approver's queue: decisive facts, then approve with the passkey.
  await ap.page.goto(`${base}/approvals`);
  const card = ap.page.locator(`[data-testid=request][data-request-id="${id}"]`);
  await card.waitFor({ timeout: TIMEOUT });
  assert.equal(await card.getByTestId('safe-tx-hash').getAttribute('data-value'), safeTxHash);
  assert.equal(await card.getByTestId('digest').getAttribute('data-value'), `0x${digest}`);
  assert.match(
    (await card.getByTestId('quorum').textContent()) ?? '',
    new RegExp(`Approvals 0 of ${required}`),
  );
  assert.match(
    (await card.getByRole('heading', { level: 2 }).textContent()) ?? '',
    /Send 1 ETH to .*treasury/,
  );
  assert.ok(((await card.getByTestId('policy-reason').textContent()) ?? '').length > 10);
  const sent: string[] = [];
  ap.page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith(`/api/v1/custody/requests/${id}/approvals`))
      sent.push(r.postData() ?? '');
  });
  await card.getByRole('button', { name: 'Approve with passkey' }).click();
  await card
    .getByTestId('approve-result')
    .getByText('Approved with your passkey')
    .waitFor({ timeout: TIMEOUT });
  await card.getByTestId('already-approved').waitFor({ timeout: TIMEOUT });
  assert.match(
    (await card.getByTestId('quorum').textContent()) ?? '',
    new RegExp(`Approvals 1 of ${required}`),
  );
  await ap.page.screenshot({ path: `${SHOTS}/approvals.png`, fullPage: true });

  // The step-up went with the approval and is bound to it; sent again, it is refused.
  assert.equal(sent.length, 1);
  const body = JSON.parse(sent[0]!) as { digest: string; stepUp: { challengeId: string } };
  assert.equal(body.digest, digest);
  assert.ok(body.stepUp.challengeId);
  const replay = await postFromPage(ap.page, `/api/v1/custody/requests/${id}/approvals`, sent[0]!);
  assert.equal(replay.status, 403);
  assert.equal((replay.body as { error: { code: string } }).error.code, 'STEPUP_USED');

  // The initiator sees the request but cannot approve it.
  await op.page.goto(`${base}/approvals`);
  const mine = op.page.locator(`[data-testid=request][data-request-id="${id}"]`);
  await mine.getByTestId('initiator-cannot-approve').waitFor({ timeout: TIMEOUT });
  assert.equal(await mine.getByRole('button', { name: 'Approve with passkey' }).count(), 0);
  await op.page.screenshot({ path: `${SHOTS}/approvals-initiator.png`, fullPage: true });

  // A second approver completes the quorum, the owners sign on their hardware (keys 1 and 2 here),
  // and the initiator exports the execution bundle with a step-up of its own.
  const bob = await new Person(srv, 'Bob Approver').enroll(['approver']);
  const b = await bob.call('POST', `/api/v1/custody/requests/${id}/approvals`, {
    digest,
    stepUp: await bob.stepUp({ action: 'custody.request.approve', requestId: id, digest }),
  });
  assert.equal(b.status, 200, JSON.stringify(b.body));
  assert.equal(b.body['status'], 'approved');
  for (const k of [1n, 2n])
    await attachOwnerSignature(srv.app.ledger, {
      id,
      actor: 'system',
      signature: await sign({
        hash: safeTxHash as `0x${string}`,
        privateKey: `0x${k.toString(16).padStart(64, '0')}`,
        to: 'hex',
      }),
    });
  await op.page.getByLabel('Show').selectOption('approved');
  const done = op.page.locator(`[data-testid=request][data-request-id="${id}"]`);
  await done.getByRole('button', { name: 'Export execution bundle with passkey' }).click();
  await done.getByTestId('export-done').waitFor({ timeout: TIMEOUT });
  assert.equal(await done.getByTestId('export-hash').getAttribute('data-value'), safeTxHash);
  await op.page.screenshot({ path: `${SHOTS}/approvals-export.png`, fullPage: true });
  const exported = (await srv.app.ledger.entries(0, 1000)).find(
    (e) => e.action === 'custody.request.exported',
  );
  assert.ok(exported?.payload['stepUp'], 'the export names the step-up that allowed it');

  // The ledger page shows the step-up; the custody analysis page for the record.
  await ap.page.goto(`${base}/ledger`);
  await ap.page.locator('table.entries tbody tr[data-index]').first().waitFor({ timeout: TIMEOUT });
  const actions = await ap.page
    .locator('table.entries tbody tr[data-index] td.mono[title]')
    .allTextContents();
  for (const a of [
    'access.stepup.issued',
    'access.stepup.used',
    'access.stepup.refused',
    'custody.request.approved',
  ])
    assert.ok(actions.includes(a), `${a} on the ledger page (${actions.join(', ')})`);
  await ap.page.screenshot({ path: `${SHOTS}/ledger.png`, fullPage: true });
  await op.page.goto(`${base}/custody/analyze?wallet=${SAFE}`);
  await op.page.getByRole('heading', { level: 1 }).waitFor({ timeout: TIMEOUT });
  await op.page.screenshot({ path: `${SHOTS}/custody-analysis.png`, fullPage: true });

  assert.deepEqual([...op.errors, ...ap.errors], [], 'the pages logged no errors');
  await op.context.close();
  await ap.context.close();
});
