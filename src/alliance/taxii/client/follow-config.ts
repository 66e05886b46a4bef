/**
 * From `alliance.follow[]` configuration entries to follow specs: HTTP Basic (username with
 * password, or the name of an environment variable holding it) or RFC 9421 signed requests (key id
 * and the base64 Ed25519 private key file written by `rampart access service keygen`).
 */
import { readFileSync } from 'node:fs';
import { base64ToBytes, ConfigError } from '../../../core/index.ts';
import type { FollowSpec } from './follower.ts';

export interface FollowConfig {
  name: string;
  url: string;
  collection: string;
  username?: string | undefined;
  password?: string | undefined;
  passwordEnv?: string | undefined;
  keyId?: string | undefined;
  keyFile?: string | undefined;
  pollSeconds: number;
}

export function followSpecs(
  entries: readonly FollowConfig[],
  env: Record<string, string | undefined> = process.env,
): FollowSpec[] {
  return entries.map((e, i) => {
    const where = `alliance.follow[${i}] (${e.name})`;
    let auth: FollowSpec['auth'];
    if (e.keyId && e.keyFile) {
      let key: Uint8Array;
      try {
        key = base64ToBytes(readFileSync(e.keyFile, 'utf8').trim());
      } catch (err) {
        throw new ConfigError(`${where}: cannot read keyFile ${e.keyFile}: ${(err as Error).message}`);
      }
      if (key.length !== 32)
        throw new ConfigError(`${where}: keyFile must hold a base64 Ed25519 private key (32 bytes)`);
      auth = { kind: 'signed', keyId: e.keyId, privateKey: key };
    } else if (e.username) {
      const password = e.password ?? (e.passwordEnv ? env[e.passwordEnv] : undefined);
      if (!password)
        throw new ConfigError(`${where}: username needs password or passwordEnv (set and non-empty)`);
      auth = { kind: 'basic', username: e.username, password };
    } else throw new ConfigError(`${where}: give username with password/passwordEnv, or keyId with keyFile`);
    return { name: e.name, url: e.url, collection: e.collection, auth, pollSeconds: e.pollSeconds };
  });
}
