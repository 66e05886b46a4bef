/**
 * The default transaction policy, kept as data: a YAML document embedded here (so it loads the
 * same in Node, signer nodes and the browser, with no file I/O) and validated by the same parser
 * as any user policy. `rampart custody policy` can print it as a starting point.
 *
 * Order matters (first match wins): hard denials first, then the one governance exception, then
 * the denial of every other wallet configuration change, then quorums for ordinary transfers.
 */
import { parsePolicy } from './parse.ts';
import type { Policy } from './schema.ts';

export const DEFAULT_POLICY_YAML = `# Rampart default transaction policy
version: 1
name: rampart-default
roles: [treasury, security, governance]
rules:
  - id: deny-untrusted-delegatecall
    description: A delegatecall runs the target's code as the wallet; only allow-listed libraries may be delegatecalled.
    match:
      findings: { any: [DELEGATECALL_UNTRUSTED] }
    action:
      deny: { reason: delegatecall to a contract that is not an allow-listed library }

  - id: deny-screened-address
    description: An address on a screening (deny) list is involved.
    match:
      findings: { any: [SCREENED_ADDRESS] }
    action:
      deny: { reason: the transaction involves a screened address }

  - id: deny-integrity-failure
    description: The hash or the signatures do not check out against Rampart's own computation.
    match:
      findings: { any: [HASH_MISMATCH, SIGNER_NOT_OWNER] }
    action:
      deny: { reason: "hash mismatch or a signature that does not recover to an owner: what was signed is not this transaction" }

  - id: deny-failed-simulation
    description: The transaction reverts or its call fails in simulation.
    match:
      findings: { any: [SIMULATION_REVERTED] }
    action:
      deny: { reason: the transaction reverts in simulation }

  - id: deny-unknown-calldata
    description: Calldata that does not decode is never signed blind.
    match:
      findings: { any: [UNKNOWN_CALLDATA] }
    action:
      deny: { reason: calldata that Rampart cannot decode }

  - id: deny-replayed-nonce-or-refund
    description: A nonce already used, or gas refunded to a third party.
    match:
      findings: { any: [NONCE_REUSED, GAS_REFUND_TO_THIRD_PARTY] }
    action:
      deny: { reason: reused nonce or gas refund to a third party }

  - id: governance-owner-rotation
    description: >-
      Owner and threshold changes by a direct call from the wallet to itself, and nothing else of
      its configuration, need a higher quorum from governance.
    match:
      operations: [0]
      destinationCategories: [self]
      findings:
        any: [WALLET_OWNERS_CHANGE, WALLET_THRESHOLD_CHANGE]
        none:
          - WALLET_IMPLEMENTATION_CHANGE
          - WALLET_MODULE_CHANGE
          - WALLET_GUARD_CHANGE
          - WALLET_FALLBACK_HANDLER_CHANGE
          - WALLET_STORAGE_WRITE
    action:
      require: { approvals: 4, fromRoles: [governance], distinct: true }

  - id: deny-wallet-configuration-change
    description: Any other change of the wallet's implementation, owners, threshold, modules, guard, fallback handler or storage.
    match:
      findings:
        any:
          - WALLET_IMPLEMENTATION_CHANGE
          - WALLET_OWNERS_CHANGE
          - WALLET_THRESHOLD_CHANGE
          - WALLET_MODULE_CHANGE
          - WALLET_GUARD_CHANGE
          - WALLET_FALLBACK_HANDLER_CHANGE
          - WALLET_STORAGE_WRITE
    action:
      deny: { reason: wallet configuration change outside the governance rule }

  - id: deny-ownership-transfer
    description: Ownership, admin or an upgrade of a contract the wallet controls.
    match:
      findings: { any: [OWNERSHIP_TRANSFER] }
    action:
      deny: { reason: hands over ownership or admin of a contract the wallet controls }

  - id: unknown-recipient
    description: A recipient, spender or contract that is not in the address book, or a transfer out of the wallet via delegatecall.
    match:
      findings: { any: [UNKNOWN_RECIPIENT] }
    action:
      require: { approvals: 3, fromRoles: [treasury, security], distinct: true }

  - id: needs-review
    description: Unlimited approvals, incomplete simulation, a nonce ahead of the wallet's.
    match:
      findings: { any: [UNLIMITED_APPROVAL, SIMULATION_INCOMPLETE, NONCE_GAP] }
    action:
      require: { approvals: 3, fromRoles: [treasury, security], distinct: true }

  - id: known-counterparty
    description: Everything else goes to a known counterparty by a plain call.
    match:
      operations: [0]
    action:
      require: { approvals: 2, fromRoles: [treasury], distinct: true }
`;

let cached: Policy | undefined;

/** The default policy, parsed and validated (once). */
export function defaultPolicy(): Policy {
  cached ??= parsePolicy(DEFAULT_POLICY_YAML, 'the default policy');
  return structuredClone(cached);
}
