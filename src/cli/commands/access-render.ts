/** How `rampart access` prints grants and the review for a person (decisive facts first). */
import type { AccessReview, Grant } from '../../access/grants/index.ts';
import { UsageError } from '../output.ts';

/** An ISO 8601 time, or a duration from `now` (`90s`, `15m`, `12h`, `30d`); returns ISO. */
export function parseDuration(v: string, now: Date): string {
  const m = /^(\d{1,6})(s|m|h|d)$/.exec(v.trim());
  if (m) {
    const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
    return new Date(now.getTime() + Number(m[1]) * unit).toISOString();
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(Date.parse(v))) return new Date(v).toISOString();
  throw new UsageError(`"${v}" is neither an ISO 8601 time nor a duration such as 12h or 30d`);
}

export function grantLine(g: Grant): string {
  const until = g.expiresAt ? ` until ${g.expiresAt}` : '';
  const used = g.lastUsedAt ? `last used ${g.lastUsedAt}` : 'never used';
  return `${g.id}  ${g.status.padEnd(7)} ${g.role.padEnd(20)} ${g.principal}${until}  (${used}; by ${g.requestedBy}${g.approvedBy ? `, approved by ${g.approvedBy}` : ''})`;
}

export function printReview(r: AccessReview): string {
  const s = r.summary;
  const out: string[] = [];
  if (r.alerts.length)
    out.push(
      `ALERT: break-glass used ${r.alerts.length} time(s); last at ${r.alerts[0]!.time} by ${r.alerts[0]!.account}`,
    );
  out.push(
    `Access review at ${r.generatedAt}: ${s.grants} grant(s), ${s.pending} pending, ${s.unused} unused (${r.unusedDays} d), ${s.expiring} expiring (${r.expiringDays} d)${r.expiredNow ? `; ${r.expiredNow} just expired` : ''}`,
    '',
  );
  for (const g of r.grants) {
    const who = g.principalName ? `${g.principal} (${g.principalName})` : g.principal;
    const flags = g.flags.length ? ` [${g.flags.join(', ')}]` : '';
    out.push(
      `${g.status.padEnd(7)} ${g.role.padEnd(20)} ${who}${flags}`,
      `        ${g.lastUsedAt ? `last used ${g.lastUsedAt}` : 'never used'}${g.expiresAt ? `; ends ${g.expiresAt}` : ''}; granted by ${g.requestedBy}${g.approvedBy ? `, approved by ${g.approvedBy}` : ''}; ${g.id}`,
    );
  }
  if (r.breakGlass.length) {
    out.push('', 'Break-glass accounts:');
    for (const b of r.breakGlass)
      out.push(
        `  ${b.id}  ${b.state}  roles ${b.roles.join(',')}  uses ${b.uses}${b.expiresAt ? `  works until ${b.expiresAt}` : `  can be opened until ${b.validUntil}`}`,
      );
  }
  return `${out.join('\n')}\n`;
}
