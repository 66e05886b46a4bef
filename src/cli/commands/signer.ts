/** `rampart signer …`: run a threshold-signing node (one process per node). */

import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { InvalidInputError } from '../../core/index.ts';
import { defaultPolicy, parsePolicy } from '../../custody/index.ts';
import {
  enroll,
  loadNodeConfig,
  type NodeDb,
  openNodeDb,
  readApprovers,
  readPolicy,
  setPolicy,
  startSignerNode,
} from '../../signing/node/index.ts';
import type { GlobalOptions } from '../context.ts';
import { parseIntArg, printJson, UsageError } from '../output.ts';

/** `--config` is also the global option (hoisted by main.ts): here it names the node.yaml. */
function configFile(o: { config?: string }, g: GlobalOptions): string {
  const f = o.config ?? g.config;
  if (!f) throw new UsageError('--config <node.yaml> is required');
  return f;
}

async function withNodeDb<T>(
  o: { config?: string },
  g: GlobalOptions,
  fn: (db: NodeDb) => Promise<T>,
): Promise<T> {
  const cfg = loadNodeConfig(configFile(o, g));
  const db = await openNodeDb(cfg.dataDir);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

const operator = () => `node-operator:${userInfo().username}`;

export function signerCommand(program: Command, globals: () => GlobalOptions): void {
  const signer = program
    .command('signer')
    .description('threshold-signing nodes (FROST shares sealed in a key store)');

  signer
    .command('start')
    .description(
      'start a signer node: its own store in dataDir, its key store (PKCS#11 or passphrase), an HTTP service that only answers requests signed by a configured coordinator key',
    )
    .option('--config <file>', 'node.yaml (see README: Threshold signing)')
    .action(async (o: { config?: string }) => {
      const g = globals();
      const cfg = loadNodeConfig(configFile(o, g));
      const node = await startSignerNode(cfg, { log: (line) => process.stderr.write(`${line}\n`) });
      const info = {
        nodeId: node.id,
        url: node.url,
        signingPublic: node.signingPublic,
        boxPublic: node.boxPublic,
        createdIdentity: node.createdIdentity,
      };
      if (g.json) process.stdout.write(`${JSON.stringify(info)}\n`);
      else
        process.stdout.write(
          `signer node ${node.id} listening on ${node.url}\n  node key ${node.signingPublic}${node.createdIdentity ? ' (new)' : ''}\n`,
        );
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
      await node.close();
    });

  signer
    .command('check-config')
    .description('validate a node.yaml without starting the node')
    .option('--config <file>', 'node.yaml')
    .action((o: { config?: string }) => {
      const file = configFile(o, globals());
      const cfg = loadNodeConfig(file);
      if (globals().json)
        printJson({ ok: true, nodeId: cfg.id, dataDir: cfg.dataDir, keystore: cfg.keystore.kind });
      else process.stdout.write(`${file}: valid (node ${cfg.id}, ${cfg.keystore.kind} key store)\n`);
    });

  const approvers = signer
    .command('approvers')
    .description("the approvers this node trusts (kept in the node's own store; every change audited there)");

  approvers
    .command('list')
    .option('--config <file>', 'node.yaml')
    .description('enrolled approvers, their roles and keys')
    .action(async (o: { config?: string }) => {
      const g = globals();
      const list = await withNodeDb(o, g, (db) => readApprovers(db.db));
      if (g.json) printJson(list);
      else if (list.length === 0) process.stdout.write('no approvers enrolled: this node signs nothing\n');
      else
        for (const a of list)
          process.stdout.write(`${a.principal}  roles ${a.roles.join(',')}  ${a.keys.length} key(s)\n`);
    });

  approvers
    .command('add')
    .option('--config <file>', 'node.yaml')
    .requiredOption('--principal <id>', 'the approver (as in their approvals)')
    .requiredOption('--ed25519-key <base64>', "the approver's Ed25519 public key (standard base64)")
    .option('--roles <a,b>', 'roles (needed for a new approver)')
    .option('--actor <id>', 'who enrolls (not the approver)', operator())
    .description('enroll an Ed25519 approval key (audited in the node store)')
    .action(
      async (o: {
        config?: string;
        principal: string;
        ed25519Key: string;
        roles?: string;
        actor: string;
      }) => {
        const g = globals();
        const roles = o.roles
          ?.split(',')
          .map((r) => r.trim())
          .filter(Boolean);
        const r = await withNodeDb(o, g, (db) =>
          enroll(db, {
            op: 'add-key',
            principal: o.principal,
            key: { type: 'ed25519', publicKey: o.ed25519Key },
            ...(roles ? { roles } : {}),
            actor: o.actor,
          }),
        );
        if (g.json) printJson({ action: r.action, approvers: r.approvers.length });
        else process.stdout.write(`${r.action}: ${o.principal}\n`);
      },
    );

  approvers
    .command('apply')
    .option('--config <file>', 'node.yaml')
    .requiredOption(
      '--file <changes.json>',
      'a list of enrollment changes (add-key, remove-key, set-roles, remove-approver)',
    )
    .description('apply several enrollment changes, each audited')
    .action(async (o: { config?: string; file: string }) => {
      const g = globals();
      let changes: unknown;
      try {
        changes = parseYaml(readFileSync(o.file, 'utf8'));
      } catch (e) {
        throw new InvalidInputError('SIGNER_ENROLLMENT_FILE_INVALID', `${o.file}: ${(e as Error).message}`);
      }
      if (!Array.isArray(changes))
        throw new InvalidInputError(
          'SIGNER_ENROLLMENT_FILE_INVALID',
          `${o.file}: expected a list of changes`,
        );
      const actions = await withNodeDb(o, g, async (db) => {
        const out: string[] = [];
        for (const c of changes as unknown[]) out.push((await enroll(db, c)).action);
        return out;
      });
      if (g.json) printJson({ applied: actions.length, actions });
      else process.stdout.write(`${actions.length} change(s) applied\n`);
    });

  const policy = signer
    .command('policy')
    .description("the policy this node judges signing requests by (the node's own copy)");
  policy
    .command('set')
    .option('--config <file>', 'node.yaml')
    .option(
      '--policy <file>',
      'the custody transaction policy (YAML/JSON); default: the built-in default policy',
    )
    .requiredOption(
      '--approvals <n>',
      'approvals needed for payloads the transaction policy does not describe (messages, Bitcoin spends)',
    )
    .option('--roles <a,b>', 'roles those approvals must come from (default: any enrolled approver)')
    .option('--actor <id>', 'who sets it', operator())
    .description(
      'set the policy in force on this node (audited); requests made under another version are refused',
    )
    .action(
      async (o: { config?: string; policy?: string; approvals: string; roles?: string; actor: string }) => {
        const g = globals();
        const approvals = parseIntArg('--approvals', o.approvals, 1)!;
        const transactionPolicy = o.policy
          ? parsePolicy(readFileSync(o.policy, 'utf8'), o.policy)
          : defaultPolicy();
        const fromRoles =
          o.roles
            ?.split(',')
            .map((r) => r.trim())
            .filter(Boolean) ?? [];
        const version = await withNodeDb(o, g, (db) =>
          setPolicy(db, { transactionPolicy, otherPayloads: { approvals, fromRoles } }, o.actor),
        );
        if (g.json) printJson({ version });
        else process.stdout.write(`policy version ${version} in force\n`);
      },
    );
  policy
    .command('show')
    .option('--config <file>', 'node.yaml')
    .description('the policy version in force and the quorum for other payloads')
    .action(async (o: { config?: string }) => {
      const g = globals();
      const p = await withNodeDb(o, g, (db) => readPolicy(db.db));
      const out = p ? { version: p.version, otherPayloads: p.otherPayloads } : null;
      if (g.json) printJson(out);
      else
        process.stdout.write(
          out
            ? `policy version ${out.version}; other payloads: ${out.otherPayloads.approvals} approval(s)\n`
            : 'no policy set: this node signs nothing\n',
        );
    });
}
