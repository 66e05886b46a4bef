import type { FastifyPluginAsync } from 'fastify';
import type { Ledger } from '../../ledger/index.ts';

export const incidentRoutes: FastifyPluginAsync<{ ledger: Ledger }> = async () => {};
