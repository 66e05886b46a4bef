/** `rampart custody request …` and `rampart custody approval-key …`. */
import { readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { ed25519 } from '@noble/curves/ed25519.js';
import type { Command } from 'commander';
import { base64ToBytes, bytesToBase64, RampartError } from '../../core/index.ts';
import { policyHook } from '../../custody/registry/index.ts';
import {
  addApproverKey,
  approveRequest,
  attachOwnerSignature,
  type CustodyRequest,
  exportBundle,
  getRequest,
  listRequests,
  type RequestStatus,
  signApproval,
  submitRequest,
} from '../../custody/requests/index.ts';
import { type GlobalOptions, openLocal } from '../context.ts';
import { parseIntArg, printJson, UsageError } from '../output.ts';

const me = () => `cli:${userInfo().username}`;

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new RampartError('FILE_INVALID', `${path} is not valid JSON: ${(e as Error).message}`);
  }
}

function show(r: CustodyRequest): string {
  const current = r.approvals.filter((a) => a.digest === r.digest);
  return [
    `${r.id}  ${r.status.toUpperCase()}  wallet ${r.wallet} (chain ${r.chainId})  by ${r.initiator}`,
    `  decision: ${r.decision.decision}${r.decision.decision === 'require' ? ` ${r.decision.requiredApprovals} approvals` : ''} — ${r.decision.reason}`,
    `  findings: ${r.analysis.findings.map((f) => f.code).join(', ') || 'none'}`,
    `  safeTxHash ${r.analysis.safeTxHash}`,
    `  digest     ${r.digest}`,
    `  approvals  ${current.length}/${r.decision.requiredApprovals}${current.length ? `: ${current.map((a) => a.approver).join(', ')}` : ''}`,
    `  owner signatures: ${r.ownerSignatures.map((s) => s.owner).join(', ') || 'none'}`,
    '',
  ].join('\n');
}

export function custodyRequestCommands(custody: Command, globals: () => GlobalOptions): void {
  const request = custody
    .command('request')
    .description('requests: submit, approve, sign, export (every step audited)');
  const withCtx = async <T>(fn: (ctx: Awaited<ReturnType<typeof openLocal>>) => Promise<T>): Promise<T> => {
    const ctx = await openLocal(globals());
    try {
      return await fn(ctx);
    } finally {
      await ctx.close();
    }
  };
  const out = (r: CustodyRequest): void => {
    if (globals().json) printJson(r);
    else process.stdout.write(show(r));
  };

  request
    .command('submit')
    .argument('<file>', 'one Safe transaction (JSON, Safe Transaction Service fields)')
    .requiredOption('--wallet <0x…>', 'the registered wallet')
    .option('--chain <id>', 'chain id')
    .option('--as <principal>', 'initiator (default cli:<your user name>)')
    .action(async (file: string, o: { wallet: string; chain?: string; as?: string }) => {
      const transaction = readJson(file);
      const chainId = parseIntArg('--chain', o.chain, 1);
      await withCtx(async (ctx) =>
        out(
          await submitRequest(ctx.ledger, {
            initiator: o.as ?? me(),
            wallet: o.wallet,
            ...(chainId ? { chainId } : {}),
            transaction,
            policy: policyHook(ctx.ledger),
          }),
        ),
      );
    });

  request
    .command('show')
    .argument('<id>')
    .action(async (id: string) => withCtx(async (ctx) => out(await getRequest(ctx.ledger, id))));

  request
    .command('list')
    .option('--status <s>', 'pending, denied, approved or exported')
    .action(async (o: { status?: string }) => {
      if (o.status && !['pending', 'denied', 'approved', 'exported'].includes(o.status))
        throw new UsageError('--status must be pending, denied, approved or exported');
      await withCtx(async (ctx) => {
        const rs = await listRequests(ctx.ledger, o.status as RequestStatus | undefined);
        if (globals().json) printJson(rs);
        else for (const r of rs) process.stdout.write(show(r));
      });
    });

  request
    .command('approve')
    .description("approve the request's current digest, signed with the approver's key file")
    .argument('<id>')
    .requiredOption('--approver <principal>', 'who approves, e.g. user:dave')
    .requiredOption('--key-file <file>', 'the approver’s Ed25519 secret key (from `approval-key generate`)')
    .option('--digest <hex>', 'the digest you reviewed (default: the current one, shown by `request show`)')
    .action(async (id: string, o: { approver: string; keyFile: string; digest?: string }) => {
      let sk: Uint8Array;
      try {
        sk = base64ToBytes(readFileSync(o.keyFile, 'utf8').trim());
      } catch (e) {
        throw new UsageError(`cannot read the key file ${o.keyFile}: ${(e as Error).message}`);
      }
      if (sk.length !== 32) throw new UsageError(`${o.keyFile} does not hold a 32-byte Ed25519 secret key`);
      await withCtx(async (ctx) => {
        const digest = o.digest ?? (await getRequest(ctx.ledger, id)).digest;
        out(
          await approveRequest(ctx.ledger, {
            id,
            approver: o.approver,
            digest,
            signature: signApproval(sk, id, digest),
          }),
        );
      });
    });

  request
    .command('sign')
    .description("attach an owner's 65-byte signature (hex) made on a hardware wallet over the safeTxHash")
    .argument('<id>')
    .argument('<signature>')
    .action(async (id: string, signature: string) =>
      withCtx(async (ctx) => out(await attachOwnerSignature(ctx.ledger, { id, actor: me(), signature }))),
    );

  request
    .command('export')
    .description('the execution bundle (execTransaction calldata with sorted owner signatures)')
    .argument('<id>')
    .action(async (id: string) =>
      withCtx(async (ctx) => printJson(await exportBundle(ctx.ledger, { id, actor: me() }))),
    );

  const key = custody
    .command('approval-key')
    .description('Ed25519 keys approvers sign analysis digests with');
  key
    .command('generate')
    .requiredOption('--out <file>', 'where to write the secret key (mode 0600)')
    .action((o: { out: string }) => {
      const sk = ed25519.utils.randomSecretKey();
      writeFileSync(o.out, `${bytesToBase64(sk)}\n`, { mode: 0o600, flag: 'wx' });
      const pk = bytesToBase64(ed25519.getPublicKey(sk));
      if (globals().json) printJson({ publicKey: pk, file: o.out });
      else process.stdout.write(`${pk}\n`);
    });
  key
    .command('add')
    .description("register an approver's public key (audited)")
    .requiredOption('--principal <id>', 'e.g. user:dave')
    .requiredOption('--public-key <base64>', 'from `approval-key generate`')
    .action(async (o: { principal: string; publicKey: string }) =>
      withCtx(async (ctx) => {
        await addApproverKey(ctx.ledger, { principal: o.principal, publicKey: o.publicKey, actor: me() });
        if (globals().json) printJson({ principal: o.principal, publicKey: o.publicKey });
        else process.stdout.write(`approval key registered for ${o.principal}\n`);
      }),
    );
}
