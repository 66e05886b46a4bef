/**
 * `rampart access service …`: services (signer nodes, bots, other alliance members) and their
 * Ed25519 request-signing keys (RFC 9421). `keygen` makes a key pair on the service's machine and
 * writes the private key 0600; only the public key is ever registered here. Every registration and
 * revocation is a ledger entry.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { ed25519 } from '@noble/curves/ed25519.js';
import type { Command } from 'commander';
import { ROLES } from '../../access/roles.ts';
import { listServiceKeys, registerServiceKey, revokeServiceKey } from '../../access/services/index.ts';
import { base64ToBytes, bytesToBase64, InvalidInputError } from '../../core/index.ts';
import { type GlobalOptions, openLocal } from '../context.ts';
import { printJson } from '../output.ts';

const actor = () => `cli:${userInfo().username}`;

/** A public key given inline (base64) or as a file holding it (as `keygen` writes it). */
function readPublicKey(arg: string): string {
  const text = existsSync(arg) ? readFileSync(arg, 'utf8').trim() : arg.trim();
  let bytes: Uint8Array;
  try {
    bytes = base64ToBytes(text);
  } catch {
    bytes = new Uint8Array();
  }
  if (bytes.length !== 32)
    throw new InvalidInputError(
      'SERVICE_KEY_INVALID',
      `--public-key must be a base64 Ed25519 public key (32 bytes) or a file holding one: ${arg}`,
    );
  return text;
}

function permissionsFrom(o: { role?: string[]; permissions?: string }): string[] {
  const out = new Set<string>();
  for (const r of o.role ?? []) {
    const perms = (ROLES as Record<string, readonly string[]>)[r];
    if (!perms)
      throw new InvalidInputError(
        'ROLE_UNKNOWN',
        `--role ${r} is not a built-in role (${Object.keys(ROLES).join(', ')})`,
      );
    for (const p of perms) if (p !== 'access:self') out.add(p);
  }
  for (const p of (o.permissions ?? '').split(',').map((s) => s.trim())) if (p) out.add(p);
  if (out.size === 0)
    throw new InvalidInputError(
      'PERMISSIONS_REQUIRED',
      'give --role or --permissions: a service holds only what is written',
    );
  return [...out].sort();
}

export function accessServicesCommand(access: Command, globals: () => GlobalOptions): void {
  const service = access.command('service').description("services' request-signing keys (RFC 9421, Ed25519)");

  service
    .command('keygen')
    .description(
      'make an Ed25519 key pair for a service: the private key to a 0600 file, the public key printed',
    )
    .requiredOption(
      '--out <file>',
      'where to write the private key (base64, mode 0600); refuses to overwrite',
    )
    .action((o: { out: string }) => {
      if (existsSync(o.out))
        throw new InvalidInputError('FILE_EXISTS', `${o.out} exists; a key file is never overwritten`);
      const sk = ed25519.utils.randomSecretKey();
      const pk = bytesToBase64(ed25519.getPublicKey(sk));
      writeFileSync(o.out, `${bytesToBase64(sk)}\n`, { mode: 0o600, flag: 'wx' });
      writeFileSync(`${o.out}.pub`, `${pk}\n`, { flag: 'wx' });
      sk.fill(0);
      if (globals().json) printJson({ privateKeyFile: o.out, publicKeyFile: `${o.out}.pub`, publicKey: pk });
      else process.stdout.write(`private key: ${o.out} (0600)\npublic key:  ${pk}\n`);
    });

  service
    .command('add')
    .description('register a service key with exactly the permissions given (audited)')
    .argument('<service-id>', 'the service, e.g. signer-node-1')
    .requiredOption('--key-id <id>', 'the RFC 9421 keyid the service will sign with')
    .requiredOption('--public-key <base64|file>', 'its Ed25519 public key, or the .pub file keygen wrote')
    .option('--role <role>', 'grant a built-in role’s permissions (repeatable)', (v, a: string[] = []) => [
      ...a,
      v,
    ])
    .option('--permissions <a,b>', 'individual permissions, e.g. taxii:read')
    .action(
      async (
        serviceId: string,
        o: { keyId: string; publicKey: string; role?: string[]; permissions?: string },
      ) => {
        const publicKey = readPublicKey(o.publicKey);
        const permissions = permissionsFrom(o);
        const local = await openLocal(globals());
        try {
          const r = await registerServiceKey(local.ledger, {
            serviceId,
            keyId: o.keyId,
            publicKey,
            permissions,
            actor: actor(),
          });
          if (globals().json) printJson(r);
          else
            process.stdout.write(
              `registered ${r.keyId} for service ${r.serviceId}: ${r.permissions.join(', ')}\n`,
            );
        } finally {
          await local.close();
        }
      },
    );

  service
    .command('list')
    .description('every service key, active and revoked')
    .action(async () => {
      const local = await openLocal(globals());
      try {
        const keys = await listServiceKeys(local.ledger);
        if (globals().json) printJson(keys);
        else if (keys.length === 0) process.stdout.write('no service keys\n');
        else
          for (const k of keys)
            process.stdout.write(
              `${k.serviceId}  ${k.keyId}  ${k.revokedAt ? `revoked ${k.revokedAt}` : 'active'}  ${k.permissions.join(',')}\n`,
            );
      } finally {
        await local.close();
      }
    });

  service
    .command('revoke')
    .description('revoke a service key at once (audited); its next request is refused')
    .argument('<key-id>')
    .action(async (keyId: string) => {
      const local = await openLocal(globals());
      try {
        await revokeServiceKey(local.ledger, { keyId, actor: actor() });
        if (globals().json) printJson({ keyId, revoked: true });
        else process.stdout.write(`revoked ${keyId}\n`);
      } finally {
        await local.close();
      }
    });
}
