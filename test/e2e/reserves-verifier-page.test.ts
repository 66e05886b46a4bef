/**
 * The standalone verifier page in Debian's chromium: the single HTML file built by
 * `npm run build:verifier`, opened from file:// with the network off (offline, and every non-file
 * request routed to abort and recorded). A good proof is accepted, with its checks and balances;
 * tampered proofs are rejected with their reason; and no request ever leaves the page.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildMemoryTree, type InclusionProof, type RootStatement } from '../../src/reserves/index.ts';
import { launchChromium } from '../support/browser.ts';
import { storeIndependent } from '../support/passes.ts';
import { ensureVerifierBuilt } from './reserves-build.ts';

const SHOTS = fileURLToPath(new URL('../../test-artifacts/screenshots/', import.meta.url));
const TIMEOUT = 15_000;

function makeTree() {
  const rows = Array.from({ length: 11 }, (_, i) => ({
    user: `user-${i}`,
    balances: [BigInt(i * 100_000 + 5), BigInt(i) * 10n ** 17n, 1_000_000n * BigInt(i), 0n],
  }));
  const t = buildMemoryTree(rows, {
    buildId: 'e2e-build',
    snapshotTime: '2026-11-25T00:00:00.000Z',
    assets: ['BTC', 'ETH', 'USDT', 'USDC'],
    random: (n) => crypto.getRandomValues(new Uint8Array(n)),
  });
  const statement: RootStatement = {
    version: 1,
    buildId: t.meta.buildId,
    snapshotTime: t.meta.snapshotTime,
    assets: t.meta.assets,
    height: t.meta.height,
    userCountBound: (2n ** BigInt(t.meta.height)).toString(),
    root: t.meta.root,
  };
  return { t, statement };
}

describe('standalone verifier page (file://, network off)', storeIndependent, () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const requests: string[] = [];
  const blocked: string[] = [];
  const errors: string[] = [];
  const { t, statement } = makeTree();
  const proof = t.proof('user-7')!;

  before(async () => {
    const file = await ensureVerifierBuilt();
    browser = await launchChromium();
    context = await browser.newContext();
    context.on('request', (r) => void requests.push(r.url()));
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      blocked.push(url);
      return route.abort();
    });
    await context.setOffline(true);
    page = await context.newPage();
    page.on('pageerror', (e) => void errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(pathToFileURL(file).href);
    await page
      .getByRole('heading', { name: 'Proof of reserves: check your balance' })
      .waitFor({ timeout: TIMEOUT });
  });
  after(async () => {
    await browser?.close();
  });

  async function dropProof(p: InclusionProof | string, name = 'proof.json') {
    const text = typeof p === 'string' ? p : JSON.stringify(p);
    const dt = await page.evaluateHandle(
      ([t, n]) => {
        const d = new DataTransfer();
        d.items.add(new File([t!], n!, { type: 'application/json' }));
        return d;
      },
      [text, name],
    );
    await page.getByTestId('dropzone').dispatchEvent('drop', { dataTransfer: dt });
  }

  const verdict = () => page.getByTestId('proof-verdict');

  test('a good proof dropped on the page is accepted: checks, balances, totals', async () => {
    await dropProof(proof);
    await verdict().waitFor({ timeout: TIMEOUT });
    assert.equal(await verdict().getAttribute('data-ok'), 'true');
    assert.match((await verdict().textContent()) ?? '', /Your balances are counted in the liabilities/);
    // without a published root the proof is only checked against itself, and the page says so
    await page.getByTestId('no-root-warning').waitFor({ timeout: TIMEOUT });
    const states = await page
      .locator('.proof-checks li')
      .evaluateAll((ls) => ls.map((l) => l.getAttribute('data-state')));
    assert.deepEqual(states, [
      'passed',
      'passed',
      'passed',
      'passed',
      'passed',
      'skipped',
      'passed',
      'passed',
      'passed',
    ]);
    const row = page.getByRole('row', { name: /^USDT/ });
    assert.match((await row.textContent()) ?? '', /7000000/);
    assert.match((await row.textContent()) ?? '', new RegExp(statement.root.totals[2]!));
    assert.equal(await page.getByTestId('proof-root').textContent(), statement.root.hash);
  });

  test('with the published root statement pasted, every check runs and passes', async () => {
    await page.getByLabel(/Published root/).fill(JSON.stringify(statement));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForFunction(
      () => document.querySelectorAll('.proof-checks li[data-state="passed"]').length === 9,
      null,
      {
        timeout: TIMEOUT,
      },
    );
    assert.equal(await verdict().getAttribute('data-ok'), 'true');
    // a root that is neither a hash nor JSON is refused as such
    await page.getByLabel(/Published root/).fill('not a root');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForFunction(
      () =>
        /ROOT_INPUT_INVALID/.test(document.querySelector('[data-testid=proof-verdict]')?.textContent ?? ''),
      null,
      { timeout: TIMEOUT },
    );
    // the ledger entry that published the root works too: its payload is the statement
    await page
      .getByLabel(/Published root/)
      .fill(JSON.stringify({ action: 'reserves.liabilities.published', payload: statement }));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForFunction(
      () => document.querySelectorAll('.proof-checks li[data-state="passed"]').length === 9,
      null,
      {
        timeout: TIMEOUT,
      },
    );
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, 'reserves-verifier-page.png'), fullPage: true });
  });

  test('a tampered proof is rejected with its reason, and the check that caught it', async () => {
    const changed = structuredClone(proof);
    changed.leaf.balances[0] = (BigInt(changed.leaf.balances[0]!) + 1n).toString();
    await dropProof(changed, 'changed-balance.json');
    await page.waitForFunction(
      () => document.querySelector('[data-testid=proof-verdict]')?.getAttribute('data-ok') === 'false',
      null,
      {
        timeout: TIMEOUT,
      },
    );
    const text = (await verdict().textContent()) ?? '';
    assert.match(text, /This proof does not verify/);
    assert.match(text, /RESERVES_TOTALS_MISMATCH/);
    const failed = page.locator('.proof-checks li[data-state="failed"]');
    assert.match((await failed.textContent()) ?? '', /add up to the published totals/);

    const sibling = structuredClone(proof);
    sibling.path[1]!.hash = sibling.path[1]!.hash.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    await dropProof(sibling, 'changed-sibling.json');
    await page.waitForFunction(
      () =>
        /RESERVES_ROOT_MISMATCH/.test(
          document.querySelector('[data-testid=proof-verdict]')?.textContent ?? '',
        ),
      null,
      {
        timeout: TIMEOUT,
      },
    );

    const other = makeTree();
    await page.getByLabel(/Published root/).fill(other.statement.root.hash);
    await dropProof(proof, 'for-another-root.json');
    await page.waitForFunction(
      () =>
        /RESERVES_ROOT_NOT_PUBLISHED/.test(
          document.querySelector('[data-testid=proof-verdict]')?.textContent ?? '',
        ),
      null,
      { timeout: TIMEOUT },
    );
    await page.getByLabel(/Published root/).fill('');
    await dropProof('{"version": 1, "leaf": ', 'broken.json');
    await page.waitForFunction(
      () => /not valid JSON/.test(document.querySelector('[data-testid=proof-verdict]')?.textContent ?? ''),
      null,
      { timeout: TIMEOUT },
    );
  });

  test('the page made no network request and raised no error', () => {
    assert.deepEqual(blocked, [], 'requests the page tried to send');
    assert.ok(
      requests.every((u) => u.startsWith('file:')),
      `only the page itself is loaded: ${requests.join(', ')}`,
    );
    assert.deepEqual(errors, []);
  });
});
