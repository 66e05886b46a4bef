/**
 * The analysis digest approvers sign.
 *
 * Rule: digest = lowercase hex (64 characters, no 0x) of SHA-256 over the UTF-8 bytes of the
 * RFC 8785 canonical JSON of the whole analysis object without its `digest` member.
 *
 * Every member of the analysis is JSON (integers as decimal strings, bytes as 0x hex), so the
 * canonical form is total; changing any field — a gas value, a finding, an effect — changes it.
 */
import { bytesToHex, canonicalJsonBytes, sha256 } from '../../core/index.ts';

export function analysisDigest<T extends object>(analysisWithoutDigest: T): string {
  if ('digest' in analysisWithoutDigest) {
    const { digest: _ignored, ...rest } = analysisWithoutDigest as T & { digest: unknown };
    return bytesToHex(sha256(canonicalJsonBytes(rest)));
  }
  return bytesToHex(sha256(canonicalJsonBytes(analysisWithoutDigest)));
}

/** Recomputes the digest of an analysis and compares it with the one it carries. */
export function verifyAnalysisDigest<T extends { digest: string }>(analysis: T): boolean {
  return analysisDigest(analysis) === analysis.digest;
}
