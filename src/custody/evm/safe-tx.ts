/**
 * The Safe transaction: the ten fields every Safe version hashes and executes, and the parser
 * for a record as the Safe Transaction Service API gives it (extra fields ignored; the claimed
 * `safeTxHash`, `signatures` and `confirmations` kept aside for checking, never trusted).
 */
import type { Address, Hex } from 'viem';
import { InvalidInputError } from '../../core/index.ts';
import { parseAddress, parseHexData, parseUint } from './hex.ts';

export type Operation = 0 | 1;

export interface SafeTx {
  to: Address;
  value: bigint;
  data: Hex;
  /** 0 = CALL, 1 = DELEGATECALL */
  operation: Operation;
  safeTxGas: bigint;
  /** named `dataGas` by pre-1.0 Safes; accepted as an alias on input */
  baseGas: bigint;
  gasPrice: bigint;
  gasToken: Address;
  refundReceiver: Address;
  nonce: bigint;
}

export interface Confirmation {
  owner: Address;
  signature: Hex;
  signatureType?: string;
}

/** A transaction plus what its submitter claims about it. */
export interface SafeTxRecord {
  tx: SafeTx;
  /** the wallet the record says it belongs to */
  safe?: Address;
  /** the hash the submitter (or a front end) claims; checked against ours, never used */
  claimedSafeTxHash?: Hex;
  /** packed signature bytes, as passed to execTransaction */
  signatures?: Hex;
  confirmations?: Confirmation[];
}

const ZERO = '0x0000000000000000000000000000000000000000' as Address;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parseOperation(v: unknown, field = 'operation'): Operation {
  if (v === 0 || v === 1 || v === '0' || v === '1') return Number(v) as Operation;
  throw new InvalidInputError('OPERATION_INVALID', `${field} must be 0 (call) or 1 (delegatecall)`, {
    field,
    value: String(v),
  });
}

/** Parses the ten SafeTx fields. Omitted gas/refund fields default to zero, as in the Safe UI. */
export function parseSafeTx(input: unknown): SafeTx {
  if (!isObject(input))
    throw new InvalidInputError('SAFE_TX_INVALID', 'a Safe transaction must be a JSON object');
  const baseGas = input['baseGas'] ?? input['dataGas'] ?? 0;
  if (input['nonce'] === undefined || input['nonce'] === null) {
    throw new InvalidInputError('SAFE_TX_INVALID', 'nonce is required', { field: 'nonce' });
  }
  return {
    to: parseAddress(input['to'], 'to'),
    value: parseUint(input['value'] ?? 0, 'value'),
    data: parseHexData(input['data'], 'data', { allowNull: true }),
    operation: parseOperation(input['operation'] ?? 0),
    safeTxGas: parseUint(input['safeTxGas'] ?? 0, 'safeTxGas'),
    baseGas: parseUint(baseGas, 'baseGas'),
    gasPrice: parseUint(input['gasPrice'] ?? 0, 'gasPrice'),
    gasToken: input['gasToken'] == null ? ZERO : parseAddress(input['gasToken'], 'gasToken'),
    refundReceiver:
      input['refundReceiver'] == null ? ZERO : parseAddress(input['refundReceiver'], 'refundReceiver'),
    nonce: parseUint(input['nonce'], 'nonce'),
  };
}

export function parseSafeTxRecord(input: unknown): SafeTxRecord {
  const tx = parseSafeTx(input);
  const o = input as Record<string, unknown>;
  const rec: SafeTxRecord = { tx };
  if (o['safe'] != null) rec.safe = parseAddress(o['safe'], 'safe');
  if (o['safeTxHash'] != null)
    rec.claimedSafeTxHash = parseHexData(o['safeTxHash'], 'safeTxHash', { bytes: 32 });
  if (o['signatures'] != null) rec.signatures = parseHexData(o['signatures'], 'signatures');
  if (o['confirmations'] != null) {
    const list = o['confirmations'];
    if (!Array.isArray(list)) throw new InvalidInputError('SAFE_TX_INVALID', 'confirmations must be a list');
    rec.confirmations = list.map((c, i) => {
      if (!isObject(c))
        throw new InvalidInputError('SAFE_TX_INVALID', `confirmations[${i}] must be an object`);
      const out: Confirmation = {
        owner: parseAddress(c['owner'], `confirmations[${i}].owner`),
        signature: parseHexData(c['signature'], `confirmations[${i}].signature`),
      };
      if (typeof c['signatureType'] === 'string') out.signatureType = c['signatureType'];
      return out;
    });
  }
  return rec;
}

/**
 * A Safe Transaction Service list response (`{ results: [...] }`), a bare array, or one record.
 * Each element is parsed alone: one bad record yields an error entry, the others still parse.
 */
export function parseSafeTxList(
  input: unknown,
): Array<{ index: number; record?: SafeTxRecord; error?: unknown }> {
  const items = Array.isArray(input)
    ? input
    : isObject(input) && Array.isArray(input['results'])
      ? input['results']
      : [input];
  return items.map((item, index) => {
    try {
      return { index, record: parseSafeTxRecord(item) };
    } catch (error) {
      return { index, error };
    }
  });
}
