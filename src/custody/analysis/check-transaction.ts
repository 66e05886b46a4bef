/** Findings from the transaction's own fields, the claims made about it, and its signatures. */
import type { Address, Hex } from 'viem';
import type { SafeHashes } from '../evm/safe-hash.ts';
import type { SafeTxRecord } from '../evm/safe-tx.ts';
import type { SignatureCheck } from '../evm/signatures.ts';
import { type Finding, finding } from './findings.ts';

const ZERO = '0x0000000000000000000000000000000000000000';

/** Hashes a submitter or a front end claims for the transaction; each is compared to ours. */
export interface HashClaims {
  safeTxHash?: Hex;
  domainHash?: Hex;
  messageHash?: Hex;
}

export function checkTransaction(input: {
  wallet: Address;
  walletNonce?: bigint;
  record: SafeTxRecord;
  hashes: SafeHashes;
  claims?: HashClaims;
  signatures: SignatureCheck | null;
}): Finding[] {
  const { record, hashes } = input;
  const tx = record.tx;
  const out: Finding[] = [];

  if (
    tx.gasPrice > 0n &&
    tx.refundReceiver !== ZERO &&
    tx.refundReceiver.toLowerCase() !== input.wallet.toLowerCase()
  ) {
    out.push(
      finding(
        'GAS_REFUND_TO_THIRD_PARTY',
        `gasPrice ${tx.gasPrice} with refund receiver ${tx.refundReceiver}: the wallet pays that address for gas`,
      ),
    );
  }

  if (record.safe !== undefined && record.safe.toLowerCase() !== input.wallet.toLowerCase()) {
    out.push(
      finding('HASH_MISMATCH', `the record is for Safe ${record.safe}, not for wallet ${input.wallet}`),
    );
  }
  const claims: Array<[string, Hex | undefined, Hex]> = [
    ['safeTxHash (record)', record.claimedSafeTxHash, hashes.safeTxHash],
    ['safeTxHash', input.claims?.safeTxHash, hashes.safeTxHash],
    ['domainHash', input.claims?.domainHash, hashes.domainHash],
    ['messageHash', input.claims?.messageHash, hashes.messageHash],
  ];
  for (const [what, claimed, ours] of claims) {
    if (claimed !== undefined && claimed.toLowerCase() !== ours.toLowerCase()) {
      out.push(finding('HASH_MISMATCH', `claimed ${what} ${claimed} differs from the computed ${ours}`));
    }
  }

  if (input.signatures) {
    for (const s of input.signatures.signatures) {
      if (s.status === 'not_owner' || s.status === 'invalid') {
        out.push(
          finding(
            'SIGNER_NOT_OWNER',
            s.signer === null
              ? `signature ${s.index} recovers to no address over ${hashes.safeTxHash}`
              : `signature ${s.index} (${s.kind}) recovers to ${s.signer} over ${hashes.safeTxHash}, which is not an owner`,
          ),
        );
      }
    }
  }
  for (const c of record.confirmations ?? []) {
    const match = input.signatures?.signatures.find((s) => s.signer?.toLowerCase() === c.owner.toLowerCase());
    if (!match) {
      out.push(
        finding(
          'SIGNER_NOT_OWNER',
          `the confirmation claimed for owner ${c.owner} does not recover to that owner over ${hashes.safeTxHash}`,
        ),
      );
    }
  }

  if (input.walletNonce !== undefined) {
    if (tx.nonce < input.walletNonce) {
      out.push(
        finding('NONCE_REUSED', `nonce ${tx.nonce} is below the wallet's current nonce ${input.walletNonce}`),
      );
    } else if (tx.nonce > input.walletNonce) {
      out.push(
        finding(
          'NONCE_GAP',
          `nonce ${tx.nonce} skips ahead of the wallet's current nonce ${input.walletNonce}`,
        ),
      );
    }
  }
  return out;
}
