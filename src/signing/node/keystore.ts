/** Opens the node's key store from its configuration; the PIN or passphrase comes from the environment. */
import { ConfigError } from '../../core/index.ts';
import { type KeyStore, PassphraseKeyStore, Pkcs11KeyStore } from '../keystore/index.ts';
import type { NodeConfig } from './config.ts';

export async function openNodeKeyStore(
  cfg: NodeConfig['keystore'],
  env: Record<string, string | undefined> = process.env,
): Promise<KeyStore> {
  if (cfg.kind === 'passphrase') {
    const passphrase = env[cfg.passphraseEnv];
    if (!passphrase) throw new ConfigError(`the key store passphrase is missing: set ${cfg.passphraseEnv}`);
    return new PassphraseKeyStore({ passphrase, scrypt: { log2N: cfg.scryptLog2N, r: 8, p: 1 } });
  }
  const pin = env[cfg.pinEnv];
  if (!pin) throw new ConfigError(`the PKCS#11 PIN is missing: set ${cfg.pinEnv}`);
  return Pkcs11KeyStore.connect({
    module: cfg.module,
    tokenLabel: cfg.tokenLabel,
    keyLabel: cfg.keyLabel,
    pin,
    createKey: cfg.createKey,
  });
}
