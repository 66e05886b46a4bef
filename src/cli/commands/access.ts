/**
 * `rampart access …`: people and their access. Run on the server's machine, against its store; the
 * actor recorded in the ledger is `cli:<OS user>`, so four eyes over the CLI means two OS accounts.
 */
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { createRole, currentConditions, listRoles, setConditions } from '../../access/authz/index.ts';
import { createBreakGlass, listBreakGlass, revokeBreakGlass } from '../../access/break-glass/index.ts';
import {
  type AccessReview,
  accessReview,
  approveGrant,
  type Grant,
  listGrants,
  requestGrant,
  revokeGrant,
} from '../../access/grants/index.ts';
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
import { parseIntArg, printJson, UsageError } from '../output.ts';
import { grantLine, parseDuration, printReview } from './access-render.ts';
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
      'e.g. operator, auditor; a privileged role (approver, …) waits after enrollment for a second administrator (rampart access grant approve); administrator: not by invitation',
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

  const actor = () => `cli:${userInfo().username}`;
  /** Open the local store, run, close; print JSON or text. */
  const run =
    <A extends unknown[]>(
      fn: (local: Awaited<ReturnType<typeof openLocal>>, ...args: A) => Promise<unknown>,
      text: (r: never) => string,
    ) =>
    async (...args: A) => {
      const g = globals();
      const local = await openLocal(g);
      try {
        const r = await fn(local, ...args);
        if (g.json) printJson(r);
        else process.stdout.write(text(r as never));
      } finally {
        await local.close();
      }
    };
  const list = (s: string | undefined) =>
    (s ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);

  const roles = access.command('roles').description('roles: built-in and custom, with their permissions');
  roles
    .command('list')
    .description('every role and its permissions (privileged: granting it needs a second administrator)')
    .action(
      run(
        (l) => listRoles(l.ledger),
        (rs: Awaited<ReturnType<typeof listRoles>>) =>
          rs
            .map(
              (r) =>
                `${r.name}${r.builtin ? '' : ' (custom)'}${r.privileged ? ' [privileged]' : ''}\n  ${r.permissions.join(', ')}\n`,
            )
            .join(''),
      ),
    );
  roles
    .command('create <name>')
    .description('a custom role from known permissions; audited')
    .requiredOption('--permissions <a,b>', 'permission names, comma-separated')
    .option('--description <text>', 'what the role is for')
    .action(
      run(
        (l, name: string, o: { permissions: string; description?: string }) =>
          createRole(l.ledger, {
            name,
            permissions: list(o.permissions),
            actor: actor(),
            ...(o.description ? { description: o.description } : {}),
          }),
        (r: Awaited<ReturnType<typeof createRole>>) =>
          `Created role ${r.name}${r.privileged ? ' (privileged: its grants need a second administrator)' : ''}: ${r.permissions.join(', ')}\n`,
      ),
    );

  const grant = access
    .command('grant')
    .description(
      'grant a role to user:<person id> or service:<service id> (privileged roles wait for a second administrator)',
    )
    .argument('<principal>', 'user:<person id> or service:<service id>')
    .argument('<role>', 'a role name (rampart access roles list)')
    .option('--expires <when>', 'an ISO 8601 time, or a duration from now: 12h, 30d')
    .option('--reason <text>', 'why (kept in the ledger)')
    .action(
      run(
        (l, principal: string, role: string, o: { expires?: string; reason?: string }) =>
          requestGrant(l.ledger, {
            principal,
            role,
            actor: actor(),
            ...(o.expires ? { expiresAt: parseDuration(o.expires, l.ledger.clock.now()) } : {}),
            ...(o.reason ? { reason: o.reason } : {}),
          }),
        (g: Grant) =>
          g.status === 'pending'
            ? `Grant ${g.id} of ${g.role} to ${g.principal} is PENDING: a second administrator approves it with\n  rampart access grant approve ${g.id}\n`
            : `Granted ${g.role} to ${g.principal} (${g.id})${g.expiresAt ? ` until ${g.expiresAt}` : ''}\n`,
      ),
    );
  grant
    .command('approve <id>')
    .description('approve a pending grant (not the administrator who asked, not the grantee); audited')
    .action(
      run(
        (l, id: string) => approveGrant(l.ledger, { id, actor: actor() }),
        (g: Grant) => `Approved: ${g.role} for ${g.principal} is active (${g.id})\n`,
      ),
    );
  grant
    .command('revoke <id>')
    .description('revoke a pending or active grant; audited')
    .option('--reason <text>', 'why')
    .action(
      run(
        (l, id: string, o: { reason?: string }) =>
          revokeGrant(l.ledger, { id, actor: actor(), ...(o.reason ? { reason: o.reason } : {}) }),
        (g: Grant) => `Revoked ${g.role} for ${g.principal} (${g.id})\n`,
      ),
    );

  access
    .command('grants')
    .description('list grants')
    .option('--status <s>', 'pending, active, revoked or expired')
    .option('--principal <p>', 'only this principal')
    .action(
      run(
        async (l, o: { status?: string; principal?: string }) => {
          if (o.status && !['pending', 'active', 'revoked', 'expired', 'rejected'].includes(o.status))
            throw new UsageError(`--status must be pending, active, revoked or expired (got "${o.status}")`);
          return listGrants(l.ledger, {
            ...(o.status ? { status: o.status as Grant['status'] } : {}),
            ...(o.principal ? { principal: o.principal } : {}),
          });
        },
        (gs: Grant[]) => (gs.length ? gs.map((g) => `${grantLine(g)}\n`).join('') : 'No grants.\n'),
      ),
    );

  access
    .command('review')
    .description(
      'the access review: every grant with its last use; unused, expiring and pending flagged; break-glass alerts',
    )
    .option('--unused-days <n>', 'unused: never used, or not in this many days', '30')
    .option('--expiring-days <n>', 'expiring: ends within this many days', '7')
    .option('--all', 'include revoked and expired grants')
    .action(
      run(
        (l, o: { unusedDays: string; expiringDays: string; all?: boolean }) =>
          accessReview(l.ledger, {
            unusedDays: parseIntArg('--unused-days', o.unusedDays, 1)!,
            expiringDays: parseIntArg('--expiring-days', o.expiringDays, 0)!,
            all: Boolean(o.all),
          }),
        (r: AccessReview) => printReview(r),
      ),
    );

  const conditions = access
    .command('conditions')
    .description('conditions on permissions (evaluated with Cedar)');
  conditions
    .command('show')
    .description('the conditions in force and the Cedar policies they compile to')
    .action(
      run(
        (l) => currentConditions(l.ledger),
        (c: Awaited<ReturnType<typeof currentConditions>>) =>
          `Conditions v${c.seq} (${c.conditions.length}; digest ${c.digest.slice(0, 16)}…, set by ${c.setBy})\n\n${c.cedar}\n`,
      ),
    );
  conditions
    .command('set <file>')
    .description('replace the conditions with a JSON or YAML list; audited')
    .action(
      run(
        async (l, file: string) => {
          let text: string;
          try {
            text = readFileSync(file, 'utf8');
          } catch {
            throw new UsageError(`cannot read ${file}`);
          }
          let data: unknown;
          try {
            data = /\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text);
          } catch (e) {
            throw new UsageError(
              `${file} is not valid ${/\.ya?ml$/i.test(file) ? 'YAML' : 'JSON'}: ${(e as Error).message}`,
            );
          }
          return setConditions(l.ledger, { conditions: data, actor: actor() });
        },
        (c: Awaited<ReturnType<typeof setConditions>>) =>
          `Conditions v${c.seq} in force (${c.conditions.length}; digest ${c.digest.slice(0, 16)}…)\n`,
      ),
    );

  const glass = access
    .command('break-glass')
    .description('emergency accounts: sealed, time-limited, every use an alert');
  glass
    .command('create')
    .description('a break-glass account; its secret is printed ONCE: seal it offline')
    .option('--roles <a,b>', 'roles it holds', 'administrator')
    .option('--ttl <duration>', 'how long it works once first used (60s to 24h)', '1h')
    .option('--valid-days <n>', 'how long it can be opened, unused (1 to 366)', '90')
    .action(
      run(
        (l, o: { roles: string; ttl: string; validDays: string }) => {
          const now = l.ledger.clock.now();
          const ttlSeconds = Math.round((Date.parse(parseDuration(o.ttl, now)) - now.getTime()) / 1000);
          return createBreakGlass(l.ledger, {
            roles: list(o.roles),
            actor: actor(),
            ttlSeconds,
            validDays: parseIntArg('--valid-days', o.validDays, 1)!,
          });
        },
        (b: Awaited<ReturnType<typeof createBreakGlass>>) =>
          `Break-glass account ${b.id} (${b.roles.join(', ')}), can be opened until ${b.validUntil}, works ${b.ttlSeconds} s once opened.\n` +
          `Secret (shown once; every use raises an alert and a ledger entry):\n  ${b.secret}\n` +
          `Use: Authorization: Break-Glass <secret>\n`,
      ),
    );
  glass
    .command('list')
    .description('break-glass accounts and their state')
    .action(
      run(
        (l) => listBreakGlass(l.ledger),
        (bs: Awaited<ReturnType<typeof listBreakGlass>>) =>
          bs.length
            ? bs
                .map(
                  (b) =>
                    `${b.id}  ${b.state.padEnd(7)} roles ${b.roles.join(',')}  uses ${b.uses}${b.lastUsedAt ? ` (last ${b.lastUsedAt})` : ''}\n`,
                )
                .join('')
            : 'No break-glass accounts.\n',
      ),
    );
  glass
    .command('revoke <id>')
    .description('revoke a break-glass account and its grants; audited')
    .action(
      run(
        (l, id: string) => revokeBreakGlass(l.ledger, { id, actor: actor() }),
        (b: Awaited<ReturnType<typeof revokeBreakGlass>>) => `Revoked break-glass account ${b.id}\n`,
      ),
    );
}
