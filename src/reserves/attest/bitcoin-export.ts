/**
 * Balances from Bitcoin Core's `scantxoutset` result (RPC `scantxoutset "start" [descriptors]`):
 * { success, txouts, height, bestblock, unspents: [{ txid, vout, scriptPubKey, desc, amount, … }],
 * total_amount }. Each unspent is attributed by its scriptPubKey to the address it pays, which must
 * be one with an ownership signature; amounts are decimal BTC text turned into satoshis exactly.
 */
import { bytesToHex, InvalidInputError } from '../../core/index.ts';
import { scriptPubKeyOf } from './bip322.ts';
import type { BitcoinSection } from './file-schema.ts';

export interface BitcoinBalance {
  address: string;
  asset: string;
  amount: bigint;
}

/** "0.00012345" → 12345n. The text was validated as digits with at most 8 decimals. */
export function btcToSats(text: string): bigint {
  const [whole, frac = ''] = text.split('.');
  return BigInt(whole!) * 100_000_000n + BigInt(frac.padEnd(8, '0'));
}

function bad(path: string, message: string, code = 'RESERVES_EXPORT_INVALID'): never {
  throw new InvalidInputError(code, `${path}: ${message}`, { path });
}

export function readBitcoinBalances(
  section: BitcoinSection,
  path: string,
): { block: { number: bigint; hash: string }; balances: BitcoinBalance[] } {
  const byScript = new Map<string, string>();
  section.addresses.forEach((a, i) => {
    let spk: Uint8Array;
    try {
      spk = scriptPubKeyOf(a.address, section.network);
    } catch (e) {
      bad(
        `${path}.addresses[${i}].address`,
        `not a ${section.network} Bitcoin address (${(e as Error).message})`,
      );
    }
    const hex = bytesToHex(spk);
    if (byScript.has(hex)) bad(`${path}.addresses[${i}].address`, `${a.address} is listed twice`);
    byScript.set(hex, a.address);
  });
  const scan = section.scantxoutset;
  const sums = new Map<string, bigint>([...byScript.values()].map((a) => [a, 0n]));
  const outpoints = new Set<string>();
  let total = 0n;
  scan.unspents.forEach((u, i) => {
    const p = `${path}.scantxoutset.unspents[${i}]`;
    const address = byScript.get(u.scriptPubKey);
    if (!address)
      bad(
        `${p}.scriptPubKey`,
        `pays a script with no ownership signature in ${path}.addresses`,
        'RESERVES_ADDRESS_UNPROVEN',
      );
    const op = `${u.txid}:${u.vout}`;
    if (outpoints.has(op)) bad(p, `output ${op} is listed twice`, 'RESERVES_EXPORT_DUPLICATE');
    outpoints.add(op);
    const sats = btcToSats(u.amount);
    sums.set(address, sums.get(address)! + sats);
    total += sats;
  });
  // The node's own total must agree with its unspents: a file edited by hand rarely keeps both.
  if (btcToSats(scan.total_amount) !== total)
    bad(
      `${path}.scantxoutset.total_amount`,
      `is ${scan.total_amount} BTC but the unspents add up to ${total} sat`,
    );
  return {
    block: { number: BigInt(scan.height), hash: scan.bestblock },
    balances: [...sums].map(([address, amount]) => ({ address, asset: section.asset, amount })),
  };
}
