/**
 * Recursive call decoding. A call is matched by selector against the local ABI registry and
 * its arguments decoded with viem; MultiSend batches and nested Safe `execTransaction` calls are
 * decoded in turn as children. Paths: the top call is `''`, the calls of its batch `0`, `1`, …,
 * and a batch inside call 0 gives `0.0`, `0.1`, … . Anything that does not decode is kept raw
 * with an `error` — never thrown — so the findings can report it.
 *
 * All values are JSON (integers as decimal strings), so a decoded tree can be hashed canonically.
 */
import { type Address, decodeFunctionData, getAddress, type Hex } from 'viem';
import type { JsonValue } from '../../../core/index.ts';
import { parseMultiSendTransactions } from './multisend.ts';
import { type CallKind, lookupSelector, type WalletField } from './registry.ts';

export interface DecodedArg {
  name: string;
  type: string;
  value: JsonValue;
}

export interface DecodedFunction {
  name: string;
  signature: string;
  standard: string;
  kind: CallKind;
  changes?: WalletField[];
}

export interface DecodedCall {
  path: string;
  to: Address;
  /** wei, decimal */
  value: string;
  operation: number;
  data: Hex;
  /** null for a plain value transfer (empty data) */
  selector: Hex | null;
  function: DecodedFunction | null;
  args: DecodedArg[] | null;
  children: DecodedCall[];
  /** why the data did not decode, when it did not */
  error?: string;
}

export interface CallInput {
  to: Address;
  value: bigint;
  data: Hex;
  operation: number;
}

export const MAX_DECODE_DEPTH = 8;

export function toJsonValue(v: unknown): JsonValue {
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'string' || typeof v === 'boolean' || v === null) return v;
  if (typeof v === 'number') return v;
  if (Array.isArray(v)) return v.map(toJsonValue);
  if (typeof v === 'object' && v !== undefined) {
    const o: Record<string, JsonValue> = {};
    for (const [k, x] of Object.entries(v as object)) o[k] = toJsonValue(x);
    return o;
  }
  return String(v);
}

function childPath(parent: string, i: number): string {
  return parent === '' ? String(i) : `${parent}.${i}`;
}

export function decodeCall(call: CallInput, path = '', depth = 0): DecodedCall {
  const data = call.data.toLowerCase() as Hex;
  const out: DecodedCall = {
    path,
    to: getAddress(call.to),
    value: call.value.toString(),
    operation: call.operation,
    data,
    selector: null,
    function: null,
    args: null,
    children: [],
  };
  if (data === '0x') return out;
  if (data.length < 10) {
    out.error = 'calldata shorter than a 4-byte selector';
    return out;
  }
  out.selector = data.slice(0, 10) as Hex;
  const entry = lookupSelector(out.selector);
  if (!entry) {
    out.error = `unknown selector ${out.selector}`;
    return out;
  }
  out.function = {
    name: entry.abi.name,
    signature: entry.signature,
    standard: entry.standard,
    kind: entry.kind,
    ...(entry.changes ? { changes: entry.changes } : {}),
  };
  let decodedArgs: readonly unknown[];
  try {
    decodedArgs = decodeFunctionData({ abi: [entry.abi], data }).args ?? [];
  } catch (e) {
    out.error = `arguments do not decode as ${entry.signature}: ${(e as Error).message.split('\n')[0]}`;
    return out;
  }
  out.args = entry.abi.inputs.map((p, i) => ({
    name: p.name ?? `arg${i}`,
    type: p.type,
    value: toJsonValue(decodedArgs[i]),
  }));

  if (depth >= MAX_DECODE_DEPTH) return out;
  if (entry.kind === 'multisend') {
    try {
      const calls = parseMultiSendTransactions(decodedArgs[0] as Hex);
      out.children = calls.map((c, i) => decodeCall(c, childPath(path, i), depth + 1));
    } catch (e) {
      out.error = (e as Error).message;
    }
  } else if (entry.abi.name === 'execTransaction' || entry.abi.name === 'execTransactionFromModule') {
    const [to, value, inner, operation] = decodedArgs as [Address, bigint, Hex, number];
    out.children = [decodeCall({ to, value, data: inner, operation }, childPath(path, 0), depth + 1)];
  }
  return out;
}

/** Every call in the tree, depth first, the top call included. */
export function flattenCalls(root: DecodedCall): DecodedCall[] {
  const out: DecodedCall[] = [root];
  for (const c of root.children) out.push(...flattenCalls(c));
  return out;
}
