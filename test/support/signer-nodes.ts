/**
 * Signer nodes for tests and benchmarks: each a real `rampart signer start` child process with its
 * own data directory, node.yaml and key store (passphrase, or a SoftHSM2 token), on a loopback
 * port chosen up front so a killed node can be restarted at the same URL.
 *
 *   const coord = coordinatorKeyIn(dataDir);              // the coordinator's request key
 *   const nodes = await startNodes(5, { dir, coordinator: coord, pkcs11: [0] });
 *   … nodes[2].kill('SIGKILL'); await nodes[2].restart();
 *
 * In-process nodes (no child process): `startSignerNode(parseNodeConfig(…))` from
 * src/signing/node — see `nodeConfig` below for a valid configuration.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToBase64, bytesToHex } from '../../src/core/index.ts';
import { defaultPolicy } from '../../src/custody/index.ts';
import { signApproval } from '../../src/custody/requests/index.ts';
import { nodePolicyVersion, recomputePayload } from '../../src/signing/authorize/index.ts';
import { loadCoordinatorKey } from '../../src/signing/coordinator/index.ts';
import { SOFTHSM2_MODULE } from '../../src/signing/keystore/index.ts';
import { enroll, type NodeConfigInput, openNodeDb, setPolicy } from '../../src/signing/node/index.ts';
import { RAMPART_BIN } from './cli.ts';

export const TEST_PASSPHRASE = 'correct horse battery staple';
export const TEST_PIN = '246810';

export interface CoordinatorKeyInfo {
  keyId: string;
  publicKey: string;
}

/** The coordinator key of a Rampart data directory (created if missing), as node.yaml lists it. */
export function coordinatorKeyIn(dataDir: string): CoordinatorKeyInfo {
  const k = loadCoordinatorKey(dataDir);
  return { keyId: k.keyId, publicKey: bytesToHex(k.publicKey) };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export function softhsmAvailable(): boolean {
  const util = spawnSync('softhsm2-util', ['--version'], { encoding: 'utf8' });
  return util.status === 0 && existsSync(SOFTHSM2_MODULE);
}

/** A fresh SoftHSM2 token in `dir` (its own SOFTHSM2_CONF); returns the environment to run with. */
export function softhsmToken(dir: string, label: string): Record<string, string> {
  if (!softhsmAvailable()) throw new Error('softhsm2 is not installed: run apt-get install -y softhsm2');
  mkdirSync(join(dir, 'tokens'), { recursive: true });
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(
    conf,
    `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`,
  );
  execFileSync(
    'softhsm2-util',
    ['--init-token', '--free', '--label', label, '--pin', TEST_PIN, '--so-pin', '13579111'],
    {
      stdio: 'ignore',
      env: { ...process.env, SOFTHSM2_CONF: conf },
    },
  );
  return { SOFTHSM2_CONF: conf, RAMPART_SIGNER_PIN: TEST_PIN };
}

export function nodeConfig(
  id: string,
  dataDir: string,
  port: number,
  coordinator: CoordinatorKeyInfo,
  keystore: 'passphrase' | 'pkcs11' = 'passphrase',
): NodeConfigInput {
  return {
    id,
    listen: { host: '127.0.0.1', port },
    dataDir,
    coordinators: [coordinator],
    keystore:
      keystore === 'pkcs11'
        ? { kind: 'pkcs11', module: SOFTHSM2_MODULE, tokenLabel: id, keyLabel: 'rampart-signer' }
        : { kind: 'passphrase', scryptLog2N: 15 },
  };
}

export interface NodeProcess {
  readonly id: string;
  readonly url: string;
  readonly dataDir: string;
  readonly configFile: string;
  signingPublic: string;
  /** The running child, or undefined while stopped. */
  child: ChildProcess | undefined;
  /** Sends a signal (SIGKILL by default) and waits for the process to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the process again with the same configuration (and, optionally, a crash point). */
  restart(opts?: { fault?: string }): Promise<void>;
  /** Resolves when the process exits on its own (e.g. a crash point). */
  exited(): Promise<number | null>;
  stderr(): string;
}

export interface StartNodesOptions {
  /** Parent directory: each node gets `<dir>/<id>/`. */
  dir: string;
  coordinator: CoordinatorKeyInfo;
  /** Indices of nodes that use a SoftHSM2 token instead of a passphrase. */
  pkcs11?: number[];
  /** Crash points (RAMPART_SIGNER_FAULT) per node index. */
  faults?: Record<number, string>;
  ids?: string[];
  /** Enroll TEST_APPROVERS and set TEST_NODE_POLICY on each node (default true). */
  provision?: boolean;
}

export async function startNodeProcess(
  id: string,
  dir: string,
  coordinator: CoordinatorKeyInfo,
  keystore: 'passphrase' | 'pkcs11' = 'passphrase',
  fault?: string,
): Promise<NodeProcess> {
  const home = join(dir, id);
  mkdirSync(home, { recursive: true });
  const port = await freePort();
  const env: Record<string, string> = { RAMPART_SIGNER_PASSPHRASE: TEST_PASSPHRASE };
  if (keystore === 'pkcs11') Object.assign(env, softhsmToken(join(home, 'hsm'), id));
  const configFile = join(home, 'node.yaml');
  writeFileSync(
    configFile,
    JSON.stringify(nodeConfig(id, join(home, 'data'), port, coordinator, keystore), null, 2),
  );
  let child: ChildProcess | undefined;
  let err = '';
  let exit: Promise<number | null> = Promise.resolve(null);
  const url = `http://127.0.0.1:${port}`;
  const node: NodeProcess = {
    id,
    url,
    dataDir: join(home, 'data'),
    configFile,
    signingPublic: '',
    get child() {
      return child;
    },
    set child(c) {
      child = c;
    },
    async kill(signal = 'SIGKILL') {
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await exit;
    },
    async restart(opts = {}) {
      await node.kill('SIGKILL');
      const c = spawn(process.execPath, [RAMPART_BIN, '--json', 'signer', 'start', '--config', configFile], {
        env: {
          ...process.env,
          ...env,
          ...(opts.fault ? { RAMPART_SIGNER_FAULT: opts.fault } : { RAMPART_SIGNER_FAULT: '' }),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = c;
      err = '';
      c.stderr!.on('data', (d) => {
        err += d;
      });
      exit = new Promise((resolve) => c.once('exit', (code) => resolve(code)));
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        const onData = (d: Buffer) => {
          out += d;
          const nl = out.indexOf('\n');
          if (nl >= 0) {
            c.stdout!.off('data', onData);
            resolve(out.slice(0, nl));
          }
        };
        c.stdout!.on('data', onData);
        c.once('exit', (code) =>
          reject(new Error(`signer ${id} exited with ${code} before it listened: ${err}`)),
        );
      });
      const info = JSON.parse(line) as { url: string; signingPublic: string };
      if (info.url !== url) throw new Error(`signer ${id} listens on ${info.url}, not ${url}`);
      node.signingPublic = info.signingPublic;
    },
    exited: () => exit,
    stderr: () => err,
  };
  await node.restart({ ...(fault ? { fault } : {}) });
  return node;
}

/** Starts `n` node processes in parallel (node-1 … node-n). */
export async function startNodes(n: number, opts: StartNodesOptions): Promise<NodeProcess[]> {
  const ids = opts.ids ?? Array.from({ length: n }, (_, i) => `node-${i + 1}`);
  return Promise.all(
    ids.map(async (id, i) => {
      const node = await startNodeProcess(
        id,
        opts.dir,
        opts.coordinator,
        opts.pkcs11?.includes(i) ? 'pkcs11' : 'passphrase',
        opts.faults?.[i],
      );
      if (opts.provision !== false) await provisionNode(node.dataDir);
      return node;
    }),
  );
}

export async function stopNodes(nodes: readonly NodeProcess[]): Promise<void> {
  await Promise.all(nodes.map((n) => n.kill('SIGTERM')));
}

/** Approvers for tests: Ed25519 keys enrolled on every node, and approved requests they sign. */
export const TEST_APPROVERS = ['alice', 'bob', 'carol'].map((principal) => {
  const secretKey = ed25519.utils.randomSecretKey();
  return { principal, secretKey, publicKey: bytesToBase64(ed25519.getPublicKey(secretKey)) };
});
export const TEST_NODE_POLICY = {
  transactionPolicy: defaultPolicy(),
  otherPayloads: { approvals: 2, fromRoles: ['treasury'] },
};

/**
 * Enrolls TEST_APPROVERS and sets TEST_NODE_POLICY in a node's own store, the way
 * `rampart signer approvers apply` and `rampart signer policy set` do (a running node sees it at once).
 */
export async function provisionNode(dataDir: string): Promise<void> {
  const db = await openNodeDb(dataDir);
  try {
    for (const a of TEST_APPROVERS)
      await enroll(db, {
        op: 'add-key',
        principal: a.principal,
        key: { type: 'ed25519', publicKey: a.publicKey },
        roles: ['treasury'],
        actor: 'node-operator:test',
      });
    await setPolicy(db, TEST_NODE_POLICY, 'node-operator:test');
  } finally {
    await db.close();
  }
}

/** An approved signing request for a plain message, with approvals by `who` (default alice and bob). */
export function approvedMessage(requestId: string, message: Uint8Array, who = ['alice', 'bob']) {
  const payload = { kind: 'message' as const, message: bytesToBase64(message) };
  const { digest } = recomputePayload(requestId, payload);
  return {
    requestId,
    policyVersion: nodePolicyVersion(TEST_NODE_POLICY),
    digest,
    payload,
    approvals: who.map((p) => {
      const a = TEST_APPROVERS.find((x) => x.principal === p)!;
      return {
        type: 'ed25519',
        approver: p,
        digest,
        signature: signApproval(a.secretKey, requestId, digest),
      };
    }),
  };
}
