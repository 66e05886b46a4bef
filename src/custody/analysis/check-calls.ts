/**
 * Findings from the decoded call tree alone: delegatecalls, wallet configuration changes,
 * ownership hand-overs, unlimited approvals, unknown calldata, unknown recipients.
 */
import type { Address } from 'viem';
import type { DecodedCall } from '../evm/decode/decode-call.ts';
import type { WalletField } from '../evm/decode/registry.ts';
import { type Finding, type FindingCode, finding } from './findings.ts';

export interface CallCheckContext {
  wallet: Address;
  /** lower-case addresses allowed as delegatecall targets */
  delegatecallAllowed: ReadonlySet<string>;
  /** lower-case addresses the wallet knows (address book, itself, its owners, allowed libraries) */
  known: ReadonlySet<string>;
}

export const WALLET_FIELD_CODE: Record<WalletField, FindingCode> = {
  implementation: 'WALLET_IMPLEMENTATION_CHANGE',
  owners: 'WALLET_OWNERS_CHANGE',
  threshold: 'WALLET_THRESHOLD_CHANGE',
  modules: 'WALLET_MODULE_CHANGE',
  guard: 'WALLET_GUARD_CHANGE',
  fallback_handler: 'WALLET_FALLBACK_HANDLER_CHANGE',
};

/** Approvals at or above 2^128 are treated as unlimited (max uint256 and the usual near-max values). */
export const UNLIMITED_THRESHOLD = 1n << 128n;

function arg(call: DecodedCall, name: string): unknown {
  return call.args?.find((a) => a.name === name)?.value;
}

function label(call: DecodedCall): string {
  return call.function
    ? call.function.signature.replace(/ [A-Za-z_0-9]+([,)])/g, '$1')
    : (call.selector ?? 'value transfer');
}

/** Checks one call made by `actor` (the wallet itself, or a Safe the wallet drives). */
function checkCall(call: DecodedCall, actor: string, ctx: CallCheckContext, out: Finding[]): void {
  const to = call.to.toLowerCase();
  const isWallet = actor === ctx.wallet.toLowerCase();
  const who = isWallet ? 'the wallet' : `Safe ${actor}`;

  if (call.operation === 1 && !ctx.delegatecallAllowed.has(to)) {
    out.push(
      finding(
        'DELEGATECALL_UNTRUSTED',
        `${who} delegatecalls ${call.to}, which is not an allow-listed library: its code runs as ${who}, with full write access to its storage` +
          (call.function
            ? ` (the data claims to be ${label(call)}, which means nothing under delegatecall)`
            : ''),
        call.path,
      ),
    );
  }
  if (call.operation !== 0 && call.operation !== 1) {
    out.push(
      finding('UNKNOWN_CALLDATA', `operation ${call.operation} is neither call nor delegatecall`, call.path),
    );
  }
  if (call.error !== undefined) {
    out.push(finding('UNKNOWN_CALLDATA', `calldata to ${call.to} does not decode: ${call.error}`, call.path));
  }

  const fn = call.function;
  if (fn?.kind === 'safe_admin') {
    if (to === actor && call.operation === 0) {
      for (const field of fn.changes ?? []) {
        out.push(
          finding(
            WALLET_FIELD_CODE[field],
            `${label(call)} changes the ${field.replace('_', ' ')} of ${who}`,
            call.path,
          ),
        );
      }
    } else {
      out.push(
        finding(
          'OWNERSHIP_TRANSFER',
          `${label(call)} changes the configuration of Safe ${call.to}`,
          call.path,
        ),
      );
    }
  }
  if (fn?.kind === 'ownership') {
    out.push(
      finding(
        'OWNERSHIP_TRANSFER',
        `${label(call)} on ${call.to}: hands over ownership, admin or the implementation`,
        call.path,
      ),
    );
  }
  if (fn?.kind === 'token_approval') {
    const amount = arg(call, 'amountOrTokenId') ?? arg(call, 'addedValue');
    const approved = arg(call, 'approved');
    if ((typeof amount === 'string' && BigInt(amount) >= UNLIMITED_THRESHOLD) || approved === true) {
      const spender = String(arg(call, 'spender') ?? arg(call, 'operator'));
      out.push(
        finding(
          'UNLIMITED_APPROVAL',
          `${label(call)} on ${call.to} gives ${spender} unlimited access`,
          call.path,
        ),
      );
    }
  }

  // counterparties: the call target, and the recipient / spender / operator of token calls
  const parties: Array<[string, string]> = [];
  if (to !== actor) parties.push([call.to, call.value !== '0' ? 'receives value' : 'is called']);
  for (const name of ['to', 'spender', 'operator', 'newOwner', 'newAdmin', 'account']) {
    const v = arg(call, name);
    if (typeof v === 'string' && fn && fn.kind !== 'multisend' && fn.kind !== 'safe_exec')
      parties.push([v, `is the ${name}`]);
  }
  for (const [addr, role] of parties) {
    if (!ctx.known.has(addr.toLowerCase())) {
      out.push(finding('UNKNOWN_RECIPIENT', `${addr} ${role} and is not in the address book`, call.path));
    }
  }
}

function walk(call: DecodedCall, actor: string, ctx: CallCheckContext, out: Finding[]): void {
  checkCall(call, actor, ctx, out);
  const fn = call.function;
  // A delegatecalled MultiSend runs its batch as the actor; nested execTransaction runs as the called Safe.
  const childActor =
    fn?.kind === 'safe_exec' ? call.to.toLowerCase() : call.operation === 1 ? actor : call.to.toLowerCase();
  for (const c of call.children) walk(c, childActor, ctx, out);
}

export function checkCalls(root: DecodedCall, ctx: CallCheckContext): Finding[] {
  const out: Finding[] = [];
  walk(root, ctx.wallet.toLowerCase(), ctx, out);
  return out;
}
