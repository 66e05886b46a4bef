/**
 * From an attestation file to the statement Rampart publishes (docs/proof-of-reserves.md,
 * "Reserves attestation"). Pure: no store, no network. All or nothing: one signature that does not
 * verify, one malformed answer, one asset the liabilities do not know, and nothing is published.
 */
import { verifyMessage } from 'viem';
import {
  bytesToHex,
  canonicalJson,
  InvalidInputError,
  sha256,
  utf8,
  VerificationError,
} from '../../core/index.ts';
import { verifyBip322Simple } from './bip322.ts';
import { readBitcoinBalances } from './bitcoin-export.ts';
import { readEvmBalances } from './evm-export.ts';
import type { AttestationFile } from './file-schema.ts';
import { BITCOIN_CAIP2, checkDate, checkExchangeName, evmCaip2, ownershipMessage } from './message.ts';
import { reserveRatio } from './ratio.ts';

export type OwnershipScheme = 'eip191' | 'bip322-p2wpkh' | 'bip322-p2tr';

export interface ProvenAddress {
  chain: string;
  address: string;
  scheme: OwnershipScheme;
  signature: string;
  /** asset → amount in base units (decimal string) */
  balances: Record<string, string>;
}

export interface ChainBlock {
  chain: string;
  number: string;
  hash: string;
}

/** The reserves side, checked: every address proven, every balance read at its chain's block. */
export interface CheckedReserves {
  exchange: string;
  date: string;
  chains: ChainBlock[];
  addresses: ProvenAddress[];
}

/** The liabilities side: the latest published liabilities root and its per-asset totals. */
export interface Liabilities {
  /** the root hash, hex */
  root: string;
  totals: Record<string, bigint>;
  /** when the balance snapshot was taken (ISO 8601), if known */
  snapshotTime?: string;
  /** the ledger entry that published the root, if known */
  ledgerIndex?: number;
}

export interface AssetLine {
  asset: string;
  reserves: string;
  liabilities: string;
  /** reserves / liabilities, rounded down to 6 decimals; null with no liabilities */
  ratio: string | null;
}

/** What is published: hashed (RFC 8785 canonical JSON, SHA-256) and recorded in the ledger. */
export interface AttestationStatement {
  version: 1;
  exchange: string;
  date: string;
  liabilities: { root: string; snapshotTime: string | null; ledgerIndex: number | null };
  assets: AssetLine[];
  chains: ChainBlock[];
  addresses: ProvenAddress[];
}

/** Verify every ownership signature and read every balance. Throws on the first problem. */
export async function checkReserves(file: AttestationFile): Promise<CheckedReserves> {
  checkExchangeName(file.exchange);
  checkDate(file.date);
  if (file.evm.length === 0 && file.bitcoin.length === 0)
    throw new InvalidInputError(
      'RESERVES_FILE_INVALID',
      'the attestation names no chain (evm and bitcoin are both empty)',
    );
  const chains: ChainBlock[] = [];
  const addresses: ProvenAddress[] = [];
  const seenChains = new Set<string>();
  const addChain = (chain: string, path: string) => {
    if (seenChains.has(chain))
      throw new InvalidInputError(
        'RESERVES_FILE_INVALID',
        `${path}: chain ${chain} appears twice; one block per chain`,
      );
    seenChains.add(chain);
  };

  for (const [s, section] of file.evm.entries()) {
    const path = `evm[${s}]`;
    const chain = evmCaip2(section.chainId);
    addChain(chain, path);
    const seen = new Set<string>();
    for (const [i, a] of section.addresses.entries()) {
      const p = `${path}.addresses[${i}]`;
      if (seen.has(a.address.toLowerCase()))
        throw new InvalidInputError('RESERVES_FILE_INVALID', `${p}.address: ${a.address} is listed twice`);
      seen.add(a.address.toLowerCase());
      const message = ownershipMessage({
        exchange: file.exchange,
        date: file.date,
        chain,
        address: a.address,
      });
      let ok = false;
      try {
        // EIP-191 version 0x45 (personal_sign): keccak256("\x19Ethereum Signed Message:\n" ‖ len ‖ m)
        ok = await verifyMessage({
          address: a.address as `0x${string}`,
          message,
          signature: a.signature as `0x${string}`,
        });
      } catch {
        ok = false;
      }
      if (!ok)
        throw new VerificationError(
          'RESERVES_SIGNATURE_INVALID',
          `${p}: the signature is not ${a.address}'s EIP-191 signature of the ownership message for ${file.exchange} on ${file.date}`,
          { path: p, address: a.address, chain },
        );
    }
    const { block, balances } = readEvmBalances(section, path);
    chains.push({ chain, number: block.number.toString(), hash: block.hash });
    for (const a of section.addresses) {
      const mine = balances.filter((b) => b.address.toLowerCase() === a.address.toLowerCase());
      addresses.push({
        chain,
        address: mine[0]?.address ?? a.address,
        scheme: 'eip191',
        signature: a.signature.toLowerCase(),
        balances: Object.fromEntries(mine.map((b) => [b.asset, b.amount.toString()])),
      });
    }
  }

  for (const [s, section] of file.bitcoin.entries()) {
    const path = `bitcoin[${s}]`;
    const chain = BITCOIN_CAIP2[section.network];
    addChain(chain, path);
    const { block, balances } = readBitcoinBalances(section, path);
    const schemes = new Map<string, OwnershipScheme>();
    for (const [i, a] of section.addresses.entries()) {
      const p = `${path}.addresses[${i}]`;
      const message = ownershipMessage({
        exchange: file.exchange,
        date: file.date,
        chain,
        address: a.address,
      });
      const r = verifyBip322Simple(a.address, message, a.signature, section.network);
      if (r.state === 'inconclusive')
        throw new VerificationError('RESERVES_SIGNATURE_UNSUPPORTED', `${p}: ${r.reason}`, {
          path: p,
          address: a.address,
        });
      if (r.state === 'invalid')
        throw new VerificationError(
          'RESERVES_SIGNATURE_INVALID',
          `${p}: not ${a.address}'s BIP-322 signature of the ownership message for ${file.exchange} on ${file.date} (${r.reason})`,
          { path: p, address: a.address, chain },
        );
      schemes.set(a.address, r.type === 'p2wpkh' ? 'bip322-p2wpkh' : 'bip322-p2tr');
    }
    chains.push({ chain, number: block.number.toString(), hash: block.hash });
    for (const a of section.addresses) {
      const b = balances.find((x) => x.address === a.address)!;
      addresses.push({
        chain,
        address: a.address,
        scheme: schemes.get(a.address)!,
        signature: a.signature.trim(),
        balances: { [b.asset]: b.amount.toString() },
      });
    }
  }
  return { exchange: file.exchange, date: file.date, chains, addresses };
}

/** Sum reserves per asset over every proven address. */
export function reserveTotals(r: CheckedReserves): Map<string, bigint> {
  const totals = new Map<string, bigint>();
  for (const a of r.addresses)
    for (const [asset, amount] of Object.entries(a.balances))
      totals.set(asset, (totals.get(asset) ?? 0n) + BigInt(amount));
  return totals;
}

/**
 * The statement: per asset of the liabilities, reserves, liabilities and their ratio. An asset in
 * the reserves that the liabilities do not list is refused (RESERVES_ASSET_UNKNOWN): it would be
 * counted against nothing, and a misspelt asset must not silently vanish.
 */
export function buildStatement(r: CheckedReserves, liabilities: Liabilities): AttestationStatement {
  const totals = reserveTotals(r);
  const known = Object.keys(liabilities.totals);
  for (const asset of totals.keys())
    if (!(asset in liabilities.totals))
      throw new InvalidInputError(
        'RESERVES_ASSET_UNKNOWN',
        `asset ${asset} is not in the liabilities root ${liabilities.root.slice(0, 16)}… (its assets: ${known.join(', ')})`,
        { asset, known },
      );
  const assets = known.sort().map((asset) => {
    const res = totals.get(asset) ?? 0n;
    const liab = liabilities.totals[asset]!;
    return { asset, reserves: res.toString(), liabilities: liab.toString(), ratio: reserveRatio(res, liab) };
  });
  return {
    version: 1,
    exchange: r.exchange,
    date: r.date,
    liabilities: {
      root: liabilities.root,
      snapshotTime: liabilities.snapshotTime ?? null,
      ledgerIndex: liabilities.ledgerIndex ?? null,
    },
    assets,
    chains: [...r.chains].sort((a, b) => (a.chain < b.chain ? -1 : a.chain > b.chain ? 1 : 0)),
    addresses: r.addresses,
  };
}

/** SHA-256 of the statement's RFC 8785 canonical JSON, hex: what the ledger entry commits to. */
export function statementDigest(s: AttestationStatement): string {
  return bytesToHex(sha256(utf8(canonicalJson(s))));
}
