/** What the coordinator's ceremonies need: the local store's ledger, its key, progress reporting. */
import type { Ledger } from '../../ledger/index.ts';
import { NodeClient } from './client.ts';
import type { CoordinatorKey } from './coordinator-key.ts';
import type { KeyNode } from './registry.ts';

export interface CoordinatorContext {
  ledger: Ledger;
  key: CoordinatorKey;
  /** Who drives the ceremony, for the ledger (`cli:<user>`, `service:<id>`). */
  actor: string;
  /** Per-request timeout to a node, ms (default 30 s). */
  timeoutMs?: number;
  /** Called as a ceremony advances (for a progress bar). */
  progress?: (step: string, done: number, total: number) => void;
}

export function clientFor(ctx: CoordinatorContext, node: Pick<KeyNode, 'url' | 'signingPublic'>): NodeClient {
  return new NodeClient(node.url, ctx.key, node.signingPublic, { timeoutMs: ctx.timeoutMs ?? 30_000 });
}

/** Runs one call per item in parallel; all must succeed (the first failure is thrown after all settle). */
export async function all<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const settled = await Promise.allSettled(items.map(fn));
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return settled.map((s) => (s as PromiseFulfilledResult<R>).value);
}
