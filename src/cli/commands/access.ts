/** `rampart access …`: people and their access. */
import type { Command } from 'commander';
import {
  type AccessContext,
  baseUrlFor,
  enrollmentLink,
  issueFirstAdminEnrollment,
  relyingPartyFor,
} from '../../access/people/index.ts';
import { systemClock } from '../../core/index.ts';
import { type GlobalOptions, openLocal } from '../context.ts';
import { printJson } from '../output.ts';

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
}
