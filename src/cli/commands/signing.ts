/** `rampart signing …`: threshold keys and ceremonies (DKG, sign, refresh, repair) over signer nodes. */
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { bytesToHex, hexToBytes, InvalidInputError } from '../../core/index.ts';
import { parseSigningRequest, recomputePayload } from '../../signing/authorize/index.ts';
import {
  type CoordinatorContext,
  finishRefresh,
  getKey,
  listCeremonies,
  listKeys,
  loadCoordinatorKey,
  runDkg,
  runRefresh,
  runRepair,
  runSign,
} from '../../signing/coordinator/index.ts';
import { isSuiteName, SUITE_NAMES } from '../../signing/frost/index.ts';
import { type GlobalOptions, type LocalContext, openLocal } from '../context.ts';
import { parseIntArg, printJson, UsageError } from '../output.ts';
import { progressBar } from '../progress.ts';

function coordinator(
  local: LocalContext,
  json: boolean,
  label: string,
): { ctx: CoordinatorContext; done: () => void } {
  const bar = progressBar(label, 1, !json);
  return {
    ctx: {
      ledger: local.ledger,
      key: loadCoordinatorKey(local.config.dataDir),
      actor: `cli:${userInfo().username}`,
      progress: (_step, done, total) => bar.update(done, total),
    },
    done: () => bar.stop(),
  };
}

async function withCoordinator<T>(
  g: GlobalOptions,
  label: string,
  fn: (ctx: CoordinatorContext) => Promise<T>,
): Promise<T> {
  const local = await openLocal(g);
  const c = coordinator(local, Boolean(g.json), label);
  try {
    return await fn(c.ctx);
  } finally {
    c.done();
    await local.close();
  }
}

function urls(list: string): string[] {
  const out = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const u of out) {
    let url: URL;
    try {
      url = new URL(u);
    } catch {
      throw new UsageError(`--nodes: "${u}" is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new UsageError(`--nodes: "${u}" is not http(s)`);
  }
  return out;
}

export function signingCommand(program: Command, globals: () => GlobalOptions): void {
  const signing = program.command('signing').description('threshold keys (FROST) held by signer nodes');

  signing
    .command('coordinator-key')
    .description(
      "this Rampart's request-signing key for signer nodes (created on first use): put it in each node.yaml",
    )
    .action(async () => {
      const g = globals();
      const local = await openLocal(g);
      try {
        const k = loadCoordinatorKey(local.config.dataDir);
        const out = { keyId: k.keyId, publicKey: bytesToHex(k.publicKey) };
        if (g.json) printJson(out);
        else
          process.stdout.write(`coordinators:\n  - keyId: ${out.keyId}\n    publicKey: ${out.publicKey}\n`);
      } finally {
        await local.close();
      }
    });

  signing
    .command('dkg')
    .description(
      'distributed key generation among signer nodes (t-of-n); no node or coordinator ever holds the key',
    )
    .requiredOption('--suite <suite>', `one of ${SUITE_NAMES.join(', ')}`)
    .requiredOption('--threshold <t>', 'signatures need t of the n nodes')
    .requiredOption('--nodes <urls>', 'comma-separated node URLs (identifiers 1..n in this order)')
    .option('--key-id <id>', 'a name for the key (default <suite>-<time>)')
    .action(async (o: { suite: string; threshold: string; nodes: string; keyId?: string }) => {
      const g = globals();
      if (!isSuiteName(o.suite))
        throw new UsageError(`--suite must be one of ${SUITE_NAMES.join(', ')} (got "${o.suite}")`);
      const threshold = parseIntArg('--threshold', o.threshold, 2)!;
      const nodeUrls = urls(o.nodes);
      const key = await withCoordinator(g, 'dkg', (ctx) =>
        runDkg(ctx, {
          suite: o.suite as (typeof SUITE_NAMES)[number],
          threshold,
          nodeUrls,
          ...(o.keyId ? { keyId: o.keyId } : {}),
        }),
      );
      const out = {
        keyId: key.keyId,
        suite: key.suite,
        threshold: key.threshold,
        maxSigners: key.maxSigners,
        groupPublicKey: key.groupPublicKey,
        nodes: key.nodes.map((n) => ({ nodeId: n.nodeId, url: n.url, identifier: n.identifier })),
      };
      if (g.json) printJson(out);
      else
        process.stdout.write(
          `key ${out.keyId} (${out.suite}, ${out.threshold}-of-${out.maxSigners})\n  group public key ${out.groupPublicKey}\n${out.nodes.map((n) => `  ${n.nodeId} ${n.url}\n`).join('')}`,
        );
    });

  signing
    .command('sign')
    .description(
      'sign an approved request through the nodes (two FROST rounds; each node re-verifies the approvals and its policy); prints the signature and the group public key',
    )
    .requiredOption('--key <id>', 'the key id')
    .requiredOption(
      '--request <file>',
      'the approved signing request (JSON): payload, digest, approvals, policy version',
    )
    .action(async (o: { key: string; request: string }) => {
      const g = globals();
      let request: unknown;
      try {
        request = JSON.parse(readFileSync(o.request, 'utf8'));
      } catch (e) {
        throw new InvalidInputError('SIGNING_REQUEST_FILE_INVALID', `${o.request}: ${(e as Error).message}`);
      }
      const r = await withCoordinator(g, 'sign', async (ctx) => {
        // The bytes to sign are recomputed from the raw payload here, as every node does again.
        const req = parseSigningRequest(request);
        const groupKey = (await getKey(ctx.ledger.store.db, o.key)).publicPackage.commitments[0]!;
        const { message } = recomputePayload(req.requestId, req.payload, { outputKey: hexToBytes(groupKey) });
        return runSign(ctx, { keyId: o.key, message, request });
      });
      if (g.json) printJson(r);
      else
        process.stdout.write(
          `signature ${r.signature}\ngroup public key ${r.groupPublicKey} (${r.suite})\nsigners ${r.signers.map((s) => s.nodeId).join(', ')}\n`,
        );
    });

  signing
    .command('refresh')
    .description(
      'refresh every share of a key (same group key; old shares become useless); all nodes switch or none',
    )
    .requiredOption('--key <id>', 'the key id')
    .option('--finish', 'only commit the last refresh on nodes that missed its commit (no new refresh)')
    .action(async (o: { key: string; finish?: boolean }) => {
      const g = globals();
      const k = await withCoordinator(g, 'refresh', async (ctx) => {
        return o.finish ? finishRefresh(ctx, o.key) : runRefresh(ctx, o.key);
      });
      if (g.json) printJson({ keyId: k.keyId, generation: k.generation, groupPublicKey: k.groupPublicKey });
      else
        process.stdout.write(
          `key ${k.keyId} ${o.finish ? 'committed on every node' : 'refreshed'}: generation ${k.generation}, group public key unchanged ${k.groupPublicKey}\n`,
        );
    });

  signing
    .command('repair')
    .description("rebuild a node's lost share with the help of t other nodes")
    .requiredOption('--key <id>', 'the key id')
    .requiredOption('--node <node>', 'the node that lost its share (node id or registered URL)')
    .option('--url <url>', 'where that node answers now, if it moved')
    .action(async (o: { key: string; node: string; url?: string }) => {
      const g = globals();
      const k = await withCoordinator(g, 'repair', (ctx) =>
        runRepair(ctx, { keyId: o.key, node: o.node, ...(o.url ? { url: o.url } : {}) }),
      );
      if (g.json) printJson({ keyId: k.keyId, repaired: o.node, generation: k.generation });
      else process.stdout.write(`key ${k.keyId}: the share of ${o.node} is repaired\n`);
    });

  signing
    .command('keys')
    .description('threshold keys known to this Rampart, with their nodes')
    .action(async () => {
      const g = globals();
      const local = await openLocal(g);
      try {
        const keys = await listKeys(local.store.db);
        const out = keys.map((k) => ({
          keyId: k.keyId,
          suite: k.suite,
          threshold: k.threshold,
          maxSigners: k.maxSigners,
          generation: k.generation,
          groupPublicKey: k.groupPublicKey,
          nodes: k.nodes.map((n) => ({
            nodeId: n.nodeId,
            url: n.url,
            identifier: n.identifier,
            signingPublic: n.signingPublic,
          })),
        }));
        if (g.json) printJson(out);
        else if (out.length === 0) process.stdout.write('no threshold keys yet (rampart signing dkg …)\n');
        else
          for (const k of out)
            process.stdout.write(
              `${k.keyId}  ${k.suite} ${k.threshold}-of-${k.maxSigners}  generation ${k.generation}\n  ${k.groupPublicKey}\n  nodes: ${k.nodes.map((n) => n.nodeId).join(', ')}\n`,
            );
      } finally {
        await local.close();
      }
    });

  signing
    .command('ceremonies')
    .description('every ceremony (DKG, sign, refresh, repair) and its outcome')
    .option('--key <id>', 'only this key')
    .action(async (o: { key?: string }) => {
      const g = globals();
      const local = await openLocal(g);
      try {
        const list = await listCeremonies(local.store.db, o.key);
        if (g.json) printJson(list);
        else
          for (const c of list)
            process.stdout.write(
              `${c.startedAt}  ${c.kind.padEnd(7)} ${c.status.padEnd(9)} ${c.keyId}  ${c.ceremonyId}${c.error ? `  ${(c.error as { code: string }).code}` : ''}\n`,
            );
      } finally {
        await local.close();
      }
    });
}
