/**
 * A transaction analysis for a person at a terminal, in the order they need it under pressure:
 * the verdict and why, then the hashes to compare on the hardware wallet, then what the call does,
 * what it changes, and who signed.
 */
import type { DecodedCall, ListEntry } from '../../custody/index.ts';

const tty = process.stdout.isTTY;
const paint = (code: string, s: string) => (tty ? `\x1b[${code}m${s}\x1b[0m` : s);
const bold = (s: string) => paint('1', s);
const red = (s: string) => paint('31;1', s);
const yellow = (s: string) => paint('33;1', s);
const green = (s: string) => paint('32;1', s);

function callLines(c: DecodedCall, depth: number, out: string[]): void {
  const pad = '  '.repeat(depth);
  const op = c.operation === 1 ? red('DELEGATECALL') : 'call';
  const fn = c.function
    ? `${c.function.name}(${(c.args ?? []).map((a) => `${a.name}=${JSON.stringify(a.value)}`).join(', ')})`
    : c.selector
      ? `unknown ${c.selector}`
      : 'value transfer';
  out.push(`${pad}[${c.path}] ${op} ${c.to} value ${c.value} wei: ${fn}${c.error ? ` (${c.error})` : ''}`);
  for (const ch of c.children) callLines(ch, depth + 1, out);
}

export function renderAnalysis(e: ListEntry): string {
  if (!('analysis' in e)) return `#${e.index}: ${red('INVALID')} ${e.error.message} [${e.error.code}]\n\n`;
  const a = e.analysis;
  const out: string[] = [];
  const v = a.verdict === 'deny' ? red('DENY') : a.verdict === 'review' ? yellow('REVIEW') : green('ALLOW');
  out.push(`#${e.index} nonce ${a.tx.nonce}: ${v}  (${a.requiredApprovals} owner signatures required)`);
  for (const f of a.findings)
    out.push(
      `  ${f.severity.toUpperCase().padEnd(8)} ${bold(f.code)}${f.path ? ` at ${f.path}` : ''}: ${f.message}`,
    );
  out.push('', bold('  compare on the hardware wallet:'));
  out.push(
    `    domain hash   ${a.domainHash}`,
    `    message hash  ${a.messageHash}`,
    `    safeTxHash    ${a.safeTxHash}`,
  );
  out.push('', bold('  what it does:'));
  callLines(a.decoded, 2, out);
  if (a.effects) {
    out.push('', bold('  simulated effects:'));
    for (const w of a.effects.walletStorageWrites)
      out.push(`    wallet storage ${w.kind}: ${w.slot} ${w.before} → ${w.after}`);
    for (const b of a.effects.balanceChanges) out.push(`    balance ${b.address} ${b.asset}: ${b.delta}`);
    for (const ap of a.effects.approvals)
      out.push(`    approval ${ap.token}: ${ap.owner} → ${ap.spender} ${ap.amount}`);
    if (
      a.effects.walletStorageWrites.length + a.effects.balanceChanges.length + a.effects.approvals.length ===
      0
    )
      out.push('    none');
  } else out.push('', `  not simulated${e.simulationError ? `: ${e.simulationError.message}` : ''}`);
  if (a.signatures) {
    out.push('', bold('  signatures:'));
    for (const s of a.signatures.signatures)
      out.push(
        `    ${s.kind} ${s.signer ?? '(none)'} ${s.isOwner ? green('owner') : red('NOT AN OWNER')} ${s.status}`,
      );
  }
  out.push(`  analysis digest ${a.digest}`, '', '');
  return out.join('\n');
}
