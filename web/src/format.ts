/** Display helpers: UTC times without guesswork, readable sizes. */

/**
 * `2025-11-25 06:28:01 UTC` from an ISO time (without ` UTC` where a heading already says so);
 * the input itself if it does not parse.
 */
export function utcTime(iso: string, suffix = true): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 19).replace('T', ' ')}${suffix ? ' UTC' : ''}`;
}

/** `3 min ago`, coarse, for a glance at how fresh a checkpoint is. */
export function age(iso: string, now: Date = new Date()): string {
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return '';
  const s = Math.round((now.getTime() - t) / 1000);
  if (s < 0) return 'in the future';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}
