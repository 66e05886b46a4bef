/**
 * A per-ledger change counter for authorization data (grants, roles, conditions, break-glass).
 * Every change bumps it in the process that made it, and the authorizer's caches drop whatever
 * they hold from an older generation: a revoked grant stops working with the next request.
 * (Other server processes on the same PostgreSQL see it when their short cache lifetime ends.)
 */
const generations = new WeakMap<object, number>();

export function generationOf(ledger: object): number {
  return generations.get(ledger) ?? 0;
}

export function bumpGeneration(ledger: object): void {
  generations.set(ledger, generationOf(ledger) + 1);
}
