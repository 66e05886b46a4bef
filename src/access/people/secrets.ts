/**
 * Random identifiers and secrets. A secret (enrollment token, session id) is 32 random bytes,
 * base64url; only its SHA-256 (hex) is stored, so a copy of the database signs nobody in.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256 bits, base64url. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** A public identifier: `<prefix>_` and 128 random bits. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(16).toString('base64url')}`;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(`rampart-secret-v1\u0000${secret}`).digest('hex');
}

/**
 * The per-session CSRF token, derived from the session secret with its own domain separator: the
 * server recomputes it from the cookie, and knowing it reveals nothing about the session id.
 */
export function csrfTokenFor(sessionSecret: string): string {
  return createHash('sha256').update(`rampart-csrf-v1\u0000${sessionSecret}`).digest('base64url');
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
