/**
 * An example attestation file, signed for real with fixed, public, worthless keys: for the demo, the
 * README walk-through and the tests. Its balances are what a node export would say: JSON-RPC pairs
 * for Ethereum, Bitcoin Core's scantxoutset output (amounts printed as 8-decimal JSON numbers).
 */
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { NETWORK, p2tr, p2wpkh } from '@scure/btc-signer';
import { pad, toHex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { bytesToHex, hexToBytes } from '../../core/index.ts';
import { signBip322Simple } from './bip322.ts';
import { BITCOIN_CAIP2, evmCaip2, ownershipMessage } from './message.ts';

/** Keys anyone can read: never hold value with them. */
export const EXAMPLE_KEYS = {
  evm: [`0x${'11'.repeat(32)}`, `0x${'22'.repeat(32)}`] as const,
  btcP2wpkh: '33'.repeat(32),
  btcP2tr: '44'.repeat(32),
};

export const USDT_MAINNET = '0xdAC17F958D2ee523a2206206994597C13D831ec7';

export interface ExampleOptions {
  exchange?: string;
  date?: string;
  /** wei per address (two addresses) */
  eth?: [bigint, bigint];
  /** USDT base units (6 decimals) per address */
  usdt?: [bigint, bigint];
  /** satoshis per unspent: two on the P2WPKH address, one on the P2TR address */
  sats?: [bigint, bigint, bigint];
  block?: bigint;
}

function btcText(sats: bigint): string {
  return `${sats / 100_000_000n}.${(sats % 100_000_000n).toString().padStart(8, '0')}`;
}

/** The file's text, exactly as an exchange would hand it to `rampart reserves attest`. */
export async function exampleAttestationText(o: ExampleOptions = {}): Promise<string> {
  const exchange = o.exchange ?? 'Example Exchange';
  const date = o.date ?? '2026-11-25';
  const eth = o.eth ?? [1_500n * 10n ** 18n, 250n * 10n ** 18n];
  const usdt = o.usdt ?? [4_000_000n * 10n ** 6n, 1_000_000n * 10n ** 6n];
  const sats = o.sats ?? [30n * 100_000_000n, 12_345_678n, 5n * 100_000_000n];
  const block = o.block ?? 21_000_000n;
  const blockHex = toHex(block);
  const chain = evmCaip2(1);
  const accounts = EXAMPLE_KEYS.evm.map((k) => privateKeyToAccount(k));
  const addresses = await Promise.all(
    accounts.map(async (a) => ({
      address: a.address,
      signature: await a.signMessage({
        message: ownershipMessage({ exchange, date, chain, address: a.address }),
      }),
    })),
  );
  let id = 1;
  const pair = (method: string, params: unknown[], result: unknown) => {
    const n = id++;
    return {
      request: { jsonrpc: '2.0', id: n, method, params },
      response: { jsonrpc: '2.0', id: n, result },
    };
  };
  const calls = accounts.flatMap((a, i) => [
    pair('eth_getBalance', [a.address, blockHex], toHex(eth[i]!)),
    pair(
      'eth_call',
      [{ to: USDT_MAINNET, data: `0x70a08231${pad(a.address).slice(2)}` }, blockHex],
      pad(toHex(usdt[i]!)),
    ),
  ]);
  const blockHash = `0x${bytesToHex(hexToBytes(toHex(block, { size: 32 })))
    .replace(/^0+/, '')
    .padStart(64, 'b')}`;

  const wpkhKey = hexToBytes(EXAMPLE_KEYS.btcP2wpkh);
  const trKey = hexToBytes(EXAMPLE_KEYS.btcP2tr);
  const wpkh = p2wpkh(secp256k1.getPublicKey(wpkhKey, true), NETWORK);
  const tr = p2tr(schnorr.getPublicKey(trKey), undefined, NETWORK);
  const btcChain = BITCOIN_CAIP2.mainnet;
  const btcSign = (key: Uint8Array, address: string) =>
    signBip322Simple(key, address, ownershipMessage({ exchange, date, chain: btcChain, address }));
  const txid = (n: number) => bytesToHex(new Uint8Array(32).fill(n));
  const unspents = [
    { txid: txid(1), vout: 0, spk: wpkh.script, sats: sats[0], address: wpkh.address! },
    { txid: txid(2), vout: 1, spk: wpkh.script, sats: sats[1], address: wpkh.address! },
    { txid: txid(3), vout: 0, spk: tr.script, sats: sats[2], address: tr.address! },
  ].map((u) => ({
    txid: u.txid,
    vout: u.vout,
    scriptPubKey: bytesToHex(u.spk),
    desc: `addr(${u.address})`,
    amount: `__BTC__${btcText(u.sats)}`,
    coinbase: false,
    height: 870_000,
    blockhash: '0'.repeat(8) + 'c'.repeat(56),
  }));
  const total = sats.reduce((a, b) => a + b, 0n);
  const doc = {
    version: 1,
    exchange,
    date,
    evm: [
      {
        chainId: 1,
        nativeAsset: 'ETH',
        tokens: { USDT: USDT_MAINNET },
        addresses,
        block: pair('eth_getBlockByNumber', [blockHex, false], { number: blockHex, hash: blockHash }),
        calls,
      },
    ],
    bitcoin: [
      {
        network: 'mainnet',
        asset: 'BTC',
        addresses: [
          { address: wpkh.address!, signature: btcSign(wpkhKey, wpkh.address!) },
          { address: tr.address!, signature: btcSign(trKey, tr.address!) },
        ],
        scantxoutset: {
          success: true,
          txouts: 187_654_321,
          height: 870_123,
          bestblock: `00000000000000000001${'a'.repeat(44)}`,
          unspents,
          total_amount: `__BTC__${btcText(total)}`,
        },
      },
    ],
  };
  // Bitcoin Core prints amounts as bare JSON numbers with 8 decimals: write them that way.
  return JSON.stringify(doc, null, 2).replace(/"__BTC__([0-9.]+)"/g, '$1');
}
