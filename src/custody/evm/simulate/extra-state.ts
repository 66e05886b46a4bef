/**
 * Extra state for a simulation: code, storage, balance and nonce of accounts the transaction
 * touches, supplied with the request because an offline fork has no other source for them.
 */
import type { Address, Hex } from 'viem';
import { InvalidInputError } from '../../../core/index.ts';
import { parseAddress, parseHexData, parseUint } from '../hex.ts';

export interface ExtraAccount {
  address: Address;
  code?: Hex;
  /** slot → value, both hex of at most 32 bytes (left-padded) */
  storage?: Record<string, Hex>;
  balance?: bigint;
  nonce?: bigint;
}

const WORD = /^0x[0-9a-fA-F]{1,64}$/;

/** Validates extra state from JSON (an API body or a file); every problem names its field. */
export function parseExtraState(input: unknown): ExtraAccount[] {
  if (input === undefined || input === null) return [];
  if (!Array.isArray(input))
    throw new InvalidInputError('EXTRA_STATE_INVALID', 'extraState must be a list of accounts');
  return input.map((raw, i) => {
    if (typeof raw !== 'object' || raw === null) {
      throw new InvalidInputError('EXTRA_STATE_INVALID', `extraState[${i}] must be an object`);
    }
    const o = raw as Record<string, unknown>;
    const acct: ExtraAccount = { address: parseAddress(o['address'], `extraState[${i}].address`) };
    if (o['code'] != null) acct.code = parseHexData(o['code'], `extraState[${i}].code`);
    if (o['balance'] != null) acct.balance = parseUint(o['balance'], `extraState[${i}].balance`);
    if (o['nonce'] != null) acct.nonce = parseUint(o['nonce'], `extraState[${i}].nonce`, 64);
    if (o['storage'] != null) {
      if (typeof o['storage'] !== 'object' || Array.isArray(o['storage'])) {
        throw new InvalidInputError(
          'EXTRA_STATE_INVALID',
          `extraState[${i}].storage must map slots to values`,
        );
      }
      const storage: Record<string, Hex> = {};
      for (const [k, v] of Object.entries(o['storage'] as Record<string, unknown>)) {
        if (!WORD.test(k) || typeof v !== 'string' || !WORD.test(v)) {
          throw new InvalidInputError(
            'EXTRA_STATE_INVALID',
            `extraState[${i}].storage: slot and value must be hex words`,
            {
              field: `extraState[${i}].storage`,
              slot: k.slice(0, 80),
            },
          );
        }
        storage[k.toLowerCase()] = v.toLowerCase() as Hex;
      }
      acct.storage = storage;
    }
    return acct;
  });
}
