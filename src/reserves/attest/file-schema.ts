/**
 * The reserves attestation file (docs/proof-of-reserves.md, "Reserves attestation"): one JSON
 * document naming the exchange and the date, and per chain the addresses with their ownership
 * signatures and the node's own answers for their balances at one block:
 *   - EVM: JSON-RPC request/response pairs as a node returns them (`eth_getBlockByNumber` for the
 *     block, `eth_getBalance` and `eth_call` of ERC-20 `balanceOf(address)` at that block);
 *   - Bitcoin: the output of Bitcoin Core's `scantxoutset start [...]` as it printed it.
 * Every problem names its field path (`evm[0].calls[3].response.result: …`).
 */
import { z } from 'zod';
import { InvalidInputError } from '../../core/index.ts';

export const ASSET = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;
const assetName = z.string().regex(ASSET, 'an asset name: letters, digits, ".", "_" or "-", at most 32');
const evmAddress = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'expected a 0x-prefixed 20-byte hex address');
const hash32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'expected a 0x-prefixed 32-byte hex hash');
/** JSON-RPC QUANTITY: 0x-prefixed, no leading zeros (Ethereum JSON-RPC spec, "hex value encoding"). */
const quantity = z
  .string()
  .regex(/^0x(0|[1-9a-fA-F][0-9a-fA-F]*)$/, 'expected a hex QUANTITY such as "0x1b4"');
const rpcId = z.union([z.number().int(), z.string()]);

const rpcRequest = z.object({
  jsonrpc: z.literal('2.0'),
  id: rpcId,
  method: z.string(),
  params: z.array(z.unknown()),
});
const rpcResponse = z.object({
  jsonrpc: z.literal('2.0'),
  id: rpcId,
  result: z.unknown().optional(),
  error: z.object({ code: z.number(), message: z.string() }).optional(),
});
export const rpcCallSchema = z.strictObject({ request: rpcRequest, response: rpcResponse });
export type RpcCall = z.infer<typeof rpcCallSchema>;

export const blockResultSchema = z.looseObject({ number: quantity, hash: hash32 });
export { evmAddress, hash32, quantity };

const signedEvmAddress = z.strictObject({
  address: evmAddress,
  /** EIP-191 personal_sign signature: 65 bytes r ‖ s ‖ v, hex */
  signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, 'expected a 65-byte 0x-hex personal_sign signature'),
});

const evmSection = z.strictObject({
  chainId: z.number().int().positive(),
  /** the asset the chain's native balance counts as (ETH on chain 1); omit to count none */
  nativeAsset: assetName.optional(),
  /** asset name → ERC-20 contract whose balanceOf the calls read */
  tokens: z.record(assetName, evmAddress).default({}),
  addresses: z.array(signedEvmAddress).min(1, 'at least one address'),
  /** the eth_getBlockByNumber (or eth_getBlockByHash) exchange that states the block */
  block: rpcCallSchema,
  calls: z.array(rpcCallSchema),
});

const signedBitcoinAddress = z.strictObject({
  address: z.string().min(14).max(90),
  /** BIP-322 simple signature: base64 of the witness stack */
  signature: z.string().min(1).max(2000),
});

/** Bitcoin Core `scantxoutset` result (amounts kept as the decimal text the node printed). */
export const scanTxOutSetSchema = z.looseObject({
  success: z.literal(true, 'the scan did not succeed (success must be true)'),
  height: z.number().int().nonnegative(),
  bestblock: z.string().regex(/^[0-9a-f]{64}$/, 'expected the 32-byte block hash in hex'),
  unspents: z.array(
    z.looseObject({
      txid: z.string().regex(/^[0-9a-f]{64}$/, 'expected a 32-byte txid in hex'),
      vout: z.number().int().nonnegative(),
      scriptPubKey: z.string().regex(/^([0-9a-f]{2})+$/, 'expected the output script in hex'),
      amount: z.string().regex(/^\d{1,8}(\.\d{1,8})?$/, 'expected a BTC amount with at most 8 decimals'),
    }),
  ),
  total_amount: z.string().regex(/^\d{1,8}(\.\d{1,8})?$/, 'expected a BTC amount with at most 8 decimals'),
});
export type ScanTxOutSet = z.infer<typeof scanTxOutSetSchema>;

const bitcoinSection = z.strictObject({
  network: z.enum(['mainnet', 'testnet']).default('mainnet'),
  asset: assetName.default('BTC'),
  addresses: z.array(signedBitcoinAddress).min(1, 'at least one address'),
  scantxoutset: scanTxOutSetSchema,
});

export const attestationFileSchema = z.strictObject({
  version: z.literal(1),
  exchange: z.string(),
  /** the attestation date (UTC calendar day) every ownership message names */
  date: z.string(),
  evm: z.array(evmSection).default([]),
  bitcoin: z.array(bitcoinSection).default([]),
});
export type AttestationFile = z.infer<typeof attestationFileSchema>;
export type EvmSection = AttestationFile['evm'][number];
export type BitcoinSection = AttestationFile['bitcoin'][number];

/** `['evm', 0, 'calls', 3]` → `evm[0].calls[3]` */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out === '' ? '(root)' : out;
}

/**
 * Bitcoin Core prints BTC amounts as JSON numbers with 8 decimals. JSON.parse would turn them into
 * binary floats, so the text of every "amount" / "total_amount" number is quoted before parsing and
 * read as a decimal string: no value ever passes through floating point.
 */
function quoteAmounts(text: string): string {
  return text.replace(
    /(?<!\\)"(amount|total_amount)"(\s*):(\s*)(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g,
    (_m, key: string, s1: string, s2: string, num: string) => `"${key}"${s1}:${s2}"${num}"`,
  );
}

/** Parse and validate the attestation file's text. */
export function parseAttestationFile(text: string, source = 'attestation file'): AttestationFile {
  let raw: unknown;
  try {
    raw = JSON.parse(quoteAmounts(text));
  } catch (e) {
    throw new InvalidInputError(
      'RESERVES_FILE_INVALID',
      `${source} is not valid JSON: ${(e as Error).message}`,
    );
  }
  return parseAttestationObject(raw, source);
}

export function parseAttestationObject(raw: unknown, source = 'attestation file'): AttestationFile {
  const r = attestationFileSchema.safeParse(raw);
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) =>
    i.code === 'unrecognized_keys'
      ? { path: fieldPath(i.path), message: `unknown field(s) ${i.keys.join(', ')}` }
      : { path: fieldPath(i.path), message: i.message },
  );
  throw new InvalidInputError(
    'RESERVES_FILE_INVALID',
    `${source} is not a valid reserves attestation:\n  ${problems.map((p) => `${p.path}: ${p.message}`).join('\n  ')}`,
    { problems },
  );
}
