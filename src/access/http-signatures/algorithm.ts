/**
 * RFC 9421 §6.2.2 algorithm name for EdDSA with Curve25519 (§3.3.6). In a file of its own so that
 * what reads signatures on a worker (canonical.ts) loads without the curve code.
 */
export const ED25519 = 'ed25519';
