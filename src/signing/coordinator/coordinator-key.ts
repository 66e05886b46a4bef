/**
 * The coordinator's Ed25519 request-signing key (RFC 9421): `<dataDir>/signing-coordinator.key`,
 * 32 random bytes as hex, created on first use with mode 0600; refused when others can read it
 * (as the ledger's key files are). Nodes list its public key under `coordinators` in node.yaml.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex, hexToBytes, RampartError } from '../../core/index.ts';

export interface CoordinatorKey {
  keyId: string;
  privateKey: Uint8Array;
  publicKey: Uint8Array;
}

export const COORDINATOR_KEY_FILE = 'signing-coordinator.key';

export function coordinatorKeyId(publicKey: Uint8Array): string {
  return `coordinator-${bytesToHex(publicKey).slice(0, 16)}`;
}

export function loadCoordinatorKey(dataDir: string, create = true): CoordinatorKey {
  const file = join(dataDir, COORDINATOR_KEY_FILE);
  if (!existsSync(file)) {
    if (!create) throw new RampartError('SIGNING_COORDINATOR_KEY_MISSING', `no coordinator key at ${file}`);
    mkdirSync(dirname(file), { recursive: true });
    const k = new Uint8Array(randomBytes(32));
    writeFileSync(file, `${bytesToHex(k)}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
    k.fill(0);
  }
  const mode = statSync(file).mode & 0o077;
  if (mode !== 0)
    throw new RampartError('SIGNING_COORDINATOR_KEY_EXPOSED', `${file} is readable by others: chmod 600 it`, {
      status: 500,
    });
  const text = readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/.test(text))
    throw new RampartError('SIGNING_COORDINATOR_KEY_INVALID', `${file} does not hold a 32-byte hex key`, {
      status: 500,
    });
  const privateKey = hexToBytes(text);
  const publicKey = ed25519.getPublicKey(privateKey);
  return { keyId: coordinatorKeyId(publicKey), privateKey, publicKey };
}
