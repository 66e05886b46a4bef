/**
 * Strict parsing of the hex and integer fields that arrive from outside (API bodies, Safe
 * Transaction Service records, CLI files). Each failure names the field it came from.
 */
import { type Address, getAddress, type Hex, isAddress } from 'viem';
import { InvalidInputError } from '../../core/index.ts';

const HEX_RE = /^0x(?:[0-9a-fA-F]{2})*$/;

/** A 20-byte address; mixed-case input must carry a valid EIP-55 checksum. Returns checksummed. */
export function parseAddress(v: unknown, field: string): Address {
  if (typeof v !== 'string' || !isAddress(v, { strict: true })) {
    throw new InvalidInputError('ADDRESS_INVALID', `${field} is not a valid address`, {
      field,
      value: preview(v),
    });
  }
  return getAddress(v);
}

/** Even-length 0x-prefixed hex; `null`/`undefined` read as empty bytes when `allowNull`. */
export function parseHexData(
  v: unknown,
  field: string,
  opts: { allowNull?: boolean; bytes?: number } = {},
): Hex {
  if ((v === null || v === undefined) && opts.allowNull) return '0x';
  if (typeof v !== 'string' || !HEX_RE.test(v)) {
    throw new InvalidInputError('HEX_INVALID', `${field} is not 0x-prefixed, even-length hex`, {
      field,
      value: preview(v),
    });
  }
  if (opts.bytes !== undefined && v.length !== 2 + 2 * opts.bytes) {
    throw new InvalidInputError('HEX_LENGTH_INVALID', `${field} must be ${opts.bytes} bytes`, {
      field,
      expectedBytes: opts.bytes,
      actualBytes: (v.length - 2) / 2,
    });
  }
  return v.toLowerCase() as Hex;
}

/** An unsigned integer below 2^bits from a decimal string, a safe integer or a bigint. */
export function parseUint(v: unknown, field: string, bits = 256): bigint {
  let n: bigint | undefined;
  if (typeof v === 'bigint') n = v;
  else if (typeof v === 'number' && Number.isSafeInteger(v)) n = BigInt(v);
  else if (typeof v === 'string' && /^(0|[1-9][0-9]*)$/.test(v)) n = BigInt(v);
  else if (typeof v === 'string' && /^0x[0-9a-fA-F]+$/.test(v)) n = BigInt(v);
  if (n === undefined || n < 0n || n >= 1n << BigInt(bits)) {
    throw new InvalidInputError('UINT_INVALID', `${field} is not an unsigned ${bits}-bit integer`, {
      field,
      value: preview(v),
    });
  }
  return n;
}

function preview(v: unknown): string {
  const s = typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v));
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
