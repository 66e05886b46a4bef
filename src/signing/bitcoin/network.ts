/**
 * The Bitcoin networks a spend is built for. Address prefixes differ (BIP173/BIP350 human-readable
 * part); the BIP341 signature message does not depend on the network, only the addresses do.
 */
import { NETWORK, TEST_NETWORK } from '@scure/btc-signer';
import { bitcoinInput } from './errors.ts';

export type BtcNetwork = typeof NETWORK;
export const BITCOIN_NETWORK_NAMES = ['mainnet', 'testnet', 'regtest'] as const;
export type BitcoinNetworkName = (typeof BITCOIN_NETWORK_NAMES)[number];

const NETWORKS: Readonly<Record<BitcoinNetworkName, BtcNetwork>> = Object.freeze({
  mainnet: NETWORK,
  testnet: TEST_NETWORK,
  // Bitcoin Core's regtest chain parameters: testnet's base58 prefixes, bech32 hrp "bcrt".
  regtest: Object.freeze({ ...TEST_NETWORK, bech32: 'bcrt' }),
});

export function bitcoinNetwork(name: string): BtcNetwork {
  if (!(BITCOIN_NETWORK_NAMES as readonly string[]).includes(name))
    throw bitcoinInput('BTC_NETWORK_UNKNOWN', `unknown Bitcoin network "${name}"`, {
      network: name,
      known: [...BITCOIN_NETWORK_NAMES],
    });
  return NETWORKS[name as BitcoinNetworkName];
}
