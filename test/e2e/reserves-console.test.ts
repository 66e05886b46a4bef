/**
 * Console → Reserves in Debian's chromium against a real server: liabilities published by the real
 * build from a snapshot, three attestations of reserves; the page shows the status, the latest root
 * and totals, the ratio table, the history chart (SVG with title/desc) beside its data table, and
 * verifies a user's proof against the published root in the browser. Screenshot in
 * test-artifacts/screenshots/.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import {
  exampleAttestationText,
  proofForUser,
  publishAttestation,
  publishLiabilities,
  type RootStatement,
} from '../../src/reserves/index.ts';
import type { Principal } from '../../src/server/permissions.ts';
import { ensureConsoleBuilt, launchChromium } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { ensureVerifierBuilt } from './reserves-build.ts';

const SHOTS = fileURLToPath(new URL('../../test-artifacts/screenshots/', import.meta.url));
const TIMEOUT = 20_000;
const AS_AUDITOR = { 'x-test-principal': 'user:auditor' };

async function headerPrincipal(req: { headers: Record<string, unknown> }): Promise<Principal | undefined> {
  return req.headers['x-test-principal'] === 'user:auditor'
    ? { id: 'user:auditor', kind: 'user', permissions: new Set(['reserves:read', 'ledger:read']) }
    : undefined;
}

describe('console: Reserves page', () => {
  let srv: TestServer;
  let browser: Browser;
  let page: Page;
  let statement: RootStatement;
  const errors: string[] = [];

  before(async () => {
    srv = await startTestServer({ resolvePrincipal: headerPrincipal as never });
    // liabilities: 40 BTC, 1,700 ETH, 5,000,000 USDT over five users, through the real build
    const snapshot = join(srv.db.dataDir, 'snapshot.csv');
    writeFileSync(
      snapshot,
      [
        'user,BTC,ETH,USDT',
        'alice,1000000000,500000000000000000000,1000000000000',
        'bob,1500000000,400000000000000000000,1500000000000',
        'carol,500000000,300000000000000000000,500000000000',
        'dave,700000000,250000000000000000000,1200000000000',
        'erin,300000000,250000000000000000000,800000000000',
        '',
      ].join('\n'),
    );
    const built = await publishLiabilities(srv.app.ledger, srv.db.dataDir, {
      snapshot,
      assets: ['BTC', 'ETH', 'USDT'],
      actor: 'system',
      workers: 1,
    });
    statement = built.statement;
    // three days of attestations: BTC short, then less short, then covered
    for (const [date, sats] of [
      ['2026-11-23', [30n * 100_000_000n, 0n, 2n * 100_000_000n]],
      ['2026-11-24', [30n * 100_000_000n, 12_345_678n, 5n * 100_000_000n]],
      ['2026-11-25', [35n * 100_000_000n, 0n, 5n * 100_000_000n]],
    ] as const)
      await publishAttestation(
        srv.app.ledger,
        await exampleAttestationText({ date, sats: [...sats] as [bigint, bigint, bigint] }),
        'user:publisher',
      );
    await Promise.all([ensureConsoleBuilt(), ensureVerifierBuilt()]);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1400, height: 1100 } });
    await context.setExtraHTTPHeaders(AS_AUDITOR);
    page = await context.newPage();
    page.on('pageerror', (e) => void errors.push(e.message));
    await page.goto(`${srv.url}/reserves`);
    await page.getByTestId('reserves-status').waitFor({ timeout: TIMEOUT });
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
  });

  test('status first, then the ratio per asset and the latest liabilities root', async () => {
    assert.match(
      (await page.getByTestId('reserves-status').textContent()) ?? '',
      /Reserves cover liabilities for every asset/,
    );
    assert.equal(await page.getByRole('link', { name: 'Reserves' }).getAttribute('aria-current'), 'page');
    const rows = page.getByTestId('ratio-table').locator('tbody tr');
    assert.deepEqual(await rows.allTextContents(), [
      'BTC1.000000 covered40000000004000000000',
      'ETH1.029411 covered17500000000000000000001700000000000000000000',
      'USDT1.000000 covered50000000000005000000000000',
    ]);
    assert.equal(await page.getByTestId('liabilities-root').textContent(), statement.root.hash);
    const provenAt = page.getByTestId('proven-at');
    await provenAt.waitFor({ timeout: TIMEOUT });
    assert.match(
      (await provenAt.textContent()) ?? '',
      /Proven at bip122:000000000019d6689c085ae165831e93 block 870123, eip155:1 block 21000000 by 4 addresses/,
    );
    assert.equal(await page.getByTestId('proven-addresses').locator('tbody tr').count(), 4);
  });

  test('the history chart is an accessible SVG, with the same numbers in a table beside it', async () => {
    const chart = page.getByRole('img', { name: /Reserve ratio per asset over time/ });
    await chart.waitFor({ timeout: TIMEOUT });
    const desc = await page.getByTestId('ratio-chart').locator('desc').textContent();
    assert.match(
      desc ?? '',
      /3 attestations from 2026-11-23 to 2026-11-25\. Latest ratios: BTC 1\.000000, ETH 1\.029411, USDT 1\.000000/,
    );
    assert.equal(await page.getByTestId('ratio-chart').locator('polyline').count(), 3);
    assert.equal(await page.getByTestId('ratio-chart').locator('[data-asset="BTC"] circle').count(), 3);
    const history = page.getByTestId('ratio-history-table').locator('tbody tr');
    assert.deepEqual(await history.allTextContents(), [
      '2026-11-251.0000001.0294111.000000',
      '2026-11-240.8780861.0294111.000000',
      '2026-11-230.8000001.0294111.000000',
    ]);
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, 'reserves-console.png'), fullPage: true });
  });

  test("a user's proof verifies in the page against the published root", async () => {
    const proof = await proofForUser(srv.app.store.db, srv.db.dataDir, 'carol');
    // the published root is filled in from the ledger
    assert.equal(await page.getByLabel(/Published root/).inputValue(), statement.root.hash);
    await page.getByLabel(/choose it/).setInputFiles({
      name: 'carol-proof.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(proof)),
    });
    const verdict = page.getByTestId('proof-verdict');
    await verdict.waitFor({ timeout: TIMEOUT });
    assert.equal(await verdict.getAttribute('data-ok'), 'true');
    assert.equal(await page.locator('.proof-checks li[data-state="passed"]').count(), 9);
    assert.match((await page.getByRole('row', { name: /^BTC/ }).last().textContent()) ?? '', /500000000/);
    // a proof of another user's leaf, with this user's id: refused for its commitment
    const forged = structuredClone(proof);
    forged.leaf.user = 'alice';
    await page.getByLabel(/choose it/).setInputFiles({
      name: 'forged.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(forged)),
    });
    await page.waitForFunction(
      () =>
        /RESERVES_COMMITMENT_MISMATCH/.test(
          document.querySelector('[data-testid=proof-verdict]')?.textContent ?? '',
        ),
      null,
      { timeout: TIMEOUT },
    );
    await page.screenshot({ path: join(SHOTS, 'reserves-console-proof-refused.png'), fullPage: true });
  });

  test('the standalone verifier is served for download, and the page raised no error', async () => {
    const r = await fetch(`${srv.url}/rampart-verify.html`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-disposition') ?? '', /attachment; filename="rampart-verify.html"/);
    assert.match(await r.text(), /Content-Security-Policy/);
    assert.deepEqual(errors, []);
  });
});
