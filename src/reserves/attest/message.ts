/**
 * The ownership message each reserve address signs (docs/proof-of-reserves.md, "Reserves
 * attestation"). It binds the exchange, the attestation date and the address on its chain, so a
 * signature made for another exchange, another date or another address proves nothing here.
 *
 * Exactly these lines, joined by "\n" (LF, no trailing newline), UTF-8:
 *   Rampart proof of reserves
 *   Exchange: <exchange>
 *   Date: <YYYY-MM-DD>
 *   Chain: <CAIP-2 chain id>
 *   Address: <address>
 *
 * `<address>` is the EIP-55 checksummed form for EVM chains and the address as given (bech32 is
 * lower case) for Bitcoin. CAIP-2 ids: `eip155:<chainId>`; `bip122:<first 32 hex of the genesis
 * block hash>` for Bitcoin (CAIP-4).
 */
import { getAddress } from 'viem';
import { InvalidInputError } from '../../core/index.ts';

export const BITCOIN_CAIP2 = {
  mainnet: 'bip122:000000000019d6689c085ae165831e93',
  testnet: 'bip122:000000000933ea01ad0ee984209779ba',
} as const;

export function evmCaip2(chainId: number): string {
  return `eip155:${chainId}`;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** An exchange name: printable, one line, 1–100 characters (it is signed inside the message). */
export function checkExchangeName(exchange: string): void {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we refuse
  if (exchange.length < 1 || exchange.length > 100 || /[\u0000-\u001f\u007f]/.test(exchange))
    throw new InvalidInputError(
      'RESERVES_EXCHANGE_INVALID',
      'exchange must be 1 to 100 characters on one line, without control characters',
    );
}

export function checkDate(date: string): void {
  const t = Date.parse(`${date}T00:00:00Z`);
  if (!DATE.test(date) || Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== date)
    throw new InvalidInputError(
      'RESERVES_DATE_INVALID',
      `date must be a calendar date YYYY-MM-DD (got "${date}")`,
    );
}

export function ownershipMessage(p: {
  exchange: string;
  date: string;
  chain: string;
  address: string;
}): string {
  checkExchangeName(p.exchange);
  checkDate(p.date);
  const address = p.chain.startsWith('eip155:') ? getAddress(p.address) : p.address;
  return [
    'Rampart proof of reserves',
    `Exchange: ${p.exchange}`,
    `Date: ${p.date}`,
    `Chain: ${p.chain}`,
    `Address: ${address}`,
  ].join('\n');
}
