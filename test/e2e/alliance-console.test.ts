/**
 * Console → Alliance in Debian's chromium against a real server: declare an incident with the 51
 * FBI addresses from the form, see it at the top with its marking; a member (HTTP Basic over TAXII)
 * pulls it and acknowledges with a note, and the page shows that member's row with both times; the
 * screen box says an incident address is listed. Screenshot in test-artifacts/screenshots/.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { allianceCollection } from '../../src/alliance/incidents/index.ts';
import { addMember, hashPassword, setCollectionRight } from '../../src/alliance/members/index.ts';
import { TaxiiClient } from '../../src/alliance/taxii/client/index.ts';
import type { Principal } from '../../src/server/permissions.ts';
import { ensureConsoleBuilt, launchChromium } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const SHOTS = fileURLToPath(new URL('../../test-artifacts/screenshots/', import.meta.url));
const FBI = new URL(
  '../../../shared/vectors/intel/bybit-2025/fbi-ic3-psa250226-eth-addresses.txt',
  import.meta.url,
);
const TIMEOUT = 20_000;
const PASSWORD = 'exchange b password 2025';
const AS_LIAISON = { 'x-test-principal': 'user:liaison' };

async function headerPrincipal(req: { headers: Record<string, unknown> }): Promise<Principal | undefined> {
  return req.headers['x-test-principal'] === 'user:liaison'
    ? {
        id: 'user:liaison',
        kind: 'user',
        permissions: new Set(['alliance:read', 'alliance:incident:write', 'alliance:screen', 'taxii:read']),
      }
    : undefined;
}

let srv: TestServer;
let browser: Browser;
let collection: string;

before(async () => {
  await ensureConsoleBuilt();
  mkdirSync(SHOTS, { recursive: true });
  srv = await startTestServer({ resolvePrincipal: headerPrincipal as never });
  collection = await allianceCollection(srv.app.ledger, 'user:admin');
  await addMember(
    srv.app.ledger,
    { id: 'exchange-b', name: 'Exchange B', passwordHash: await hashPassword(PASSWORD) },
    'user:admin',
  );
  await setCollectionRight(
    srv.app.ledger,
    'exchange-b',
    { collectionId: collection, canRead: true, canWrite: true, tlpMax: 'amber' },
    'user:admin',
  );
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await srv?.close();
});

test('declare an incident in the console, see it, and see a member acknowledge it', async () => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1100 } });
  await context.setExtraHTTPHeaders(AS_LIAISON);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${srv.app.baseUrl()}/alliance`);
  await page.getByRole('heading', { name: 'Alliance', level: 1 }).waitFor({ timeout: TIMEOUT });
  assert.equal(await page.getByRole('link', { name: 'Alliance' }).getAttribute('aria-current'), 'page');
  await page.getByText('No incidents declared or received.').waitFor({ timeout: TIMEOUT });

  const addresses = readFileSync(FBI, 'utf8').trim();
  await page.getByLabel('What happened').fill('Bybit cold wallet theft: FBI PSA 250226');
  await page.getByLabel('Attacker addresses (one per line)').fill(addresses);
  await page.getByLabel('Marking').selectOption('amber');
  await page.getByRole('button', { name: 'Declare and publish' }).click();
  await page.getByRole('status').filter({ hasText: 'Declared: 51 addresses' }).waitFor({ timeout: TIMEOUT });
  const card = page.getByTestId('incident').first();
  await card
    .getByRole('heading', { name: 'Bybit cold wallet theft: FBI PSA 250226' })
    .waitFor({ timeout: TIMEOUT });
  assert.match(await card.innerText(), /TLP:AMBER · 51 addresses/);

  // Member B pulls the collection over TAXII and acknowledges with a note.
  const b = new TaxiiClient({ kind: 'basic', username: 'exchange-b', password: PASSWORD });
  const url = `${srv.url}/taxii2/alliance/collections/${collection}/`;
  const page1 = await b.getObjects(url, { match: { type: 'report' } });
  const report = page1.objects?.[0] as { id: string };
  assert.ok(report?.id.startsWith('report--'));
  await b.addObjects(url, [
    {
      type: 'note',
      spec_version: '2.1',
      id: 'note--5b1a0e4c-6f3e-4c55-9a8e-2f0d3c1e7a11',
      created: new Date().toISOString(),
      modified: new Date().toISOString(),
      content: 'Received; 51 addresses screened, holds in place.',
      object_refs: [report.id],
    },
  ]);

  await page.reload();
  const row = page.getByRole('row', { name: /exchange-b/ });
  await row.waitFor({ timeout: TIMEOUT });
  const cells = await row.locator('td').allInnerTexts();
  assert.match(cells[0]!, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/, 'received at');
  assert.match(cells[1]!, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/, 'acknowledged at');
  assert.equal(await page.getByTestId('ack-count').first().innerText(), '1 of 1 members acknowledged');

  // Screening: the declaring member blocks its own incident's addresses too; a bad address is named.
  await page
    .getByLabel('Addresses', { exact: true })
    .fill('0x51E9d833Ecae4E8D9D8Be17300AEE6D3398C135D\n0x51E9d833');
  await page.getByRole('button', { name: 'Screen' }).click();
  await page.locator('.screen-results li').nth(1).waitFor({ timeout: TIMEOUT });
  const screened = await page.locator('.screen-results').innerText();
  assert.match(screened, /LISTED\s+by alliance:local: incident: Bybit cold wallet theft/);
  assert.match(screened, /invalid/);

  await page.screenshot({ path: `${SHOTS}alliance.png`, fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});
