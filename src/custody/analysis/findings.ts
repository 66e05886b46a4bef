/**
 * Findings: what the analysis reports, each with a stable code (never renamed once released),
 * a severity, a human message, and the path of the call it concerns (`null` for the transaction
 * as a whole, `''` for the top call, `0.2` for call 2 of the batch in call 0).
 */

export const FINDING_CODES = [
  'DELEGATECALL_UNTRUSTED',
  'WALLET_IMPLEMENTATION_CHANGE',
  'WALLET_OWNERS_CHANGE',
  'WALLET_THRESHOLD_CHANGE',
  'WALLET_MODULE_CHANGE',
  'WALLET_GUARD_CHANGE',
  'WALLET_FALLBACK_HANDLER_CHANGE',
  /** a write by the transaction to a slot of the wallet's storage that no Safe field explains */
  'WALLET_STORAGE_WRITE',
  'OWNERSHIP_TRANSFER',
  'UNLIMITED_APPROVAL',
  'UNKNOWN_CALLDATA',
  'UNKNOWN_RECIPIENT',
  'SCREENED_ADDRESS',
  'SIMULATION_REVERTED',
  /** not simulated, or simulated with code missing for an address the transaction calls */
  'SIMULATION_INCOMPLETE',
  'GAS_REFUND_TO_THIRD_PARTY',
  'HASH_MISMATCH',
  'SIGNER_NOT_OWNER',
  'NONCE_REUSED',
  'NONCE_GAP',
] as const;
export type FindingCode = (typeof FINDING_CODES)[number];

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export const SEVERITY_RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };

/** Default severity per code. critical and high deny, medium needs review. */
export const DEFAULT_SEVERITY: Record<FindingCode, Severity> = {
  DELEGATECALL_UNTRUSTED: 'critical',
  WALLET_IMPLEMENTATION_CHANGE: 'critical',
  WALLET_OWNERS_CHANGE: 'high',
  WALLET_THRESHOLD_CHANGE: 'high',
  WALLET_MODULE_CHANGE: 'high',
  WALLET_GUARD_CHANGE: 'high',
  WALLET_FALLBACK_HANDLER_CHANGE: 'high',
  WALLET_STORAGE_WRITE: 'high',
  OWNERSHIP_TRANSFER: 'high',
  UNLIMITED_APPROVAL: 'medium',
  UNKNOWN_CALLDATA: 'high',
  UNKNOWN_RECIPIENT: 'medium',
  SCREENED_ADDRESS: 'critical',
  SIMULATION_REVERTED: 'high',
  SIMULATION_INCOMPLETE: 'medium',
  GAS_REFUND_TO_THIRD_PARTY: 'high',
  HASH_MISMATCH: 'critical',
  SIGNER_NOT_OWNER: 'critical',
  NONCE_REUSED: 'high',
  NONCE_GAP: 'medium',
};

/** One line per code, for the README, the CLI's help and the console. */
export const FINDING_DESCRIPTIONS: Record<FindingCode, string> = {
  DELEGATECALL_UNTRUSTED:
    'operation 1 (delegatecall) to anything but an allow-listed library (canonical MultiSend, MultiSendCallOnly, CreateCall, SignMessageLib, or the wallet’s own list): the target’s code would run as the wallet',
  WALLET_IMPLEMENTATION_CHANGE: 'the wallet’s implementation (slot 0, singleton / masterCopy) would change',
  WALLET_OWNERS_CHANGE: 'the wallet’s owners would change',
  WALLET_THRESHOLD_CHANGE: 'the wallet’s threshold would change',
  WALLET_MODULE_CHANGE: 'a module would be enabled or disabled on the wallet',
  WALLET_GUARD_CHANGE: 'the wallet’s transaction guard would change',
  WALLET_FALLBACK_HANDLER_CHANGE: 'the wallet’s fallback handler would change',
  WALLET_STORAGE_WRITE: 'the simulation wrote a slot of the wallet’s storage that no Safe field explains',
  OWNERSHIP_TRANSFER:
    'ownership, admin or a role of a contract the wallet controls would be handed over, or that contract upgraded (Ownable, AccessControl, ERC-1967 / transparent proxies, ProxyAdmin, another Safe’s configuration)',
  UNLIMITED_APPROVAL: 'a token approval of 2^128 or more, or an operator approval for all tokens',
  UNKNOWN_CALLDATA: 'calldata that does not decode against the local ABI registry (shown raw)',
  UNKNOWN_RECIPIENT: 'a call target, recipient, spender or operator that is not in the wallet’s address book',
  SCREENED_ADDRESS: 'an address the transaction names, signs with or touches is on a screening (deny) list',
  SIMULATION_REVERTED: 'execTransaction reverted in simulation, or the Safe reported its call as failed',
  SIMULATION_INCOMPLETE: 'not simulated, or the simulation called an address whose code was not supplied',
  GAS_REFUND_TO_THIRD_PARTY: 'gasPrice > 0 with a refund receiver that is neither the wallet nor zero',
  HASH_MISMATCH:
    'a hash claimed by the submitter or a front end (or computed by the simulated contract) differs from Rampart’s, or the record names another wallet',
  SIGNER_NOT_OWNER:
    'a signature recovers to an address that is not an owner (over Rampart’s hash), or to none',
  NONCE_REUSED: 'the nonce is below the wallet’s current nonce',
  NONCE_GAP: 'the nonce is above the wallet’s current nonce',
};

export interface Finding {
  code: FindingCode;
  severity: Severity;
  message: string;
  path: string | null;
}

export function finding(code: FindingCode, message: string, path: string | null = null): Finding {
  return { code, severity: DEFAULT_SEVERITY[code], message, path };
}

/** Most severe first, then by path and code; exact duplicates dropped. Deterministic, for the digest. */
export function sortFindings(list: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const f of list) {
    const k = `${f.code}\u0000${f.path}\u0000${f.message}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(f);
    }
  }
  return out.sort(
    (a, b) =>
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      (a.path ?? '\uffff').localeCompare(b.path ?? '\uffff') ||
      a.code.localeCompare(b.code) ||
      a.message.localeCompare(b.message),
  );
}
