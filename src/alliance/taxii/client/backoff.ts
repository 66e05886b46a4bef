/**
 * Retry delays after failed polls: exponential from the poll interval, capped, with "full jitter"
 * (a uniform draw below the exponential bound; AWS Architecture Blog, "Exponential Backoff And
 * Jitter", 2015) so that members whose hub came back do not all return in the same instant. Pure.
 */
export interface BackoffOptions {
  baseMs: number;
  capMs: number;
}

export function backoffDelay(
  failures: number,
  o: BackoffOptions,
  random: () => number = Math.random,
): number {
  if (failures <= 0) return o.baseMs;
  const bound = Math.min(o.capMs, o.baseMs * 2 ** Math.min(failures, 30));
  // Never below the base interval: a failing server is not polled faster than a healthy one.
  return Math.max(o.baseMs, Math.floor(random() * bound));
}
