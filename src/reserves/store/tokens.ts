/**
 * Proof tokens (docs/proof-of-reserves.md §9): users are not Rampart principals, so the exchange hands
 * each user a token, HMAC-SHA256(token key, "rampart-por-proof-token\0" || user id), that lets them
 * fetch their own proof and nobody else's. The key is 32 random bytes in the data directory, the same
 * across builds; tokens are compared in constant time.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { base64url } from '@scure/base';
import { RampartError } from '../../core/index.ts';

const LABEL = 'rampart-por-proof-token\0';

function keyPath(dataDir: string): string {
  return join(dataDir, 'reserves', 'token.key');
}

function tokenKey(dataDir: string): Buffer {
  const p = keyPath(dataDir);
  if (!existsSync(p)) {
    mkdirSync(dirname(p), { recursive: true, mode: 0o700 });
    try {
      writeFileSync(p, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  const k = Buffer.from(readFileSync(p, 'utf8').trim(), 'hex');
  if (k.length !== 32)
    throw new RampartError('RESERVES_TOKEN_KEY_INVALID', `${p} must hold 32 bytes in hex`, { status: 500 });
  return k;
}

export function proofToken(dataDir: string, user: string): string {
  return base64url
    .encode(
      createHmac('sha256', tokenKey(dataDir))
        .update(LABEL + user)
        .digest(),
    )
    .replace(/=+$/, '');
}

/** True when `token` is this user's token (constant-time comparison of the HMACs). */
export function checkProofToken(dataDir: string, user: string, token: string): boolean {
  const expected = Buffer.from(proofToken(dataDir, user));
  const given = Buffer.from(token);
  // Compare equal lengths only; a wrong length is simply wrong (the length is public anyway).
  return given.length === expected.length && timingSafeEqual(given, expected);
}
