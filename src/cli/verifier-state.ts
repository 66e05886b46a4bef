/**
 * What a verifier remembers between runs: the log's key and the last checkpoint it verified, so the
 * next run can prove the log only grew (consistency) and that the key did not change.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { base64ToBytes, RampartError } from '../core/index.ts';

export interface VerifierState {
  origin: string;
  key: string;
  size: number;
  root: string;
  checkedAt: string;
}

export function defaultStatePath(origin: string): string {
  const base = process.env['XDG_STATE_HOME'] ?? join(homedir(), '.local', 'state');
  const id = createHash('sha256').update(origin).digest('hex').slice(0, 16);
  return join(base, 'rampart', `ledger-${id}.json`);
}

export function readState(file: string): VerifierState | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const s = JSON.parse(text) as VerifierState;
    if (
      typeof s.origin !== 'string' ||
      typeof s.key !== 'string' ||
      !Number.isSafeInteger(s.size) ||
      base64ToBytes(s.root).length !== 32
    )
      throw new Error('bad fields');
    return s;
  } catch (e) {
    throw new RampartError(
      'VERIFIER_STATE_INVALID',
      `state file ${file} is not valid (${(e as Error).message}); remove it to start over`,
    );
  }
}

/** Written atomically (write, then rename). */
export function writeState(file: string, s: VerifierState): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(s, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}
