/**
 * Registered wallets, persisted; registration and changes are audited in the same transaction
 * (`custody.wallet.registered`, `custody.wallet.updated`).
 */
import type { Address } from 'viem';
import { canonicalJson, NotFoundError } from '../../core/index.ts';
import type { Ledger } from '../../ledger/index.ts';
import { parseWalletConfig, type WalletConfig } from '../analysis/wallet.ts';

/** WalletConfig as JSON (the nonce, a bigint, as a decimal string). */
export function walletToJson(w: WalletConfig): Record<string, unknown> {
  const { nonce, ...rest } = w;
  return nonce === undefined ? { ...rest } : { ...rest, nonce: nonce.toString() };
}

export async function registerWallet(
  ledger: Ledger,
  input: unknown,
  actor: string,
): Promise<{ wallet: WalletConfig; created: boolean; index: number }> {
  const wallet = parseWalletConfig(input);
  const json = walletToJson(wallet);
  const config = canonicalJson(json);
  const now = ledger.clock.now().toISOString();
  const key = { chain_id: wallet.chainId, address: wallet.address.toLowerCase() };
  let created = false;
  const r = await ledger.transact(async (tx) => {
    const existing = await tx.db
      .selectFrom('custody_wallets')
      .select('config')
      .where('chain_id', '=', key.chain_id)
      .where('address', '=', key.address)
      .executeTakeFirst();
    created = !existing;
    if (existing) {
      await tx.db
        .updateTable('custody_wallets')
        .set({ config, updated_at: now })
        .where('chain_id', '=', key.chain_id)
        .where('address', '=', key.address)
        .execute();
    } else {
      await tx.db
        .insertInto('custody_wallets')
        .values({ ...key, config, created_at: now, updated_at: now })
        .execute();
    }
    tx.audit({
      actor,
      action: existing ? 'custody.wallet.updated' : 'custody.wallet.registered',
      subject: `eip155:${wallet.chainId}:${key.address}`,
      payload: {
        version: wallet.version,
        owners: wallet.owners,
        threshold: wallet.threshold,
        modules: wallet.modules ?? [],
        guard: wallet.guard ?? null,
        fallbackHandler: wallet.fallbackHandler ?? null,
        addressBookEntries: wallet.addressBook?.length ?? 0,
        ...(existing ? { previous: JSON.parse(existing.config) } : {}),
      },
    });
  });
  return { wallet, created, index: r.appended[0]!.index };
}

export async function getWallet(
  ledger: Ledger,
  address: Address | string,
  chainId?: number,
): Promise<WalletConfig> {
  let q = ledger.store.db
    .selectFrom('custody_wallets')
    .select(['chain_id', 'config'])
    .where('address', '=', address.toLowerCase());
  if (chainId !== undefined) q = q.where('chain_id', '=', chainId);
  const rows = await q.execute();
  if (rows.length === 0)
    throw new NotFoundError(
      'WALLET_NOT_FOUND',
      `no wallet ${address}${chainId ? ` on chain ${chainId}` : ''} is registered`,
      {
        address,
        ...(chainId ? { chainId } : {}),
      },
    );
  if (rows.length > 1)
    throw new NotFoundError(
      'WALLET_AMBIGUOUS',
      `${address} is registered on several chains; say which with the chain id`,
      {
        chains: rows.map((r) => r.chain_id),
      },
    );
  return parseWalletConfig(JSON.parse(rows[0]!.config));
}

export async function listWallets(ledger: Ledger): Promise<WalletConfig[]> {
  const rows = await ledger.store.db
    .selectFrom('custody_wallets')
    .select('config')
    .orderBy('chain_id')
    .orderBy('address')
    .execute();
  return rows.map((r) => parseWalletConfig(JSON.parse(r.config)));
}
