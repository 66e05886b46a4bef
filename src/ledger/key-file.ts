/**
 * The log's and the witness's Ed25519 signing keys, kept as Go sumdb/note private key strings in
 * files readable only by the owner (0600), created on first start.
 *
 * Limitation, stated: these keys are not yet HSM-sealed; the threshold-signing issue brings the
 * PKCS#11 key store, and the ledger key moves behind it then.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { RampartError } from '../core/index.ts';
import {
  type Cosigner,
  type Ed25519NoteSigner,
  generateCosignerKey,
  generateSignerKey,
  parseCosignerKey,
  parseSignerKey,
} from './note/index.ts';

function loadOrCreate(file: string, create: () => string): string {
  if (existsSync(file)) {
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077)
      throw new RampartError(
        'KEY_FILE_INSECURE',
        `${file} is readable by others (mode ${mode.toString(8)}); chmod 600 it`,
        {
          status: 500,
        },
      );
    return readFileSync(file, 'utf8').trim();
  }
  mkdirSync(dirname(file), { recursive: true });
  const skey = create();
  writeFileSync(file, `${skey}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return skey;
}

/** The log's checkpoint signer; its key name is the log origin (C2SP tlog-checkpoint §Signatures). */
export function loadLogSigner(file: string, origin: string): Ed25519NoteSigner {
  const signer = parseSignerKey(loadOrCreate(file, () => generateSignerKey(origin).signerKey));
  if (signer.name !== origin)
    throw new RampartError(
      'KEY_NAME_MISMATCH',
      `${file} holds a key named "${signer.name}" but ledger.origin is "${origin}"; a log's key name must be its origin`,
      { status: 500 },
    );
  return signer;
}

/** A witness cosigner key (tlog-cosignature Ed25519, type 0x04). */
export function loadWitnessSigner(file: string, name: string): Cosigner {
  return parseCosignerKey(loadOrCreate(file, () => generateCosignerKey(name).signerKey));
}
