/**
 * Configuration: `rampart.config.json` or `rampart.config.yaml` (in the working directory, or the
 * file named by RAMPART_CONFIG / --config), then `RAMPART_*` environment variables on top, validated
 * with zod at start. A bad value stops start-up with a message naming the key, where it came from and
 * what is wrong. Environment names are derived from the key path: `ledger.checkpointEveryEntries` is
 * RAMPART_LEDGER_CHECKPOINT_EVERY_ENTRIES.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from './errors.ts';

const boolFromEnv = z.preprocess((v) => {
  if (typeof v !== 'string') return v;
  if (/^(true|1|yes|on)$/i.test(v)) return true;
  if (/^(false|0|no|off)$/i.test(v)) return false;
  return v;
}, z.boolean());

const intFromEnv = (min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v),
    z.number().int().min(min).max(max),
  );

/** A C2SP signed-note verifier key: `<name>+<hex key id>+<base64 key>`. Parsed properly by the ledger. */
const verifierKey = z
  .string()
  .regex(/^[^+\s]+\+[0-9a-f]{8}\+[A-Za-z0-9+/=]+$/, 'expected a verifier key "name+hash+base64"');

/** An IPv4 or IPv6 address, optionally with a prefix length (CIDR). */
const proxyAddress = z.string().refine((v) => {
  const m = /^([^/]+)(?:\/(\d{1,3}))?$/.exec(v);
  const family = m ? isIP(m[1]!) : 0;
  if (family === 0) return false;
  return m![2] === undefined || Number(m![2]) <= (family === 4 ? 32 : 128);
}, 'expected an IP address or CIDR range, e.g. 10.0.0.5 or 10.0.0.0/24');

export const configSchema = z
  .object({
    server: z
      .object({
        host: z.string().min(1).default('127.0.0.1'),
        port: intFromEnv(0, 65535).default(8080),
        /** Public base URL, used in links printed to people. */
        publicUrl: z.url().optional(),
        /**
         * Reverse proxies (addresses or CIDR ranges) whose X-Forwarded-For is believed. The client's
         * address decides lock-outs, rate limits, network conditions and what the ledger records, so
         * it is taken from the header only when the connection comes from one of these; by default
         * from nobody, and a client cannot name its own address.
         */
        trustProxy: z.array(proxyAddress).default([]),
      })
      .strict()
      .default({ host: '127.0.0.1', port: 8080, trustProxy: [] }),
    dataDir: z.string().min(1).default('./data'),
    database: z
      .object({
        /** postgres://… selects PostgreSQL; absent selects SQLite at <dataDir>/rampart.sqlite. */
        url: z
          .string()
          .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// or postgresql:// URL')
          .optional(),
      })
      .strict()
      .default({}),
    ledger: z
      .object({
        /** C2SP tlog-checkpoint origin line: a schema-less URL naming this log. */
        origin: z
          .string()
          .min(1)
          .regex(/^[^\s+]+$/, 'an origin has no spaces and no "+"')
          .default('rampart.localhost/ledger'),
        /** Sign a checkpoint after this many new entries … */
        checkpointEveryEntries: intFromEnv(1, 1_000_000).default(256),
        /** … or after this many seconds with new entries, whichever comes first. */
        checkpointEverySeconds: intFromEnv(1, 86_400).default(5),
        /** Publish a checkpoint only with this many witness cosignatures (0: no witnesses needed). */
        witnessQuorum: intFromEnv(0, 100).default(0),
        witnesses: z
          .array(z.object({ name: z.string().min(1), url: z.url(), key: verifierKey }).strict())
          .default([]),
      })
      .strict()
      .default({
        origin: 'rampart.localhost/ledger',
        checkpointEveryEntries: 256,
        checkpointEverySeconds: 5,
        witnessQuorum: 0,
        witnesses: [],
      }),
    witness: z
      .object({
        /** Act as a C2SP tlog-witness for the logs below. */
        enabled: boolFromEnv.default(false),
        logs: z.array(z.object({ origin: z.string().min(1), key: verifierKey }).strict()).default([]),
      })
      .strict()
      .default({ enabled: false, logs: [] }),
    access: z
      .object({
        /**
         * Where RFC 9421 nonces are remembered: `memory` (this process, with a replay-window mark in
         * the data directory so that a restart opens no replay), `database` (shared by every process
         * on the store: needed when several Rampart processes serve one API), or `auto`: database
         * with PostgreSQL, memory with the embedded SQLite store.
         */
        nonces: z.enum(['auto', 'memory', 'database']).default('auto'),
        /**
         * How long a signature-verification worker keeps looking for the next request before it
         * sleeps, µs (0–10,000). Waking a sleeping worker costs the event loop more than handing work
         * to an awake one, so under steady signed traffic the worker's core looks busy; 0 lets it
         * sleep at once (for a machine where that core is needed for something else).
         */
        verifyWorkerSpinMicros: intFromEnv(0, 10_000).default(1000),
      })
      .strict()
      .default({ nonces: 'auto', verifyWorkerSpinMicros: 1000 }),
    alliance: z
      .object({
        /** TAXII 2.1 collections of other members to follow (issue 7): polled, screened, acknowledged. */
        follow: z
          .array(
            z
              .object({
                name: z
                  .string()
                  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'a source name: lower-case letters, digits, . _ -'),
                /** The member's API root URL, e.g. https://member.example/taxii2/alliance/ */
                url: z.url(),
                collection: z.uuid(),
                username: z.string().min(1).optional(),
                password: z.string().min(1).optional(),
                passwordEnv: z
                  .string()
                  .regex(/^[A-Z_][A-Z0-9_]*$/)
                  .optional(),
                keyId: z.string().min(1).optional(),
                keyFile: z.string().min(1).optional(),
                pollSeconds: z.number().int().min(1).max(86_400).default(30),
              })
              .strict(),
          )
          .default([]),
      })
      .strict()
      .default({ follow: [] }),
    /** Seed demo data on an empty store. */
    demo: boolFromEnv.default(false),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

/** Leaf key paths that may come from the environment (arrays only from files). */
const ENV_KEYS: string[] = [
  'server.host',
  'server.port',
  'server.publicUrl',
  'dataDir',
  'database.url',
  'ledger.origin',
  'ledger.checkpointEveryEntries',
  'ledger.checkpointEverySeconds',
  'ledger.witnessQuorum',
  'witness.enabled',
  'access.nonces',
  'access.verifyWorkerSpinMicros',
  'demo',
  'logLevel',
];

export function envNameFor(path: string): string {
  return `RAMPART_${path
    .replace(/\./g, '_')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()}`;
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let o = obj;
  for (const p of parts.slice(0, -1)) {
    if (typeof o[p] !== 'object' || o[p] === null) o[p] = {};
    o = o[p] as Record<string, unknown>;
  }
  o[parts.at(-1)!] = value;
}

export interface LoadConfigOptions {
  /** Explicit config file; otherwise RAMPART_CONFIG, then ./rampart.config.json|yaml|yml. */
  file?: string;
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Values that win over everything (CLI flags). */
  overrides?: Record<string, unknown>;
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`config file ${file} cannot be read: ${(e as Error).message}`, { file });
  }
  let data: unknown;
  try {
    data = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new ConfigError(
      `config file ${file} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(e as Error).message}`,
      {
        file,
      },
    );
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data))
    throw new ConfigError(`config file ${file} must hold an object`, { file });
  return data as Record<string, unknown>;
}

export function loadConfig(opts: LoadConfigOptions = {}): Config {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const sources = new Map<string, string>();
  let file = opts.file ?? env['RAMPART_CONFIG'];
  if (file === undefined) {
    for (const name of ['rampart.config.json', 'rampart.config.yaml', 'rampart.config.yml']) {
      if (existsSync(resolve(cwd, name))) {
        file = name;
        break;
      }
    }
  }
  const raw: Record<string, unknown> = file ? readConfigFile(resolve(cwd, file)) : {};
  for (const key of ENV_KEYS) {
    const name = envNameFor(key);
    const v = env[name];
    if (v !== undefined && v !== '') {
      setPath(raw, key, v);
      sources.set(key, name);
    }
  }
  for (const [k, v] of Object.entries(opts.overrides ?? {})) {
    if (v !== undefined) {
      setPath(raw, k, v);
      sources.set(k, 'command line');
    }
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const key = i.path.join('.') || '(root)';
      const from = sources.get(key) ?? (file ? file : 'defaults');
      return `${key} (from ${from}): ${i.message}`;
    });
    throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`, { problems });
  }
  const cfg = parsed.data;
  cfg.dataDir = resolve(cwd, cfg.dataDir);
  return cfg;
}
