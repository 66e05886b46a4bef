/**
 * Custody → Analyse transaction in a real browser (Debian chromium driven by playwright-core)
 * against a real Rampart server: the Bybit wallet registered through the API, its nonce-71
 * records analysed from a dropped file (DENY, with DELEGATECALL_UNTRUSTED and the stored
 * safeTxHash), a small transfer to an address-book entry analysed from pasted JSON with a real
 * owner signature and a simulation (ALLOW), and bad input (invalid JSON, an unknown wallet, an
 * invalid record) shown as errors that name what was wrong.
 *
 * The caller names itself in an `x-test-principal` header (tests only: the access module's
 * sign-in replaces it); the browser sends it with every request.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import {
  type Address,
  encodeFunctionData,
  getAddress,
  type Hex,
  keccak256,
  parseAbi,
  parseEther,
  serializeSignature,
  toHex,
} from 'viem';
import { privateKeyToAccount, sign } from 'viem/accounts';
import { encodeMultiSendTransactions, safeHashes, safeLibraryDeployments } from '../../src/custody/index.ts';
import type { Principal } from '../../src/server/permissions.ts';
import { ensureConsoleBuilt, launchChromium } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const DENIED_PNG = '/tmp/custody-denied.png';
const ALLOWED_PNG = '/tmp/custody-allowed.png';
const BATCH_PNG = '/tmp/custody-batch.png';
const TIMEOUT = 30_000;

const VECTORS = new URL('../../../shared/vectors/intel/bybit-2025/', import.meta.url);
const BYBIT_FILE = fileURLToPath(new URL('bybit-safe-tx-71.json', VECTORS));
const bybitList = JSON.parse(readFileSync(BYBIT_FILE, 'utf8'));
const expected = JSON.parse(readFileSync(new URL('expected-safe-tx-verification.json', VECTORS), 'utf8'));
const SAFE = getAddress(expected.safe as string);
const SIGNERS = expected.records[0].recovered_signers as Address[];
const EXECUTED_HASH = expected.records[0].safeTxHash_without_chainId as string;
const DISPLAYED_HASH = expected.records[1].safeTxHash_without_chainId as string;

/** A fourth owner whose key the test holds, so the allowed transaction carries a real owner signature. */
const OWNER4_KEY = keccak256(toHex('rampart e2e: custody analysis, owner 4'));
const OWNER4 = privateKeyToAccount(OWNER4_KEY).address;
/** The address-book counterparty of the allowed transfer. */
const HOT_WALLET = privateKeyToAccount(keccak256(toHex('rampart e2e: exchange hot wallet'))).address;
const wallet = {
  chainId: 1,
  address: SAFE,
  version: '1.1.1',
  owners: [...SIGNERS, OWNER4],
  threshold: 3,
  addressBook: [{ address: HOT_WALLET, label: 'Exchange hot wallet', category: 'internal' }],
};

// Tests only: the caller names itself in a header. The access module's resolvers replace this.
const PERMS: Record<string, string[]> = {
  'user:operator': ['custody:analyze', 'custody:read', 'custody:wallets:write'],
};
async function headerPrincipal(req: { headers: Record<string, unknown> }): Promise<Principal | undefined> {
  const id = req.headers['x-test-principal'];
  if (typeof id !== 'string' || !PERMS[id]) return undefined;
  return { id, kind: 'user', permissions: new Set(PERMS[id]) };
}
const AS_OPERATOR = { 'x-test-principal': 'user:operator' };

/** A plain 1.5 ETH transfer to the hot wallet at nonce 72, signed by owner 4 (ECDSA over the safeTxHash). */
async function allowedRecord(): Promise<Record<string, unknown>> {
  const tx = {
    to: HOT_WALLET,
    value: parseEther('1.5'),
    data: '0x' as Hex,
    operation: 0 as const,
    safeTxGas: 0n,
    baseGas: 0n,
    gasPrice: 0n,
    gasToken: '0x0000000000000000000000000000000000000000' as Address,
    refundReceiver: '0x0000000000000000000000000000000000000000' as Address,
    nonce: 72n,
  };
  const { safeTxHash } = safeHashes({ version: '1.1.1', chainId: 1, verifyingContract: SAFE }, tx);
  const signature = serializeSignature(await sign({ hash: safeTxHash, privateKey: OWNER4_KEY }));
  return {
    safe: SAFE,
    to: tx.to,
    value: tx.value.toString(),
    data: tx.data,
    operation: 0,
    gasToken: tx.gasToken,
    safeTxGas: 0,
    baseGas: 0,
    gasPrice: '0',
    refundReceiver: tx.refundReceiver,
    nonce: 72,
    safeTxHash,
    signatures: signature,
  };
}

/**
 * A batch through the canonical MultiSend 1.1.1 (an allow-listed delegatecall): 0.1 ETH to the hot
 * wallet, then the wallet's own changeMasterCopy — the implementation swap, in plain sight.
 */
const NEW_MASTER_COPY = getAddress('0xbdd077f651ebe7f7b3ce16fe5f2b025be2969516');
function batchRecord(): Record<string, unknown> {
  const multiSend = safeLibraryDeployments(1, ['MultiSend']).find((d) => d.version === '1.1.1')!.address;
  const abi = parseAbi([
    'function changeMasterCopy(address _masterCopy)',
    'function multiSend(bytes transactions)',
  ]);
  const transactions = encodeMultiSendTransactions([
    { operation: 0, to: HOT_WALLET, value: parseEther('0.1'), data: '0x' },
    {
      operation: 0,
      to: SAFE,
      value: 0n,
      data: encodeFunctionData({ abi, functionName: 'changeMasterCopy', args: [NEW_MASTER_COPY] }),
    },
  ]);
  return {
    safe: SAFE,
    to: multiSend,
    value: '0',
    data: encodeFunctionData({ abi, functionName: 'multiSend', args: [transactions] }),
    operation: 1,
    gasToken: '0x0000000000000000000000000000000000000000',
    safeTxGas: 0,
    baseGas: 0,
    gasPrice: '0',
    refundReceiver: '0x0000000000000000000000000000000000000000',
    nonce: 73,
  };
}

type Json = Record<string, unknown>;

let browser: Browser | undefined;
let srv: TestServer | undefined;

async function api(method: string, path: string, body?: unknown): Promise<Json> {
  const res = await fetch(`${srv!.url}${path}`, {
    method,
    headers: { ...AS_OPERATOR, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  assert.equal(res.status, 200, `${method} ${path} answered ${res.status}: ${text}`);
  return JSON.parse(text) as Json;
}

async function text(l: Locator): Promise<string> {
  return (await l.textContent()) ?? '';
}

async function colour(l: Locator, prop: 'color' | 'backgroundColor'): Promise<string> {
  return l.evaluate((el, p) => getComputedStyle(el)[p], prop);
}

const RED = 'rgb(163, 17, 31)';
const GREEN = 'rgb(11, 107, 46)';

async function openPage(context: BrowserContext, errors: string[], query = ''): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(`${srv!.url}/custody/analyze${query}`);
  await page.getByRole('heading', { name: /Analyse transaction/ }).waitFor({ timeout: TIMEOUT });
  return page;
}

/** Clicks Analyse and waits for that analysis (an answer or a refusal) to be shown. */
async function analyse(page: Page): Promise<void> {
  const form = page.locator('.analyse-form');
  const runs = Number(await form.getAttribute('data-runs'));
  await page.getByRole('button', { name: 'Analyse' }).click();
  await page.locator(`.analyse-form[data-runs="${runs + 1}"]`).waitFor({ timeout: TIMEOUT });
}

/** The findings of a result, without waiting for any to appear. */
async function findingsOf(result: Locator): Promise<string> {
  return (await result.locator('li.finding').allTextContents()).join('\n');
}

before(async () => {
  await ensureConsoleBuilt();
  srv = await startTestServer({ resolvePrincipal: headerPrincipal as never });
  browser = await launchChromium();
  await api('POST', '/api/v1/custody/wallets', wallet);
});

after(async () => {
  await browser?.close();
  await srv?.close();
});

test('custody console: the Bybit nonce-71 records are denied, a transfer to the address book is allowed', async () => {
  const context = await browser!.newContext({ viewport: { width: 1400, height: 1000 } });
  await context.setExtraHTTPHeaders(AS_OPERATOR);
  const errors: string[] = [];
  const page = await openPage(context, errors);

  // The one registered wallet is chosen already.
  const select = page.getByLabel('Wallet');
  await page.locator(`#wallet option[value="1:${SAFE.toLowerCase()}"]`).waitFor({ state: 'attached' });
  assert.equal(await select.inputValue(), `1:${SAFE.toLowerCase()}`);

  // ---- Denied: the real list response, opened as a file.
  await page.locator('input[type="file"]').setInputFiles(BYBIT_FILE);
  await page.getByText('bybit-safe-tx-71.json').waitFor({ timeout: TIMEOUT });
  await analyse(page);
  const results = page.getByTestId('tx-result');
  assert.equal(await results.count(), 2);
  assert.match(await text(page.getByTestId('summary')), /2 transactions analysed: 2 DENY/);

  const executed = results.nth(0);
  assert.equal(await executed.getAttribute('data-verdict'), 'deny');
  assert.equal(await text(executed.locator('.verdict-word')), 'DENY');
  assert.match(await text(executed.locator('.verdict-line')), /Do not sign/);
  assert.equal(await colour(executed.locator('.tx-verdict'), 'backgroundColor'), RED, 'deny is red');
  const delegate = executed.locator('li.finding[data-code="DELEGATECALL_UNTRUSTED"]');
  assert.equal(await delegate.count(), 1, 'DELEGATECALL_UNTRUSTED is shown');
  assert.equal(await text(delegate.locator('.where')), 'top call', 'the finding names its path');
  assert.equal(await text(delegate.locator('.sev')), 'critical');
  assert.equal(
    await executed.locator('li.finding .sev').first().textContent(),
    'critical',
    'most severe first',
  );
  // The hashes to compare: grouped by four for the eye, unbroken for a copy.
  const hash = executed.getByTestId('safe-tx-hash');
  assert.equal(await hash.getAttribute('data-value'), EXECUTED_HASH);
  assert.equal(await text(hash), EXECUTED_HASH, 'the safeTxHash 0xb3476d06… is shown');
  assert.equal(await hash.locator('.g').count(), 16, 'in 16 groups of 4 hex digits');
  assert.equal(await hash.locator('.g').first().textContent(), 'b347');
  assert.match(
    await text(executed.getByTestId('hashes')),
    /Domain hash0x[0-9a-f]{64}Message hash0x[0-9a-f]{64}/,
  );
  assert.match(await text(executed), /Ledger or Trezor/);
  // The call tree: one DELEGATECALL, in red.
  const call = executed.locator('li.call[data-path=""]');
  assert.match((await call.getAttribute('class')) ?? '', /delegate/);
  assert.equal(await text(call.locator('.op')), 'DELEGATECALL');
  assert.equal(await colour(call.locator('.op'), 'backgroundColor'), RED, 'DELEGATECALL is flagged in red');
  assert.match(await text(call), /transfer\(address to, uint256 amount\)/);
  // Signatures: the three real signers recover to owners over the executed hash.
  const sigRows = executed.locator('table.signatures tbody tr');
  assert.equal(await sigRows.count(), 3);
  for (let i = 0; i < 3; i++) {
    assert.match(await text(sigRows.nth(i)), new RegExp(`${SIGNERS[i]}.*owner \\d`), `signature ${i}`);
    assert.equal(await text(sigRows.nth(i).locator('.pill')), 'owner');
  }
  // The digest approvers sign: recomputed in the browser, and the server's own.
  assert.equal(await executed.getByTestId('digest-check').getAttribute('data-ok'), 'true');
  const viaApi = (await api('POST', '/api/v1/custody/analyze', { wallet: SAFE, transaction: bybitList })) as {
    results: Array<{ digest: string }>;
  };
  assert.equal(await executed.getByTestId('digest').getAttribute('data-value'), viaApi.results[0]!.digest);

  // The transfer the signers were shown carries their signatures, which recover to non-owners.
  const displayed = results.nth(1);
  assert.equal(await displayed.getAttribute('data-verdict'), 'deny');
  assert.equal(await displayed.getByTestId('safe-tx-hash').getAttribute('data-value'), DISPLAYED_HASH);
  assert.ok((await displayed.locator('li.finding[data-code="SIGNER_NOT_OWNER"]').count()) > 0);
  const notOwner = displayed.locator('table.signatures .pill.bad');
  assert.equal(await notOwner.count(), 3);
  assert.equal(await text(notOwner.first()), 'NOT AN OWNER');
  assert.match(await text(displayed.locator('.verdict-meta')), /30,000 ETH/);

  await page.screenshot({ path: DENIED_PNG, fullPage: true });

  // ---- Allowed: a small transfer to the address book, pasted, signed by owner 4, simulated.
  await page.getByLabel('Transaction JSON').fill(JSON.stringify(await allowedRecord(), null, 2));
  await analyse(page);
  assert.equal(await results.count(), 1);
  const allowed = results.first();
  assert.equal(await allowed.getAttribute('data-verdict'), 'allow', await findingsOf(allowed));
  assert.equal(await text(allowed.locator('.verdict-word')), 'ALLOW');
  assert.equal(await colour(allowed.locator('.tx-verdict'), 'backgroundColor'), GREEN, 'allow is green');
  assert.equal(await allowed.locator('li.finding').count(), 0);
  assert.match(await text(allowed), /No findings/);
  assert.match(await text(allowed.locator('.sim-line')), /execTransaction ran and the call succeeded/);
  const balances = allowed.locator('table.effects').first().locator('tbody tr');
  assert.equal(await balances.count(), 2);
  assert.match(await text(balances.nth(0)), new RegExp(`${SAFE}this wallet.*−1\\.5 ETH`));
  assert.match(
    await text(balances.nth(1)),
    new RegExp(`${HOT_WALLET}Exchange hot wallet · internal.*\\+1\\.5 ETH`),
  );
  const storage = allowed.locator('table.storage tbody tr');
  assert.ok((await storage.count()) > 0);
  for (const kind of await storage.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind')))) {
    assert.ok(kind === 'nonce' || kind === 'approved_hashes', `only bookkeeping writes (${kind})`);
  }
  const ownerSig = allowed.locator('table.signatures tbody tr');
  assert.equal(await ownerSig.count(), 1);
  assert.match(await text(ownerSig), new RegExp(`${OWNER4}owner 4`));
  assert.equal(await text(ownerSig.locator('.pill')), 'owner');
  assert.match(await text(allowed), /1 of 3 required owner signatures recover to owners/);
  assert.equal(await allowed.getByTestId('digest-check').getAttribute('data-ok'), 'true');

  await page.screenshot({ path: ALLOWED_PNG, fullPage: true });
  assert.deepEqual(errors, [], 'the page logged no errors');
  await context.close();
});

test('custody console: a MultiSend batch shows its calls by path and the implementation write in red', async () => {
  const context = await browser!.newContext({ viewport: { width: 1400, height: 1000 } });
  await context.setExtraHTTPHeaders(AS_OPERATOR);
  const errors: string[] = [];
  const page = await openPage(context, errors);
  await page.locator(`#wallet option[value="1:${SAFE.toLowerCase()}"]`).waitFor({ state: 'attached' });
  await page.getByLabel('Transaction JSON').fill(JSON.stringify(batchRecord(), null, 2));
  await analyse(page);
  const result = page.getByTestId('tx-result').first();
  assert.equal(await result.getAttribute('data-verdict'), 'deny', await findingsOf(result));
  const change = result.locator('li.finding[data-code="WALLET_IMPLEMENTATION_CHANGE"]');
  assert.deepEqual(
    await change.locator('.where').allTextContents(),
    ['call 1', 'whole transaction'],
    'found in call 1 of the batch (decoded) and by the simulation',
  );
  // The batch: MultiSend on top (an allow-listed delegatecall), its two calls indented with their paths.
  const top = result.locator('li.call[data-path=""]');
  assert.match(
    await text(top.locator('.call-head').first()),
    /DELEGATECALL.*multiSend\(bytes transactions\)/,
  );
  assert.match(
    (await top.getAttribute('class')) ?? '',
    /delegate-trusted/,
    'allow-listed: marked, not alarmed',
  );
  assert.match(await text(top), /allow-listed Safe library/);
  const children = top.locator('ul.call-children > li.call');
  assert.deepEqual(await children.evaluateAll((els) => els.map((e) => e.getAttribute('data-path'))), [
    '0',
    '1',
  ]);
  assert.match(await text(children.nth(0)), /value transfer.*Exchange hot wallet.*0\.1 ETH/);
  assert.match(await text(children.nth(1)), /changeMasterCopy\(address _masterCopy\)/);
  const indent = await children.nth(0).evaluate((el) => el.getBoundingClientRect().left);
  const topLeft = await top.evaluate((el) => el.getBoundingClientRect().left);
  assert.ok(indent > topLeft + 20, 'the batch calls are indented under the MultiSend');
  // The simulation wrote the wallet's implementation slot: red, with the new master copy.
  const impl = result.locator('table.storage tr[data-kind="implementation"]');
  assert.equal(await impl.count(), 1);
  assert.equal(await colour(impl.locator('td').first(), 'color'), RED, 'an implementation change is red');
  assert.match(await text(impl), new RegExp(`→ ${NEW_MASTER_COPY.toLowerCase()}`));
  await page.screenshot({ path: BATCH_PNG, fullPage: true });
  assert.deepEqual(errors, [], 'the page logged no errors');
  await context.close();
});

test('custody console: bad input is named, never a blank page', async () => {
  const context = await browser!.newContext({ viewport: { width: 1400, height: 1000 } });
  await context.setExtraHTTPHeaders(AS_OPERATOR);
  const errors: string[] = [];
  const page = await openPage(context, errors);
  await page.locator(`#wallet option[value="1:${SAFE.toLowerCase()}"]`).waitFor({ state: 'attached' });
  const error = page.getByTestId('analyse-error');

  // Not JSON: said so, with where.
  await page
    .getByLabel('Transaction JSON')
    .fill('{ "to": "0x96221423681A6d52E184D440a8eFCEbB105C7242",\n  "value": }');
  await analyse(page);
  assert.match(
    await text(error),
    /JSON_INVALID The input is not valid JSON at line 2, column 12 \(near “"value": }”\)/,
  );

  // One invalid record among valid ones: that record is named, the others are still analysed.
  const list = structuredClone(bybitList.results) as Json[];
  await page.getByLabel('Transaction JSON').fill(JSON.stringify([{ ...list[1], data: '0xzz' }, list[0]]));
  await analyse(page);
  const results = page.getByTestId('tx-result');
  assert.equal(await results.count(), 2);
  assert.equal(await results.nth(0).getAttribute('data-verdict'), 'error');
  assert.match(
    await text(results.nth(0)),
    /INVALID.*record 0\) could not be analysed: HEX_INVALID data is not/,
  );
  assert.equal(await results.nth(1).getAttribute('data-verdict'), 'deny');
  assert.match(await text(page.getByTestId('summary')), /1 DENY, 1 invalid/);

  // A wallet that is not registered: the server's WALLET_NOT_FOUND, shown.
  const unknown = '0x000000000000000000000000000000000000dead';
  const other = await openPage(context, errors, `?wallet=${unknown}`);
  await other.locator(`#wallet option[value="1:${SAFE.toLowerCase()}"]`).waitFor({ state: 'attached' });
  assert.match(await text(other.locator('.analyse-form')), /is not among the registered wallets/);
  await other.getByLabel('Transaction JSON').fill(JSON.stringify(bybitList));
  await analyse(other);
  assert.match(await text(other.getByTestId('analyse-error')), /WALLET_NOT_FOUND .*dead/i);

  // The browser reports the 404 of that answer itself; nothing else may be logged.
  assert.deepEqual(
    errors.filter((e) => !/Failed to load resource: the server responded with a status of 404/.test(e)),
    [],
    'the page logged no errors',
  );
  await context.close();
});
