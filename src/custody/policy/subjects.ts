/**
 * What the policy judges: the *subjects* of a transaction, derived from its analysis alone.
 *
 * - Every call in the decoded tree is judged, except a MultiSend whose batch decoded (its inner
 *   calls are judged instead, each with its own path). A call yields a `native` subject when it
 *   carries value, a `token_transfer` or `approval` subject when it is an ERC-20 (or ERC-721 /
 *   ERC-1155) transfer, transferFrom, approve, increaseAllowance or setApprovalForAll, and a plain
 *   `call` subject (no asset, no amount) when it is neither.
 * - When the transaction was simulated, every outflow of the wallet's assets to a receiver, and
 *   every approval the wallet gave, that the decoded calls do not already account for exactly
 *   becomes a `simulation` subject too (a contract call that pays out, a token moved by code).
 *
 * `totals` is what the transaction moves per asset (lower-case token address or `native`): the
 * larger of the decoded amounts (transfers and approvals) and the simulated outflow. Amount limits
 * and velocity are checked against these totals, so splitting a payment across the calls of one
 * batch does not get under a limit.
 */
import { type Address, getAddress, maxUint256 } from 'viem';
import type { Analysis } from '../analysis/analyze.ts';
import { type DecodedCall, flattenCalls } from '../evm/decode/decode-call.ts';

export type SubjectKind = 'native' | 'token_transfer' | 'approval' | 'call';
export type PolicyAsset = 'native' | Address;

export interface PolicySubject {
  /** the call's path (`''` top call, `0.2` …); null for a subject seen only in the simulation */
  path: string | null;
  source: 'call' | 'simulation';
  kind: SubjectKind;
  /** 0 call, 1 delegatecall (for a simulation subject: 1 if any call of the transaction delegatecalls) */
  operation: number;
  /** the recipient, spender or operator; for a plain call, the contract called */
  destination: Address;
  /** null for a plain call */
  asset: PolicyAsset | null;
  /** base units; null for a plain call */
  amount: bigint | null;
  /** one line, for explanations */
  description: string;
}

export interface PolicySubjects {
  subjects: PolicySubject[];
  /** per asset key (`native` or lower-case token address): what the whole transaction moves */
  totals: Map<string, bigint>;
}

export const policyAssetKey = (asset: PolicyAsset): string =>
  asset === 'native' ? 'native' : asset.toLowerCase();

function arg(call: DecodedCall, ...names: string[]): unknown {
  for (const n of names) {
    const v = call.args?.find((a) => a.name === n)?.value;
    if (v !== undefined) return v;
  }
  return undefined;
}

function uint(v: unknown): bigint | null {
  return typeof v === 'string' && /^[0-9]+$/.test(v) ? BigInt(v) : null;
}

function addr(v: unknown): Address | null {
  return typeof v === 'string' && /^0x[0-9a-fA-F]{40}$/.test(v) ? getAddress(v) : null;
}

export function placeOf(path: string | null): string {
  if (path === null) return 'simulation';
  return path === '' ? 'top call' : `call ${path}`;
}

function assetName(asset: PolicyAsset): string {
  return asset === 'native' ? 'wei' : `of token ${asset}`;
}

/** The token movement a decoded call makes, if it is one. */
function tokenMovement(
  call: DecodedCall,
): { kind: SubjectKind; destination: Address; amount: bigint } | null {
  const fn = call.function;
  if (!fn || call.args === null) return null;
  if (fn.kind === 'token_transfer') {
    const destination = addr(arg(call, 'to'));
    if (!destination) return null;
    let amount = uint(arg(call, 'amount', 'amountOrTokenId'));
    if (amount === null) {
      const amounts = arg(call, 'amounts');
      if (Array.isArray(amounts)) amount = amounts.reduce<bigint>((s, x) => s + (uint(x) ?? 0n), 0n);
      else amount = 1n; // an ERC-721 token id: one token
    }
    return { kind: 'token_transfer', destination, amount };
  }
  if (fn.kind === 'token_approval') {
    const destination = addr(arg(call, 'spender', 'operator'));
    if (!destination) return null;
    const approved = arg(call, 'approved');
    if (approved === false) return null; // revoking an operator moves nothing
    const amount = approved === true ? maxUint256 : uint(arg(call, 'amountOrTokenId', 'addedValue'));
    return amount === null ? null : { kind: 'approval', destination, amount };
  }
  return null;
}

function fromCalls(root: DecodedCall): PolicySubject[] {
  const out: PolicySubject[] = [];
  for (const call of flattenCalls(root)) {
    if (call.function?.kind === 'multisend' && call.children.length > 0) continue;
    const at = placeOf(call.path);
    const value = BigInt(call.value);
    const before = out.length;
    if (value > 0n) {
      out.push({
        path: call.path,
        source: 'call',
        kind: 'native',
        operation: call.operation,
        destination: call.to,
        asset: 'native',
        amount: value,
        description: `${at}: ${value} wei to ${call.to}`,
      });
    }
    const t = tokenMovement(call);
    if (t) {
      const verb = t.kind === 'approval' ? 'approval of' : 'transfer of';
      out.push({
        path: call.path,
        source: 'call',
        kind: t.kind,
        operation: call.operation,
        destination: t.destination,
        asset: call.to,
        amount: t.amount,
        description: `${at}: ${verb} ${t.amount} ${assetName(call.to)} to ${t.destination}${call.operation === 1 ? ' (as a delegatecall)' : ''}`,
      });
    }
    if (out.length === before) {
      const name =
        call.function?.name ?? (call.selector ? `unknown function ${call.selector}` : 'empty call');
      out.push({
        path: call.path,
        source: 'call',
        kind: 'call',
        operation: call.operation,
        destination: call.to,
        asset: null,
        amount: null,
        description: `${at}: ${call.operation === 1 ? 'delegatecall' : 'call'} ${name} on ${call.to}`,
      });
    }
  }
  return out;
}

function add(m: Map<string, bigint>, k: string, v: bigint): void {
  m.set(k, (m.get(k) ?? 0n) + v);
}

export function policySubjects(analysis: Analysis): PolicySubjects {
  const subjects = fromCalls(analysis.decoded);
  const decoded = new Map<string, bigint>(); // asset → amount
  const decodedTo = new Map<string, bigint>(); // kind|asset|destination → amount
  for (const s of subjects) {
    if (s.asset === null || s.amount === null) continue;
    add(decoded, policyAssetKey(s.asset), s.amount);
    const k = `${s.kind === 'approval' ? 'approval' : 'move'}|${policyAssetKey(s.asset)}|${s.destination.toLowerCase()}`;
    add(decodedTo, k, s.amount);
  }
  const simulated = new Map<string, bigint>();
  const effects = analysis.effects;
  if (effects) {
    const wallet = analysis.wallet.toLowerCase();
    const operation = subjects.some((s) => s.operation === 1) ? 1 : 0;
    const outflow = new Set<string>();
    for (const c of effects.balanceChanges) {
      const delta = BigInt(c.delta);
      if (c.address.toLowerCase() === wallet && delta < 0n) {
        outflow.add(policyAssetKey(c.asset));
        add(simulated, policyAssetKey(c.asset), -delta);
      }
    }
    const received = new Map<string, { asset: PolicyAsset; destination: Address; amount: bigint }>();
    for (const c of effects.balanceChanges) {
      const delta = BigInt(c.delta);
      if (c.address.toLowerCase() === wallet || delta <= 0n || !outflow.has(policyAssetKey(c.asset)))
        continue;
      const k = `move|${policyAssetKey(c.asset)}|${c.address.toLowerCase()}`;
      const r = received.get(k) ?? { asset: c.asset, destination: getAddress(c.address), amount: 0n };
      r.amount += delta;
      received.set(k, r);
    }
    for (const [k, r] of received) {
      if (decodedTo.get(k) === r.amount) continue;
      subjects.push({
        path: null,
        source: 'simulation',
        kind: r.asset === 'native' ? 'native' : 'token_transfer',
        operation,
        destination: r.destination,
        asset: r.asset,
        amount: r.amount,
        description: `simulation: ${r.destination} receives ${r.amount} ${assetName(r.asset)} from the wallet`,
      });
    }
    for (const a of effects.approvals) {
      if (a.owner.toLowerCase() !== wallet || a.amount === 'none') continue;
      const amount = a.amount === 'all' ? maxUint256 : a.standard === 'erc721' ? 1n : uint(a.amount);
      if (amount === null || amount === 0n) continue;
      add(simulated, policyAssetKey(a.token), amount);
      const k = `approval|${policyAssetKey(a.token)}|${a.spender.toLowerCase()}`;
      if (decodedTo.get(k) === amount) continue;
      subjects.push({
        path: null,
        source: 'simulation',
        kind: 'approval',
        operation,
        destination: getAddress(a.spender),
        asset: getAddress(a.token),
        amount,
        description: `simulation: the wallet approves ${a.spender} for ${amount} ${assetName(getAddress(a.token))}`,
      });
    }
  }
  const totals = new Map<string, bigint>();
  for (const k of new Set([...decoded.keys(), ...simulated.keys()])) {
    const d = decoded.get(k) ?? 0n;
    const s = simulated.get(k) ?? 0n;
    totals.set(k, d > s ? d : s);
  }
  return { subjects, totals };
}
