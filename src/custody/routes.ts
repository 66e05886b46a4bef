/** HTTP routes of the custody guard. */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Ledger } from '../ledger/index.ts';
import { anyDenied } from './analysis/analyze-list.ts';
import {
  analyzeForWallet,
  getWallet,
  jsonSafe,
  listWallets,
  registerWallet,
  walletToJson,
} from './registry/index.ts';

const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'expected a 0x-prefixed 20-byte hex address');

export const custodyRoutes: FastifyPluginAsync<{ ledger: Ledger }> = async (app, { ledger }) => {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['custody'];

  api.post(
    '/api/v1/custody/analyze',
    {
      config: { permission: 'custody:analyze' },
      schema: {
        tags,
        summary: 'Decode, hash, simulate and judge Safe transactions for a registered wallet',
        body: z.object({
          wallet: address,
          chainId: z.number().int().positive().optional(),
          /** one Safe Transaction Service record, a list response, or an array */
          transaction: z.unknown(),
          simulate: z.boolean().default(true),
          /** [{ address, code?, storage?, balance?, nonce? }]: state of contracts the transaction touches (offline fork) */
          extraState: z.array(z.record(z.string(), z.unknown())).optional(),
        }),
        response: {
          200: z.object({ denied: z.boolean(), results: z.array(z.record(z.string(), z.unknown())) }),
          400: errorBody,
          404: errorBody,
        },
      },
    },
    async (req) => {
      const entries = await analyzeForWallet(ledger, {
        wallet: req.body.wallet,
        ...(req.body.chainId ? { chainId: req.body.chainId } : {}),
        input: req.body.transaction,
        simulate: req.body.simulate,
        ...(req.body.extraState ? { extraState: req.body.extraState } : {}),
      });
      return {
        denied: anyDenied(entries),
        results: entries.map(
          (e) =>
            jsonSafe(
              'analysis' in e
                ? {
                    index: e.index,
                    ...e.analysis,
                    ...(e.simulationError ? { simulationError: e.simulationError } : {}),
                  }
                : { index: e.index, error: e.error },
            ) as Record<string, unknown>,
        ),
      };
    },
  );

  api.get(
    '/api/v1/custody/wallets',
    {
      config: { permission: 'custody:read' },
      schema: {
        tags,
        summary: 'Registered wallets',
        response: { 200: z.array(z.record(z.string(), z.unknown())) },
      },
    },
    async () => (await listWallets(ledger)).map(walletToJson),
  );

  api.get(
    '/api/v1/custody/wallets/:chainId/:address',
    {
      config: { permission: 'custody:read' },
      schema: {
        tags,
        params: z.object({ chainId: z.coerce.number().int().positive(), address }),
        response: { 200: z.record(z.string(), z.unknown()), 404: errorBody },
      },
    },
    async (req) => walletToJson(await getWallet(ledger, req.params.address, req.params.chainId)),
  );

  api.post(
    '/api/v1/custody/wallets',
    {
      config: { permission: 'custody:wallets:write' },
      schema: {
        tags,
        summary: 'Register or update a wallet (audited)',
        body: z.record(z.string(), z.unknown()),
        response: {
          200: z.object({
            created: z.boolean(),
            ledgerIndex: z.number().int(),
            wallet: z.record(z.string(), z.unknown()),
          }),
          400: errorBody,
        },
      },
    },
    async (req) => {
      const r = await registerWallet(ledger, req.body, req.principal!.id);
      return { created: r.created, ledgerIndex: r.index, wallet: walletToJson(r.wallet) };
    },
  );
};
