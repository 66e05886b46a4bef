/**
 * `npm run bench -- reserves-attest [--addresses 2000]`
 *
 * Checking a reserves attestation (docs/proof-of-reserves.md, "Reserves attestation") with N
 * addresses: N/2 EVM addresses (EIP-191 signature + eth_getBalance answer each) and N/2 Bitcoin
 * addresses (BIP-322 simple, half P2WPKH and half P2TR, one scantxoutset unspent each). Ours: parse
 * the file's text and `checkReserves` (every signature verified, every answer checked), per address.
 * Beside it, in the same run, the signature floor: the same number of bare curve verifications over
 * precomputed digests with @noble/curves (ECDSA for the EVM and P2WPKH addresses, BIP-340 Schnorr
 * for P2TR), no parsing, no hashing of messages or transactions.
 * `attestVsSignatureFloor` = floor time / our time (≤ 1).
 */
import { loadavg } from 'node:os';
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { Address, NETWORK, OutScript, p2tr, p2wpkh, SigHash, Transaction } from '@scure/btc-signer';
import { taprootTweakPrivKey } from '@scure/btc-signer/utils.js';
import { hashMessage, pad, toHex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { bytesToHex, hexToBytes } from '../src/core/index.ts';
import { toSpendTxid } from '../src/reserves/attest/bip322.ts';
import {
  BITCOIN_CAIP2,
  checkReserves,
  evmCaip2,
  ownershipMessage,
  parseAttestationFile,
  signBip322Simple,
} from '../src/reserves/index.ts';
import type { Report } from './report.ts';

const argOf = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

const EXCHANGE = 'Bench Exchange';
const DATE = '2026-11-25';

function key(i: number, salt: number): Uint8Array {
  const k = new Uint8Array(32);
  new DataView(k.buffer).setUint32(0, 0x10000000 + salt);
  new DataView(k.buffer).setUint32(28, i + 1);
  return k;
}

function btcText(sats: bigint): string {
  return `${sats / 100_000_000n}.${(sats % 100_000_000n).toString().padStart(8, '0')}`;
}

/** to_sign's signature hash for a witness v0 or v1 spend (what the floor verifies against). */
function toSignDigest(address: string, message: string, taproot: boolean): Uint8Array {
  const challenge = OutScript.encode(Address(NETWORK).decode(address));
  const tx = new Transaction({
    version: 0,
    allowUnknownVersion: true,
    allowUnknownOutputs: true,
    allowUnknownInputs: true,
    disableScriptCheck: true,
  });
  tx.addInput({ txid: toSpendTxid(message, challenge), index: 0, sequence: 0 });
  tx.addOutput({ script: new Uint8Array([0x6a]), amount: 0n });
  if (taproot) return tx.preimageWitnessV1(0, [challenge], SigHash.DEFAULT, [0n]);
  const d = OutScript.decode(challenge) as { hash: Uint8Array };
  return tx.preimageWitnessV0(0, OutScript.encode({ type: 'pkh', hash: d.hash }), SigHash.ALL, 0n);
}

export async function run(log: (s: string) => void): Promise<Report> {
  const n = Number(argOf('--addresses') ?? 2000);
  const nEvm = Math.floor(n / 2);
  const nBtc = n - nEvm;
  log(`signing ${n} ownership messages (setup, not timed)…`);
  const block = 21_000_000n;
  const blockHex = toHex(block);
  const chain = evmCaip2(1);
  const floorEcdsa: { sig: Uint8Array; hash: Uint8Array; pub: Uint8Array }[] = [];
  const floorSchnorr: { sig: Uint8Array; hash: Uint8Array; pub: Uint8Array }[] = [];
  const evmAddresses: { address: string; signature: string }[] = [];
  const calls: unknown[] = [];
  for (let i = 0; i < nEvm; i++) {
    const priv = key(i, 1);
    const account = privateKeyToAccount(`0x${bytesToHex(priv)}`);
    const message = ownershipMessage({ exchange: EXCHANGE, date: DATE, chain, address: account.address });
    const signature = await account.signMessage({ message });
    evmAddresses.push({ address: account.address, signature });
    const id = i + 2;
    calls.push({
      request: { jsonrpc: '2.0', id, method: 'eth_getBalance', params: [account.address, blockHex] },
      response: { jsonrpc: '2.0', id, result: toHex(10n ** 18n + BigInt(i)) },
    });
    floorEcdsa.push({
      sig: hexToBytes(signature).subarray(0, 64),
      hash: hexToBytes(hashMessage(message)),
      pub: secp256k1.getPublicKey(priv, true),
    });
  }
  const btcAddresses: { address: string; signature: string }[] = [];
  const unspents: unknown[] = [];
  let total = 0n;
  for (let i = 0; i < nBtc; i++) {
    const priv = key(i, 2);
    const taproot = i % 2 === 1;
    const pay = taproot
      ? p2tr(schnorr.getPublicKey(priv), undefined, NETWORK)
      : p2wpkh(secp256k1.getPublicKey(priv, true), NETWORK);
    const address = pay.address!;
    const message = ownershipMessage({
      exchange: EXCHANGE,
      date: DATE,
      chain: BITCOIN_CAIP2.mainnet,
      address,
    });
    const signature = signBip322Simple(priv, address, message);
    btcAddresses.push({ address, signature });
    const sats = 100_000n + BigInt(i);
    total += sats;
    unspents.push({
      txid: bytesToHex(key(i, 3)),
      vout: 0,
      scriptPubKey: bytesToHex(pay.script),
      desc: `addr(${address})`,
      amount: `__BTC__${btcText(sats)}`,
      coinbase: false,
      height: 870_000,
    });
    const digest = toSignDigest(address, message, taproot);
    if (taproot) {
      const tweaked = taprootTweakPrivKey(priv);
      floorSchnorr.push({
        sig: schnorr.sign(digest, tweaked),
        hash: digest,
        pub: schnorr.getPublicKey(tweaked),
      });
    } else {
      floorEcdsa.push({
        sig: secp256k1.sign(digest, priv, { prehash: false }),
        hash: digest,
        pub: secp256k1.getPublicKey(priv, true),
      });
    }
  }
  const text = JSON.stringify({
    version: 1,
    exchange: EXCHANGE,
    date: DATE,
    evm: [
      {
        chainId: 1,
        nativeAsset: 'ETH',
        addresses: evmAddresses,
        block: {
          request: { jsonrpc: '2.0', id: 1, method: 'eth_getBlockByNumber', params: [blockHex, false] },
          response: { jsonrpc: '2.0', id: 1, result: { number: blockHex, hash: pad(blockHex) } },
        },
        calls,
      },
    ],
    bitcoin: [
      {
        network: 'mainnet',
        asset: 'BTC',
        addresses: btcAddresses,
        scantxoutset: {
          success: true,
          txouts: 1,
          height: 870_123,
          bestblock: 'a'.repeat(64),
          unspents,
          total_amount: `__BTC__${btcText(total)}`,
        },
      },
    ],
  }).replace(/"__BTC__([0-9.]+)"/g, '$1');

  log('checking the attestation (ours)…');
  const t0 = performance.now();
  const checked = await checkReserves(parseAttestationFile(text));
  const ours = performance.now() - t0;
  if (checked.addresses.length !== n)
    throw new Error(`checked ${checked.addresses.length} addresses, expected ${n}`);

  log('bare curve verifications (floor)…');
  const t1 = performance.now();
  let ok = 0;
  for (const f of floorEcdsa)
    if (secp256k1.verify(f.sig, f.hash, f.pub, { prehash: false, lowS: false })) ok++;
  for (const f of floorSchnorr) if (schnorr.verify(f.sig, f.hash, f.pub)) ok++;
  const floor = performance.now() - t1;
  if (ok !== n) throw new Error(`floor verified ${ok} of ${n}`);

  return {
    benchmark: 'reserves-attest',
    conditions: {
      date: new Date().toISOString().slice(0, 10),
      machine: `2 cores, Node ${process.version}`,
      load: loadavg()
        .map((x) => x.toFixed(2))
        .join(' '),
      addresses: `${n} (${nEvm} EIP-191, ${nBtc - Math.floor(nBtc / 2)} BIP-322 P2WPKH, ${Math.floor(nBtc / 2)} BIP-322 P2TR)`,
      fileBytes: text.length,
    },
    results: [
      {
        subject: 'checkReserves: parse, every signature and answer (ours)',
        metric: 'total',
        value: ours,
        unit: 'ms',
      },
      { subject: 'checkReserves (ours)', metric: 'per address', value: (ours * 1000) / n, unit: 'µs' },
      {
        subject: 'bare curve verifications, digests precomputed (floor)',
        metric: 'total',
        value: floor,
        unit: 'ms',
      },
      {
        subject: 'bare curve verifications (floor)',
        metric: 'per address',
        value: (floor * 1000) / n,
        unit: 'µs',
      },
    ],
    ratios: { attestVsSignatureFloor: Math.round((floor / ours) * 100) / 100 },
  };
}
