/**
 * Balances from an EVM node's JSON-RPC answers (Ethereum JSON-RPC API: eth_getBlockByNumber,
 * eth_getBalance, eth_call). Pure: the node was asked elsewhere; this reads what it answered and
 * checks that every answer is about the stated block, a proven address and a known asset.
 *   - block: eth_getBlockByNumber / eth_getBlockByHash; its result's `number` and `hash` are the block.
 *   - eth_getBalance [address, block]: the native asset's balance (a QUANTITY, wei).
 *   - eth_call [{ to: token, data: balanceOf(address) }, block]: the ERC-20 balance, a 32-byte word.
 * The block parameter is the block's number as a QUANTITY or an EIP-1898 `{ "blockHash": … }`.
 */
import { getAddress } from 'viem';
import { InvalidInputError } from '../../core/index.ts';
import { blockResultSchema, type EvmSection, evmAddress, quantity, type RpcCall } from './file-schema.ts';

export interface EvmBalance {
  address: string;
  asset: string;
  amount: bigint;
}

export interface EvmBlock {
  number: bigint;
  hash: string;
}

/** ERC-20 balanceOf(address) selector (keccak256("balanceOf(address)")[0..4]). */
const BALANCE_OF = '0x70a08231';

function bad(path: string, message: string, code = 'RESERVES_EXPORT_INVALID'): never {
  throw new InvalidInputError(code, `${path}: ${message}`, { path });
}

/** The response's result, or a clear error for a JSON-RPC error or an id that does not match. */
function resultOf(call: RpcCall, path: string): unknown {
  if (call.response.id !== call.request.id)
    bad(`${path}.response.id`, `does not match the request id ${JSON.stringify(call.request.id)}`);
  if (call.response.error)
    bad(`${path}.response.error`, `the node answered an error: ${call.response.error.message}`);
  if (call.response.result === undefined) bad(`${path}.response.result`, 'missing');
  return call.response.result;
}

export function readEvmBlock(section: EvmSection, path: string): EvmBlock {
  const p = `${path}.block`;
  const m = section.block.request.method;
  if (m !== 'eth_getBlockByNumber' && m !== 'eth_getBlockByHash')
    bad(`${p}.request.method`, `expected eth_getBlockByNumber or eth_getBlockByHash (got "${m}")`);
  const r = blockResultSchema.safeParse(resultOf(section.block, p));
  if (!r.success)
    bad(`${p}.response.result`, r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return { number: BigInt(r.data.number), hash: r.data.hash.toLowerCase() };
}

function checkBlockParam(v: unknown, block: EvmBlock, path: string): void {
  if (typeof v === 'string' && quantity.safeParse(v).success && BigInt(v) === block.number) return;
  if (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { blockHash?: unknown }).blockHash === 'string' &&
    (v as { blockHash: string }).blockHash.toLowerCase() === block.hash
  )
    return;
  bad(
    path,
    `must name the stated block ${block.number} (0x${block.number.toString(16)}) or its hash; got ${JSON.stringify(v)}`,
    'RESERVES_EXPORT_BLOCK_MISMATCH',
  );
}

/**
 * Every (address, asset) balance of one EVM section. Each proven address needs exactly one answer
 * per asset the section names (the native asset if any, and each token): nothing missing, nothing
 * twice, nothing about an address that has no ownership proof or a contract that is not listed.
 */
export function readEvmBalances(
  section: EvmSection,
  path: string,
): { block: EvmBlock; balances: EvmBalance[] } {
  const block = readEvmBlock(section, path);
  const proven = new Map(section.addresses.map((a) => [a.address.toLowerCase(), getAddress(a.address)]));
  const tokenAsset = new Map<string, string>();
  for (const [asset, contract] of Object.entries(section.tokens)) {
    if (tokenAsset.has(contract.toLowerCase()))
      bad(`${path}.tokens.${asset}`, `contract ${contract} is listed twice`);
    tokenAsset.set(contract.toLowerCase(), asset);
  }
  const seen = new Map<string, EvmBalance>();
  section.calls.forEach((call, i) => {
    const p = `${path}.calls[${i}]`;
    const { method, params } = call.request;
    let address: string;
    let asset: string;
    let amount: bigint;
    if (method === 'eth_getBalance') {
      if (params.length !== 2) bad(`${p}.request.params`, 'eth_getBalance takes [address, block]');
      const a = evmAddress.safeParse(params[0]);
      if (!a.success) bad(`${p}.request.params[0]`, a.error.issues[0]!.message);
      checkBlockParam(params[1], block, `${p}.request.params[1]`);
      if (!section.nativeAsset)
        bad(
          `${p}`,
          'eth_getBalance answers a native balance, but the section names no nativeAsset',
          'RESERVES_ASSET_UNKNOWN',
        );
      address = a.data.toLowerCase();
      asset = section.nativeAsset;
      const r = quantity.safeParse(resultOf(call, p));
      if (!r.success) bad(`${p}.response.result`, r.error.issues[0]!.message);
      amount = BigInt(r.data);
    } else if (method === 'eth_call') {
      if (params.length !== 2) bad(`${p}.request.params`, 'eth_call takes [{ to, data }, block]');
      const tx = params[0] as { to?: unknown; data?: unknown; input?: unknown } | null;
      const to = evmAddress.safeParse(tx?.to);
      if (!to.success) bad(`${p}.request.params[0].to`, to.error.issues[0]!.message);
      const data = tx?.data ?? tx?.input;
      if (typeof data !== 'string' || !/^0x70a08231[0]{24}[0-9a-fA-F]{40}$/.test(data))
        bad(
          `${p}.request.params[0].data`,
          `expected a balanceOf(address) call (${BALANCE_OF} and one address word)`,
        );
      checkBlockParam(params[1], block, `${p}.request.params[1]`);
      const t = tokenAsset.get(to.data.toLowerCase());
      if (!t)
        bad(
          `${p}.request.params[0].to`,
          `contract ${to.data} is not among ${path}.tokens: unknown asset`,
          'RESERVES_ASSET_UNKNOWN',
        );
      asset = t;
      address = `0x${data.slice(34)}`.toLowerCase();
      const r = resultOf(call, p);
      if (typeof r !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(r))
        bad(`${p}.response.result`, 'expected the 32-byte uint256 balanceOf returns');
      amount = BigInt(r);
    } else {
      bad(`${p}.request.method`, `expected eth_getBalance or eth_call (got "${method}")`);
    }
    const checksummed = proven.get(address);
    if (!checksummed)
      bad(
        p,
        `is about ${getAddress(address)}, which has no ownership signature in ${path}.addresses`,
        'RESERVES_ADDRESS_UNPROVEN',
      );
    const key = `${address}/${asset}`;
    if (seen.has(key)) bad(p, `a second ${asset} balance of ${checksummed}`, 'RESERVES_EXPORT_DUPLICATE');
    seen.set(key, { address: checksummed, asset, amount });
  });
  const assets = [...(section.nativeAsset ? [section.nativeAsset] : []), ...Object.keys(section.tokens)];
  for (const a of proven.values())
    for (const asset of assets)
      if (!seen.has(`${a.toLowerCase()}/${asset}`))
        bad(
          `${path}.calls`,
          `no ${asset} balance of ${a} at block ${block.number}`,
          'RESERVES_EXPORT_MISSING',
        );
  return { block, balances: [...seen.values()] };
}
