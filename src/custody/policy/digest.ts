/**
 * The policy digest: lower-case hex SHA-256 of the RFC 8785 canonical JSON of the *parsed*
 * policy (defaults filled in, addresses checksummed), so two files that mean the same policy
 * (YAML or JSON, any key order, any address case) have one digest. The ledger records policy
 * versions by it.
 */
import { bytesToHex, canonicalJsonBytes, sha256 } from '../../core/index.ts';
import type { Policy } from './schema.ts';

export function policyDigest(policy: Policy): string {
  return bytesToHex(sha256(canonicalJsonBytes(policy)));
}
