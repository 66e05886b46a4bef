/**
 * `rampart alliance incident|member|collection …` (issue 7): declare, update and resolve incidents
 * and read their per-member timeline; admit members, set their Basic password and collection
 * rights; create TAXII collections. Every change is audited (ledger entry in the same transaction).
 */
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import {
  acknowledgementsByMember,
  declareIncident,
  getIncident,
  incidentTimeline,
  listIncidents,
  updateIncident,
} from '../../alliance/incidents/index.ts';
import {
  addMember,
  listMembers,
  removeMember,
  setCollectionRight,
  setMemberPassword,
} from '../../alliance/members/index.ts';
import {
  createApiRoot,
  createCollection,
  getApiRoot,
  isShareableTlp,
  isTlpLevel,
  listCollections,
} from '../../alliance/taxii/index.ts';
import { NotFoundError } from '../../core/index.ts';
import { type GlobalOptions, openLocal } from '../context.ts';
import { printJson, UsageError } from '../output.ts';

const cliActor = () => `cli:${userInfo().username}`;

/** Addresses from arguments and/or a file (one per line, `#` comments). */
function addressesFrom(args: string[], file: string | undefined): string[] {
  const out = [...args];
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
    }
    for (const line of text.split(/\r?\n/)) {
      const l = line.replace(/#.*$/, '').trim();
      if (l) out.push(l);
    }
  }
  return out;
}

function tlpArg(v: string): 'clear' | 'green' | 'amber' | 'amber+strict' | 'red' {
  const t = v.toLowerCase().replace(/^tlp:/, '');
  if (!isTlpLevel(t))
    throw new UsageError(`--tlp must be clear, green, amber, amber+strict or red (got ${v})`);
  return t;
}

async function withLedger<T>(
  globals: () => GlobalOptions,
  fn: (ctx: Awaited<ReturnType<typeof openLocal>>) => Promise<T>,
): Promise<T> {
  const ctx = await openLocal(globals());
  try {
    return await fn(ctx);
  } finally {
    await ctx.close();
  }
}

function printIncident(
  i: Awaited<ReturnType<typeof getIncident>> & object,
  members: ReturnType<typeof acknowledgementsByMember>,
): void {
  const lines = [
    `${i.title}`,
    `  id        ${i.id}`,
    `  status    ${i.status} (${i.origin === 'local' ? 'declared here' : `from ${i.origin}`}), TLP:${i.tlp.toUpperCase()}`,
    `  declared  ${i.declaredAt}   updated ${i.updatedAt}`,
    `  addresses ${i.addresses.length}`,
  ];
  if (i.origin === 'local') {
    lines.push(
      `  members   ${members.filter((m) => m.acknowledgedAt).length} of ${members.length} acknowledged`,
    );
    for (const m of members)
      lines.push(
        `    ${m.member.padEnd(20)} received ${m.receivedAt ?? '—'}   acknowledged ${m.acknowledgedAt ?? '—'}`,
      );
  } else lines.push(`  acknowledged ${i.acknowledgedAt ?? 'not yet'}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

export function allianceTaxiiCommands(alliance: Command, globals: () => GlobalOptions): void {
  const incident = alliance
    .command('incident')
    .description('incidents: declare, update, resolve, follow acknowledgements');

  incident
    .command('declare')
    .description(
      'declare an incident: a STIX report with the attacker addresses, published to the alliance collection; audited',
    )
    .argument('[address...]', 'attacker addresses')
    .requiredOption('--title <text>', 'what happened, in one line')
    .option('--addresses-file <file>', 'more addresses, one per line')
    .option('--description <text>', 'details')
    .option('--attack-pattern <name>', 'how it was done', 'Theft of funds')
    .option('--tlp <level>', 'TLP 2.0 marking: clear, green, amber, amber+strict, red', 'amber')
    .action(
      async (
        args: string[],
        o: {
          title: string;
          addressesFile?: string;
          description?: string;
          attackPattern: string;
          tlp: string;
        },
      ) => {
        const addresses = addressesFrom(args, o.addressesFile);
        if (addresses.length === 0)
          throw new UsageError('give at least one address (arguments or --addresses-file)');
        const tlp = tlpArg(o.tlp);
        await withLedger(globals, async ({ ledger }) => {
          const i = await declareIncident(
            ledger,
            {
              title: o.title,
              addresses,
              tlp,
              attackPattern: o.attackPattern,
              ...(o.description ? { description: o.description } : {}),
            },
            cliActor(),
          );
          if (globals().json) printJson(i);
          else
            process.stdout.write(
              `declared ${i.id}: ${i.addresses.length} addresses, TLP:${i.tlp.toUpperCase()}, published to collection ${i.collectionId}\n`,
            );
        });
      },
    );

  for (const [name, resolve] of [
    ['update', false],
    ['resolve', true],
  ] as const)
    incident
      .command(name)
      .description(
        resolve
          ? 'resolve an incident (a new version of its report); audited'
          : 'add addresses or change the description (a new version of the report); audited',
      )
      .argument('<id>', 'the incident (report--…)')
      .argument('[address...]', 'addresses to add')
      .option('--addresses-file <file>', 'more addresses, one per line')
      .option('--description <text>', 'new description')
      .action(async (id: string, args: string[], o: { addressesFile?: string; description?: string }) => {
        const addresses = addressesFrom(args, o.addressesFile);
        await withLedger(globals, async ({ ledger }) => {
          const i = await updateIncident(
            ledger,
            id,
            {
              ...(addresses.length ? { addresses } : {}),
              ...(o.description ? { description: o.description } : {}),
              resolve,
            },
            cliActor(),
          );
          if (globals().json) printJson(i);
          else process.stdout.write(`${i.id} ${i.status}: ${i.addresses.length} addresses\n`);
        });
      });

  incident
    .command('list')
    .description('incidents declared here or received from members, newest first')
    .action(async () => {
      await withLedger(globals, async ({ ledger }) => {
        const list = await listIncidents(ledger.store.db);
        const rows = await Promise.all(
          list.map(async (i) => ({
            ...i,
            members: acknowledgementsByMember(await incidentTimeline(ledger.store.db, i.id)),
          })),
        );
        if (globals().json) return printJson({ incidents: rows });
        if (rows.length === 0) return void process.stdout.write('no incidents\n');
        for (const i of rows)
          process.stdout.write(
            `${i.declaredAt}  ${i.status.padEnd(9)} TLP:${i.tlp.toUpperCase().padEnd(12)} ${i.origin === 'local' ? `acks ${i.members.filter((m) => m.acknowledgedAt).length}/${i.members.length}` : `from ${i.origin}`}  ${i.id}  ${i.title}\n`,
          );
      });
    });

  incident
    .command('show')
    .description('one incident: addresses, and per member when it was received and acknowledged')
    .argument('<id>', 'the incident (report--…)')
    .action(async (id: string) => {
      await withLedger(globals, async ({ ledger }) => {
        const i = await getIncident(ledger.store.db, id);
        if (!i) throw new NotFoundError('INCIDENT_NOT_FOUND', `no incident ${id}`);
        const timeline = await incidentTimeline(ledger.store.db, id);
        const members = acknowledgementsByMember(timeline);
        if (globals().json) printJson({ ...i, members, timeline });
        else printIncident(i, members);
      });
    });

  const member = alliance
    .command('member')
    .description('alliance members and their rights on this instance’s TAXII collections');
  member
    .command('add')
    .description('admit a member (HTTP Basic password from --password-env); audited')
    .argument('<id>', 'member id (lower case; also its service id for signed requests)')
    .requiredOption('--name <name>', 'organisation name')
    .option(
      '--password-env <VAR>',
      'environment variable holding its Basic password (at least 12 characters)',
    )
    .option('--identity <identity--uuid>', 'its STIX identity id')
    .action(async (id: string, o: { name: string; passwordEnv?: string; identity?: string }) => {
      const password = o.passwordEnv ? process.env[o.passwordEnv] : undefined;
      if (o.passwordEnv && !password) throw new UsageError(`${o.passwordEnv} is not set`);
      await withLedger(globals, async ({ ledger }) => {
        const m = await addMember(
          ledger,
          {
            id,
            name: o.name,
            ...(password ? { password } : {}),
            ...(o.identity ? { identity: o.identity } : {}),
          },
          cliActor(),
        );
        if (globals().json) printJson(m);
        else
          process.stdout.write(
            `member ${m.id} added (${m.hasPassword ? 'Basic password set' : 'no Basic password: signed requests only'})\n`,
          );
      });
    });
  member
    .command('password')
    .description("set a member's Basic password from an environment variable; audited")
    .argument('<id>')
    .requiredOption('--password-env <VAR>', 'environment variable holding the password')
    .action(async (id: string, o: { passwordEnv: string }) => {
      const password = process.env[o.passwordEnv];
      if (!password) throw new UsageError(`${o.passwordEnv} is not set`);
      await withLedger(globals, async ({ ledger }) => {
        await setMemberPassword(ledger, id, password, cliActor());
        if (globals().json) printJson({ ok: true });
        else process.stdout.write(`password of ${id} set\n`);
      });
    });
  member
    .command('rights')
    .description("set a member's right on a collection (both --no-read --no-write revokes); audited")
    .argument('<id>')
    .requiredOption('--collection <uuid>', 'the collection')
    .option('--no-read', 'no read access')
    .option('--write', 'may add objects (acknowledgements need it)')
    .option('--tlp-max <level>', 'highest TLP it may receive: clear, green, amber, amber+strict', 'green')
    .action(async (id: string, o: { collection: string; read: boolean; write?: boolean; tlpMax: string }) => {
      const tlpMax = o.tlpMax.toLowerCase().replace(/^tlp:/, '');
      if (!isShareableTlp(tlpMax))
        throw new UsageError('--tlp-max must be clear, green, amber or amber+strict (RED is never shared)');
      await withLedger(globals, async ({ ledger }) => {
        await setCollectionRight(
          ledger,
          id,
          { collectionId: o.collection, canRead: o.read, canWrite: Boolean(o.write), tlpMax },
          cliActor(),
        );
        if (globals().json) printJson({ ok: true });
        else
          process.stdout.write(
            `${id} on ${o.collection}: ${o.read ? 'read' : 'no read'}, ${o.write ? 'write' : 'no write'}, up to TLP:${tlpMax.toUpperCase()}\n`,
          );
      });
    });
  member
    .command('remove')
    .description('remove a member and its rights; audited')
    .argument('<id>')
    .action(async (id: string) => {
      await withLedger(globals, async ({ ledger }) => {
        await removeMember(ledger, id, cliActor());
        if (globals().json) printJson({ ok: true });
        else process.stdout.write(`member ${id} removed\n`);
      });
    });
  member
    .command('list')
    .description('members and their rights')
    .action(async () => {
      await withLedger(globals, async ({ ledger }) => {
        const members = await listMembers(ledger.store.db);
        if (globals().json) return printJson({ members });
        if (members.length === 0) return void process.stdout.write('no members\n');
        for (const m of members) {
          process.stdout.write(`${m.id}  ${m.name}  ${m.hasPassword ? 'Basic' : 'signed only'}\n`);
          for (const r of m.rights)
            process.stdout.write(
              `    ${r.collectionId}  ${r.canRead ? 'read' : '-'} ${r.canWrite ? 'write' : '-'}  up to TLP:${r.tlpMax.toUpperCase()}\n`,
            );
        }
      });
    });

  const collection = alliance.command('collection').description("this instance's TAXII collections");
  collection
    .command('create')
    .description('create a collection (and its API root if new); audited')
    .requiredOption('--title <text>')
    .option('--api-root <name>', 'API root', 'alliance')
    .option('--description <text>')
    .action(async (o: { title: string; apiRoot: string; description?: string }) => {
      await withLedger(globals, async ({ ledger }) => {
        if (!(await getApiRoot(ledger.store.db, o.apiRoot)))
          await createApiRoot(
            ledger,
            { name: o.apiRoot, title: `Rampart alliance (${o.apiRoot})` },
            cliActor(),
          );
        const c = await createCollection(
          ledger,
          { apiRoot: o.apiRoot, title: o.title, ...(o.description ? { description: o.description } : {}) },
          cliActor(),
        );
        if (globals().json) printJson(c);
        else process.stdout.write(`collection ${c.id} in /taxii2/${c.apiRoot}/\n`);
      });
    });
  collection
    .command('list')
    .description('collections served under /taxii2/')
    .action(async () => {
      await withLedger(globals, async ({ ledger }) => {
        const cols = await listCollections(ledger.store.db);
        if (globals().json) return printJson({ collections: cols });
        for (const c of cols) process.stdout.write(`${c.id}  /taxii2/${c.apiRoot}/  ${c.title}\n`);
        if (cols.length === 0) process.stdout.write('no collections\n');
      });
    });
}

/**
 * `rampart alliance` for the TAXII side: attaches to the alliance command if one is registered
 * (the screening and import commands), else makes it; never twice.
 */
export function allianceTaxiiCommand(program: Command, globals: () => GlobalOptions): void {
  const alliance =
    program.commands.find((c) => c.name() === 'alliance') ??
    program.command('alliance').description('the security alliance: TAXII, members, incidents, screening');
  if (alliance.commands.some((c) => c.name() === 'incident')) return;
  allianceTaxiiCommands(alliance, globals);
}
