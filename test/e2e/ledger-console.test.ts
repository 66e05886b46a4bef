/**
 * The ledger console in a real browser (Debian chromium driven by playwright-core) against a real
 * Rampart server with demo data: the checkpoint's signature is verified in the page, the entries
 * page, an entry verifies against the checkpoint, and after the entry is altered in the database
 * the page reports the failure in red.
 *
 * The server serves web/dist; if it is missing or older than its sources, it is built first.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { ensureConsoleBuilt, launchChromium } from '../support/browser.ts';
import { startTestServer } from '../support/server.ts';

const SCREENSHOT = '/tmp/ledger-console.png';
const PAGE_SIZE = 25;
const TAMPERED = 3;
const TIMEOUT = 15_000;

type TestServer = Awaited<ReturnType<typeof startTestServer>>;

let browser: Browser | undefined;
let srv: TestServer | undefined;
const pageErrors: string[] = [];

async function api<T>(path: string): Promise<T> {
  const res = await fetch(`${srv!.url}${path}`);
  const body = await res.text();
  assert.equal(res.status, 200, `${path} answered ${res.status}: ${body}`);
  return JSON.parse(body) as T;
}

interface Entry {
  index: number;
  entry: string;
}

/** The node's text, as the DOM holds it. */
async function text(l: Locator): Promise<string> {
  return (await l.textContent()) ?? '';
}

function row(page: Page, index: number): Locator {
  return page.locator(`tr[data-index="${index}"]`);
}

/** The verification result shown under the row of `index`. */
function resultOf(page: Page, index: number): Locator {
  return row(page, index).locator('xpath=following-sibling::tr[1]').getByTestId('verify-result');
}

async function verifyRow(page: Page, index: number): Promise<Locator> {
  await row(page, index).getByRole('button', { name: 'Verify' }).click();
  const result = resultOf(page, index);
  await result.waitFor({ timeout: TIMEOUT });
  return result;
}

async function openLedger(page: Page, path = '/'): Promise<void> {
  await page.goto(`${srv!.url}${path}`);
  await page.getByTestId('checkpoint-status').waitFor({ timeout: TIMEOUT });
}

before(async () => {
  await ensureConsoleBuilt();
  srv = await startTestServer({ demo: true });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await srv?.close();
});

test('ledger console: signed checkpoint, paging, in-browser verification, tamper detection', async () => {
  const checkpoint = await api<{ origin: string; size: number; root: string }>('/api/v1/ledger/checkpoint');
  const { size } = await api<{ size: number }>('/api/v1/ledger/entries?from=0&limit=1');
  assert.ok(size > PAGE_SIZE, `the demo data should fill more than one page (it has ${size} entries)`);
  assert.ok(checkpoint.size > TAMPERED, `the demo checkpoint should cover entry ${TAMPERED}`);

  const context = await browser!.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });

  // The checkpoint, verified in the page.
  await openLedger(page);
  const status = page.getByTestId('checkpoint-status');
  assert.match(await text(status), /signature verified in this browser/i);
  const panel = page.locator('section', {
    has: page.getByRole('heading', { name: 'Latest signed checkpoint' }),
  });
  const panelText = await text(panel);
  assert.ok(panelText.includes(checkpoint.origin), 'the panel shows the origin');
  assert.ok(panelText.includes(checkpoint.root), 'the panel shows the root hash');
  assert.ok(panelText.includes(checkpoint.size.toLocaleString('en-US')), 'the panel shows the tree size');
  const note = await text(page.getByTestId('checkpoint-note'));
  assert.ok(
    note.startsWith(`${checkpoint.origin}\n${checkpoint.size}\n${checkpoint.root}\n`),
    'the raw note is shown',
  );
  assert.ok(note.includes('\u2014 '), 'the raw note has its signature lines');

  // Newest first, 25 to a page; older and newer.
  const rows = page.locator('table.entries tbody tr[data-index]');
  await row(page, size - 1).waitFor({ timeout: TIMEOUT });
  assert.equal(await rows.count(), PAGE_SIZE);
  assert.equal(await rows.first().getAttribute('data-index'), String(size - 1));
  await page.getByRole('button', { name: 'Older ›' }).click();
  await row(page, size - 1 - PAGE_SIZE).waitFor({ timeout: TIMEOUT });
  assert.equal(await rows.first().getAttribute('data-index'), String(size - 1 - PAGE_SIZE));
  await page.getByRole('button', { name: '‹ Newer' }).click();
  await row(page, size - 1).waitFor({ timeout: TIMEOUT });

  // Jump to the entry to be tampered with, expand its payload, verify it.
  await page.getByLabel('Jump to index').fill(String(TAMPERED));
  await page.getByRole('button', { name: 'Go' }).click();
  await row(page, TAMPERED).waitFor({ timeout: TIMEOUT });
  assert.match((await row(page, TAMPERED).getAttribute('class')) ?? '', /highlight/);
  await row(page, TAMPERED).locator('td.payload button').click();
  const detail = row(page, TAMPERED).locator('xpath=following-sibling::tr[1]');
  const entries = await api<{ entries: Entry[] }>(`/api/v1/ledger/entries?from=${TAMPERED}&limit=1`);
  const original = entries.entries[0]!;
  assert.ok(original.entry.includes('demo'), `entry ${TAMPERED} should contain "demo" for the tamper step`);
  assert.ok((await text(detail)).includes(original.entry), 'the canonical entry is shown');

  const ok = await verifyRow(page, TAMPERED);
  assert.equal(await ok.getAttribute('data-verdict'), 'verified', await text(ok));
  assert.equal(
    await text(ok.locator('.verdict-head')),
    `✓ Verified in this browser: included in checkpoint ${checkpoint.size}`,
  );
  const checked = await ok.locator('.checks li').allTextContents();
  assert.match(checked[0] ?? '', new RegExp(`^checkpoint ${checkpoint.size} .*Ed25519 signature verified`));
  assert.match(checked[1] ?? '', /^leaf hash recomputed from the entry's \d+ canonical bytes/);
  assert.match(checked[2] ?? '', /^inclusion proof \(\d+ hash(es)?\) leads to the signed root /);
  assert.match(checked[3] ?? '', /match the verified entry$/);
  assert.equal(await ok.evaluate((el) => getComputedStyle(el).color), 'rgb(11, 107, 46)', 'success is green');

  // Alter the stored entry behind the server's back; the page must catch it.
  await srv!.rawSql("UPDATE ledger_entries SET entry = replace(entry, 'demo', 'DEMO') WHERE idx = 3");
  await page.reload();
  await row(page, TAMPERED).waitFor({ timeout: TIMEOUT });
  await page.getByTestId('checkpoint-status').waitFor({ timeout: TIMEOUT });
  const bad = await verifyRow(page, TAMPERED);
  const badText = await text(bad);
  assert.equal(await bad.getAttribute('data-verdict'), 'failed', badText);
  assert.match(await text(bad.locator('.verdict-head')), /^✗ Verification failed: INCLUSION_PROOF_INVALID /);
  assert.match(
    await text(bad.locator('.diagnosis')),
    /^The entry's canonical bytes hash to \S+, but the leaf hash the server recorded for index 3 is \S+ .*: the stored entry is not the one that was logged\.$/,
  );
  assert.equal(await bad.evaluate((el) => getComputedStyle(el).color), 'rgb(163, 17, 31)', 'failure is red');

  // A neighbour still verifies: the failure is about that entry, not the log.
  const neighbour = await verifyRow(page, TAMPERED + 1);
  assert.equal(await neighbour.getAttribute('data-verdict'), 'verified', await text(neighbour));

  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  assert.deepEqual(pageErrors, [], 'the page logged no errors');
  await context.close();
});
