/** `rampart signer …`: run a threshold-signing node (one process per node). */
import type { Command } from 'commander';
import { loadNodeConfig, startSignerNode } from '../../signing/node/index.ts';
import type { GlobalOptions } from '../context.ts';
import { printJson, UsageError } from '../output.ts';

/** `--config` is also the global option (hoisted by main.ts): here it names the node.yaml. */
function configFile(o: { config?: string }, g: GlobalOptions): string {
  const f = o.config ?? g.config;
  if (!f) throw new UsageError('--config <node.yaml> is required');
  return f;
}

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
}
