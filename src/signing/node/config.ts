/**
 * A signer node's configuration (`node.yaml`), validated with zod. Secrets never live in the file:
 * the PKCS#11 PIN and the passphrase are read from environment variables the file names.
 *
 *   id: node-1
 *   listen: { host: 127.0.0.1, port: 7101 }
 *   dataDir: ./node-1                      # the node's own SQLite store and nothing else
 *   coordinators:                          # who may drive ceremonies (RFC 9421 keyid → Ed25519 key)
 *     - { keyId: coordinator, publicKey: 3b6a27bc… }   # 32-byte hex, from `rampart signing coordinator-key`
 *   peers: []                              # optional: pinned node keys; when set, only these take part
 *   keystore:
 *     kind: passphrase                     # or: { kind: pkcs11, module, tokenLabel, keyLabel, pinEnv }
 *     passphraseEnv: RAMPART_SIGNER_PASSPHRASE
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../../core/index.ts';

const hex32 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 32 bytes as 64 lower-case hex digits');

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'expected an environment variable name');

const passphraseKeystore = z.strictObject({
  kind: z.literal('passphrase'),
  /** The environment variable holding the passphrase (at least 8 characters). */
  passphraseEnv: envName.default('RAMPART_SIGNER_PASSPHRASE'),
  /** scrypt cost log2(N), 15..20; 17 by default. */
  scryptLog2N: z.number().int().min(15).max(20).default(17),
});

const pkcs11Keystore = z.strictObject({
  kind: z.literal('pkcs11'),
  module: z.string().min(1),
  tokenLabel: z.string().min(1).max(32),
  keyLabel: z.string().min(1).default('rampart-signer'),
  /** The environment variable holding the user PIN. */
  pinEnv: envName.default('RAMPART_SIGNER_PIN'),
  /** Generate the sealing key in the token if missing (first start); default true. */
  createKey: z.boolean().default(true),
});

export const nodeConfigSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'lower-case letters, digits, ".", "_" or "-"'),
  listen: z.strictObject({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65535),
  }),
  dataDir: z.string().min(1),
  coordinators: z
    .array(z.strictObject({ keyId: z.string().min(1).max(200), publicKey: hex32 }))
    .min(1, 'at least one coordinator key is needed'),
  peers: z.array(z.strictObject({ id: z.string().min(1), publicKey: hex32 })).default([]),
  keystore: z.discriminatedUnion('kind', [passphraseKeystore, pkcs11Keystore]),
  /** The replay window for signed requests, seconds. */
  maxRequestAgeSeconds: z.number().int().min(5).max(3600).default(300),
  /** How long an unused signing nonce is kept before it is destroyed, seconds. */
  nonceTtlSeconds: z.number().int().min(10).max(86_400).default(600),
});

export type NodeConfig = z.infer<typeof nodeConfigSchema>;
export type NodeConfigInput = z.input<typeof nodeConfigSchema>;

/** Validates a parsed configuration; a bad value is a CONFIG_INVALID error naming its path. */
export function parseNodeConfig(input: unknown, source = 'node config'): NodeConfig {
  const r = nodeConfigSchema.safeParse(input);
  if (!r.success) {
    const problems = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`invalid ${source}:\n  ${problems.join('\n  ')}`, { problems });
  }
  return r.data;
}

/** Reads `node.yaml` (or JSON); a relative dataDir is relative to the file. */
export function loadNodeConfig(file: string): NodeConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read ${file}: ${(e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new ConfigError(`${file} is not valid YAML: ${(e as Error).message}`);
  }
  const cfg = parseNodeConfig(raw, file);
  return { ...cfg, dataDir: resolve(dirname(file), cfg.dataDir) };
}
