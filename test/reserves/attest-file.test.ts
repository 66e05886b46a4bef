/**
 * Reserves attestation files: ownership proofs (EIP-191, BIP-322), node exports, unknown assets,
 * the ratio. Pure: no store. Each refusal is checked by its code and by the field it names.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { privateKeyToAccount } from 'viem/accounts';
import { isRampartError } from '../../src/core/index.ts';
import {
  buildStatement,
  checkReserves,
  evmCaip2,
  exampleAttestationText,
  type Liabilities,
  ownershipMessage,
  parseAttestationFile,
  reserveRatio,
  statementDigest,
} from '../../src/reserves/attest/index.ts';
import { rampart } from '../support/cli.ts';
import { storeIndependent } from '../support/passes.ts';

const LIABILITIES: Liabilities = {
  root: 'ab'.repeat(32),
  totals: { BTC: 40n * 100_000_000n, ETH: 1_700n * 10n ** 18n, USDT: 5_000_000n * 10n ** 6n, USDC: 7n },
};

/** Run `fn`, expect a RampartError with `code`, and a message matching `message`. */
async function refused(fn: () => Promise<unknown> | unknown, code: string, message?: RegExp) {
  try {
    await fn();
  } catch (e) {
    assert.ok(isRampartError(e), `expected a RampartError, got ${e}`);
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    return e;
  }
  assert.fail(`expected ${code}, but nothing was refused`);
}

// biome-ignore lint/suspicious/noExplicitAny: a parsed example the tests damage field by field
type Doc = any;

async function example(): Promise<Doc> {
  return JSON.parse(await exampleAttestationText());
}

/** Re-serialise a parsed example: amounts become JSON numbers again, as Bitcoin Core prints them. */
function text(doc: unknown): string {
  return JSON.stringify(doc);
}

describe('reserves attestation file', storeIndependent, () => {
  test('the example verifies: every address proven, per-asset totals and ratios', async () => {
    const file = parseAttestationFile(await exampleAttestationText());
    const checked = await checkReserves(file);
    assert.equal(checked.addresses.length, 4);
    assert.deepEqual(
      checked.addresses.map((a) => a.scheme),
      ['eip191', 'eip191', 'bip322-p2wpkh', 'bip322-p2tr'],
    );
    const s = buildStatement(checked, LIABILITIES);
    assert.deepEqual(
      s.assets.map((a) => [a.asset, a.reserves, a.ratio]),
      [
        ['BTC', '3512345678', '0.878086'],
        ['ETH', '1750000000000000000000', '1.029411'],
        ['USDC', '0', '0.000000'],
        ['USDT', '5000000000000', '1.000000'],
      ],
    );
    assert.deepEqual(
      s.chains.map((c) => [c.chain, c.number]),
      [
        ['bip122:000000000019d6689c085ae165831e93', '870123'],
        ['eip155:1', '21000000'],
      ],
    );
    assert.match(statementDigest(s), /^[0-9a-f]{64}$/);
  });

  test('the ratio is exact bigint arithmetic, rounded down, null without liabilities', () => {
    assert.equal(reserveRatio(2n, 3n), '0.666666');
    assert.equal(reserveRatio(10n ** 30n + 1n, 10n ** 30n), '1.000000');
    assert.equal(reserveRatio(999_999_999n, 1_000_000_000n), '0.999999');
    assert.equal(reserveRatio(5n, 1n), '5.000000');
    assert.equal(reserveRatio(0n, 0n), null);
    assert.throws(() => reserveRatio(-1n, 1n), RangeError);
  });

  test('BTC amounts are read from the text, never through floating point', async () => {
    const sats = 2_099_999_999_999_999n; // 20,999,999.99999999 BTC: not representable as a double
    const t = await exampleAttestationText({ sats: [sats, 1n, 0n] });
    assert.match(t, /"amount": 20999999\.99999999,/);
    const checked = await checkReserves(parseAttestationFile(t));
    const btc = checked.addresses.filter((a) => a.chain.startsWith('bip122'));
    assert.equal(btc[0]!.balances['BTC'], (sats + 1n).toString());
  });

  test('an EVM signature by another key is refused', async () => {
    const doc = await example();
    const other = privateKeyToAccount(`0x${'99'.repeat(32)}`);
    const a = doc.evm[0].addresses[0];
    a.signature = await other.signMessage({
      message: ownershipMessage({
        exchange: doc.exchange,
        date: doc.date,
        chain: evmCaip2(1),
        address: a.address,
      }),
    });
    await refused(
      async () => checkReserves(parseAttestationFile(text(doc))),
      'RESERVES_SIGNATURE_INVALID',
      /evm\[0\]\.addresses\[0\]/,
    );
  });

  test('a signature over another date or another exchange is refused (EVM and Bitcoin)', async () => {
    const yesterday = JSON.parse(await exampleAttestationText({ date: '2026-11-24' }));
    const other = JSON.parse(await exampleAttestationText({ exchange: 'Other Exchange' }));
    for (const signed of [yesterday, other]) {
      const doc = await example();
      doc.evm[0].addresses[1].signature = signed.evm[0].addresses[1].signature;
      await refused(
        async () => checkReserves(parseAttestationFile(text(doc))),
        'RESERVES_SIGNATURE_INVALID',
        /evm\[0\]\.addresses\[1\]: .* EIP-191 .* Example Exchange on 2026-11-25/,
      );
      const btc = await example();
      btc.bitcoin[0].addresses[0].signature = signed.bitcoin[0].addresses[0].signature;
      await refused(
        async () => checkReserves(parseAttestationFile(text(btc))),
        'RESERVES_SIGNATURE_INVALID',
        /bitcoin\[0\]\.addresses\[0\]: .*BIP-322/,
      );
    }
  });

  test('a Bitcoin signature by another key is refused', async () => {
    const doc = await example();
    // the P2TR address's (valid) signature presented for the P2WPKH address
    doc.bitcoin[0].addresses[0].signature = doc.bitcoin[0].addresses[1].signature;
    await refused(
      async () => checkReserves(parseAttestationFile(text(doc))),
      'RESERVES_SIGNATURE_INVALID',
      /bitcoin\[0\]\.addresses\[0\]/,
    );
  });

  test('malformed balance exports name the field', async () => {
    const cases: [string, (d: Doc) => void, string, RegExp][] = [
      [
        'a non-hex eth_getBalance result',
        (d) => {
          d.evm[0].calls[0].response.result = '1500.0';
        },
        'RESERVES_EXPORT_INVALID',
        /evm\[0\]\.calls\[0\]\.response\.result/,
      ],
      [
        'a JSON-RPC error answer',
        (d) => {
          delete d.evm[0].calls[1].response.result;
          d.evm[0].calls[1].response.error = { code: -32000, message: 'header not found' };
        },
        'RESERVES_EXPORT_INVALID',
        /evm\[0\]\.calls\[1\]\.response\.error: the node answered an error: header not found/,
      ],
      [
        'a response to another request',
        (d) => {
          d.evm[0].calls[2].response.id = 99;
        },
        'RESERVES_EXPORT_INVALID',
        /evm\[0\]\.calls\[2\]\.response\.id/,
      ],
      [
        'a balance at another block',
        (d) => {
          d.evm[0].calls[0].request.params[1] = '0x1';
        },
        'RESERVES_EXPORT_BLOCK_MISMATCH',
        /evm\[0\]\.calls\[0\]\.request\.params\[1\]: must name the stated block 21000000/,
      ],
      [
        'a missing balance',
        (d) => {
          d.evm[0].calls.pop();
        },
        'RESERVES_EXPORT_MISSING',
        /no USDT balance of 0x1563915e194D8CfBA1943570603F7606A3115508/,
      ],
      [
        'a balance counted twice',
        (d) => {
          d.evm[0].calls.push(structuredClone(d.evm[0].calls[0]));
        },
        'RESERVES_EXPORT_DUPLICATE',
        /evm\[0\]\.calls\[4\]/,
      ],
      [
        'a balance of an address without a signature',
        (d) => {
          d.evm[0].calls[0].request.params[0] = '0x000000000000000000000000000000000000dEaD';
        },
        'RESERVES_ADDRESS_UNPROVEN',
        /evm\[0\]\.calls\[0\]: is about 0x000000000000000000000000000000000000dEaD/,
      ],
      [
        'an unspent paying an address without a signature',
        (d) => {
          d.bitcoin[0].scantxoutset.unspents[0].scriptPubKey = `0014${'00'.repeat(20)}`;
        },
        'RESERVES_ADDRESS_UNPROVEN',
        /bitcoin\[0\]\.scantxoutset\.unspents\[0\]\.scriptPubKey/,
      ],
      [
        'a scantxoutset total that disagrees with its unspents',
        (d) => {
          d.bitcoin[0].scantxoutset.total_amount = '35.12345679';
        },
        'RESERVES_EXPORT_INVALID',
        /bitcoin\[0\]\.scantxoutset\.total_amount/,
      ],
    ];
    for (const [name, change, code, message] of cases) {
      const doc = await example();
      change(doc);
      await refused(async () => checkReserves(parseAttestationFile(text(doc))), code, message).catch((e) => {
        throw new Error(`${name}: ${e.message}`);
      });
    }
  });

  test('a malformed file names the field, before any signature is checked', async () => {
    await refused(() => parseAttestationFile('{"version": 1,'), 'RESERVES_FILE_INVALID', /not valid JSON/);
    const doc = await example();
    doc.bitcoin[0].scantxoutset.unspents[1].amount = '0.123456789';
    doc.evm[0].addresses[0].signature = '0x1234';
    doc.extra = true;
    const e = await refused(() => parseAttestationFile(text(doc)), 'RESERVES_FILE_INVALID');
    assert.match(
      e.message,
      /bitcoin\[0\]\.scantxoutset\.unspents\[1\]\.amount: expected a BTC amount with at most 8 decimals/,
    );
    assert.match(e.message, /evm\[0\]\.addresses\[0\]\.signature: expected a 65-byte/);
    assert.match(e.message, /\(root\): unknown field\(s\) extra/);
    const unsuccessful = await example();
    unsuccessful.bitcoin[0].scantxoutset.success = false;
    await refused(
      () => parseAttestationFile(text(unsuccessful)),
      'RESERVES_FILE_INVALID',
      /success must be true/,
    );
    const badDate = await example();
    badDate.date = '2026-02-30';
    await refused(async () => checkReserves(parseAttestationFile(text(badDate))), 'RESERVES_DATE_INVALID');
  });

  test('an unknown asset is refused: not in the liabilities, or a contract not listed', async () => {
    const checked = await checkReserves(parseAttestationFile(await exampleAttestationText()));
    const { USDT: _, ...withoutUsdt } = LIABILITIES.totals;
    await refused(
      () => buildStatement(checked, { ...LIABILITIES, totals: withoutUsdt }),
      'RESERVES_ASSET_UNKNOWN',
      /asset USDT is not in the liabilities root/,
    );
    const doc = await example();
    doc.evm[0].calls[1].request.params[0].to = '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48';
    await refused(
      async () => checkReserves(parseAttestationFile(text(doc))),
      'RESERVES_ASSET_UNKNOWN',
      /evm\[0\]\.calls\[1\]\.request\.params\[0\]\.to: contract 0xA0b8.* unknown asset/,
    );
  });

  test('rampart reserves attest-message prints exactly the message that is verified', () => {
    const address = '0x19e7e376e7c213b7e7e7e46cc70a5dd086daff2a';
    const r = rampart([
      'reserves',
      'attest-message',
      address,
      '--exchange',
      'Example Exchange',
      '--date',
      '2026-11-25',
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(
      out.message,
      ownershipMessage({ exchange: 'Example Exchange', date: '2026-11-25', chain: 'eip155:1', address }),
    );
    assert.match(
      out.message,
      /^Rampart proof of reserves\nExchange: Example Exchange\nDate: 2026-11-25\nChain: eip155:1\nAddress: 0x19E7E376E7C213B7E7e7e46cc70A5dD086DAff2A$/,
    );
  });
});
