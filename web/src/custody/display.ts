/** Display helpers of the custody pages: amounts, paths, severities, address labels. */
import type { Finding, Severity, Wallet } from './types.ts';

export const SEVERITY_RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };

/** Most severe first; otherwise the server's order (which is deterministic) is kept. */
export function sortBySeverity(findings: readonly Finding[]): Finding[] {
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => (SEVERITY_RANK[b.f.severity] ?? -1) - (SEVERITY_RANK[a.f.severity] ?? -1) || a.i - b.i)
    .map((x) => x.f);
}

/** Where a finding or a call sits: the whole transaction, the top call, or `call 0.2` of a batch. */
export function pathLabel(path: string | null): string {
  if (path === null) return 'whole transaction';
  if (path === '') return 'top call';
  return `call ${path}`;
}

/** An integer in base units as a decimal with `decimals` places, trailing zeros dropped, grouped. */
export function units(raw: string, decimals: number): string {
  if (!/^-?\d+$/.test(raw)) return raw;
  const neg = raw.startsWith('-');
  const digits = (neg ? raw.slice(1) : raw).padStart(decimals + 1, '0');
  const whole = BigInt(digits.slice(0, digits.length - decimals)).toLocaleString('en-US');
  const frac = digits.slice(digits.length - decimals).replace(/0+$/, '');
  return `${neg ? '−' : ''}${whole}${frac ? `.${frac}` : ''}`;
}

/** Wei as ETH: `30,000 ETH`, `0.25 ETH`. */
export function eth(wei: string): string {
  return `${units(wei, 18)} ETH`;
}

/** A signed delta with an explicit sign: `+1.5 ETH`, `−1.5 ETH`. */
export function signed(text: string): string {
  return text.startsWith('−') || text.startsWith('-') ? text : `+${text}`;
}

/** Names the console knows for addresses: the wallet itself, its owners, its address book. */
export type AddressLabels = ReadonlyMap<string, string>;

export function addressLabels(wallet: Wallet | undefined): AddressLabels {
  const m = new Map<string, string>();
  if (!wallet) return m;
  m.set(wallet.address.toLowerCase(), 'this wallet');
  wallet.owners.forEach((o, i) => {
    m.set(o.toLowerCase(), `owner ${i + 1}`);
  });
  for (const e of wallet.addressBook ?? []) {
    m.set(e.address.toLowerCase(), `${e.label || 'address book'}${e.category ? ` · ${e.category}` : ''}`);
  }
  return m;
}

/** `0x1234…` split in groups of four hex digits (after the 0x), for comparing on a device. */
export function hexGroups(hex: string, size = 4): { prefix: string; groups: string[] } {
  const prefix = hex.startsWith('0x') ? '0x' : '';
  const body = hex.slice(prefix.length);
  const groups: string[] = [];
  for (let i = 0; i < body.length; i += size) groups.push(body.slice(i, i + size));
  return { prefix, groups };
}
