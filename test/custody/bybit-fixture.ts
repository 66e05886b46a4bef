/** Reads the Bybit nonce-71 record and its expectations in place from shared/ (never copied). */
import { readFileSync } from 'node:fs';

const dir = new URL('../../../shared/vectors/intel/bybit-2025/', import.meta.url);

export function readBybitList(): { results: Array<Record<string, unknown>> } {
  return JSON.parse(readFileSync(new URL('bybit-safe-tx-71.json', dir), 'utf8'));
}

export interface ExpectedRecord {
  role: string;
  to: string;
  operation: number;
  safeTxHash_without_chainId: string;
  safeTxHash_with_chainId_1: string;
  recovered_signers?: string[];
  recovered_signers_over_this_hash?: string[];
  all_signers_are_owners: boolean;
}

export function readBybitExpected(): { safe: string; chainId: number; records: ExpectedRecord[] } {
  return JSON.parse(readFileSync(new URL('expected-safe-tx-verification.json', dir), 'utf8'));
}

export function readFbiList(): string[] {
  return readFileSync(new URL('fbi-ic3-psa250226-eth-addresses.txt', dir), 'utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith('#'));
}

/** The executed malicious record (index 0) and the displayed 30,000 ETH transfer (index 1). */
export const EXECUTED = 0;
export const DISPLAYED = 1;
