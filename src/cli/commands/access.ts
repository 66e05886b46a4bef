/** `rampart access …`: people and their access. */
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import {
  type AccessContext,
  baseUrlFor,
  enrollmentLink,
  issueFirstAdminEnrollment,
  issueInvitation,
  relyingPartyFor,
} from '../../access/people/index.ts';
import { systemClock } from '../../core/index.ts';
import { type GlobalOptions, openLocal } from '../context.ts';
import { printJson } from '../output.ts';
import { accessServicesCommand } from './access-services.ts';

export function accessCommand(program: Command, globals: () => GlobalOptions): void {
  const access = program.command('access').description('people, passkeys and roles');

  access
    .command('enroll-link')
    .description(
      'make a new one-time link for the first administrator (only while nobody is enrolled; it replaces earlier ones)',
    )
    .action(async () => {
      const g = globals();
      const local = await openLocal(g);
      try {
        const base = baseUrlFor(local.config.server.publicUrl, local.config.server.port);
        const ctx: AccessContext = {
          ledger: local.ledger,
          clock: systemClock,
          relyingParty: () => relyingPartyFor(base),
        };
        const issued = await issueFirstAdminEnrollment(ctx, 'cli:enroll-link');
        const link = enrollmentLink(base, issued.token);
        if (g.json) printJson({ link, expiresAt: issued.expiresAt });
        else
          process.stdout.write(
            `One-time enrollment link for the first administrator (valid until ${issued.expiresAt}):\n  ${link}\n`,
          );
      } finally {
        await local.close();
      }
    });

  access
    .command('invite')
    .description('a one-time enrollment link (24 h) for a new person with the given roles; audited')
    .requiredOption(
      '--roles <a,b>',
      'operator, approver, auditor (administrator needs a second administrator: not by invitation)',
    )
    .action(async (o: { roles: string }) => {
      const g = globals();
      const local = await openLocal(g);
      try {
        const base = baseUrlFor(local.config.server.publicUrl, local.config.server.port);
        const ctx: AccessContext = {
          ledger: local.ledger,
          clock: systemClock,
          relyingParty: () => relyingPartyFor(base),
        };
        const roles = o.roles
          .split(',')
          .map((r) => r.trim())
          .filter(Boolean);
        const issued = await issueInvitation(ctx, { roles, actor: `cli:${userInfo().username}` });
        const link = enrollmentLink(base, issued.token);
        if (g.json) printJson({ link, roles: [...new Set(roles)].sort(), expiresAt: issued.expiresAt });
        else
          process.stdout.write(
            `One-time enrollment link (${roles.join(', ')}; valid until ${issued.expiresAt}):\n  ${link}\n`,
          );
      } finally {
        await local.close();
      }
    });

  accessServicesCommand(access, globals);
}
