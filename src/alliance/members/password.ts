/**
 * HTTP Basic passwords of alliance members (TAXII 2.1 §1.6.1 requires Basic), stored as scrypt
 * hashes (@noble/hashes; RFC 7914) in the self-describing form `scrypt$N$r$p$salt$hash` (base64).
 * A verified password is remembered in memory as its SHA-256 only, per member and stored hash, so a
 * follower polling every second does not pay a full scrypt per request; a changed hash invalidates it.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { scryptAsync } from '@noble/hashes/scrypt.js';
import { base64ToBytes, bytesToBase64, sha256, utf8 } from '../../core/index.ts';

const N = 2 ** 15;
const R = 8;
const P = 1;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(utf8(password), salt, { N, r: R, p: P, dkLen: 32 });
  return `scrypt$${N}$${R}$${P}$${bytesToBase64(salt)}$${bytesToBase64(hash)}`;
}

const verified = new Map<string, Uint8Array>();
/** Verifications in progress, by digest: concurrent requests with the same credentials share one scrypt. */
const inFlight = new Map<string, Promise<boolean>>();

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  const digest = sha256(utf8(`${stored}\u0000${password}`));
  const cached = verified.get(stored);
  if (cached && timingSafeEqual(cached, digest)) return true;
  const key = Buffer.from(digest).toString('hex');
  let p = inFlight.get(key);
  if (!p) {
    p = scryptCheck(stored, password).finally(() => inFlight.delete(key));
    inFlight.set(key, p);
  }
  const ok = await p;
  if (ok) {
    if (verified.size > 10_000) verified.clear();
    verified.set(stored, digest);
  }
  return ok;
}

async function scryptCheck(stored: string, password: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const salt = base64ToBytes(parts[4]!);
  const want = base64ToBytes(parts[5]!);
  const got = await scryptAsync(utf8(password), salt, { N: n, r, p, dkLen: want.length });
  return got.length === want.length && timingSafeEqual(got, want);
}
