import type { Command } from 'commander';
import { seedDemo } from '../../server/demo.ts';
import { type GlobalOptions, openLocal } from '../context.ts';
import { parseIntArg, printJson } from '../output.ts';

export function demoCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('demo')
    .description('seed demo data into an empty local store; --stream keeps appending demo events')
    .option('--entries <n>', 'how many demo entries to seed (default 60)')
    .option(
      '--stream',
      'after seeding, append one audited demo event per transaction, printing "ack <index>" as each commits',
    )
    .option('--count <n>', 'with --stream: stop after this many (default: until killed)')
    .action(async (o: { entries?: string; stream?: boolean; count?: string }) => {
      const g = globals();
      const ctx = await openLocal(g);
      try {
        ctx.ledger.start();
        const seeded = await seedDemo(ctx.ledger, { entries: parseIntArg('--entries', o.entries, 1) });
        if (!o.stream) {
          const size = await ctx.ledger.size();
          if (g.json) printJson({ seeded, size });
          else
            process.stdout.write(
              seeded
                ? `seeded ${seeded} demo entries (log size ${size})\n`
                : `store not empty (log size ${size}); nothing seeded\n`,
            );
          return;
        }
        const count = parseIntArg('--count', o.count, 1) ?? Number.POSITIVE_INFINITY;
        for (let i = 0; i < count; i++) {
          const key = `demo.stream.${i % 16}`;
          const { index } = await ctx.ledger.record(
            {
              actor: 'system',
              action: 'settings.changed',
              subject: key,
              payload: { demo: true, key, value: String(i) },
            },
            async (db) => {
              await db
                .insertInto('settings')
                .values({ key, value: String(i), updated_at: new Date().toISOString(), updated_by: 'system' })
                .onConflict((oc) => oc.column('key').doUpdateSet({ value: String(i) }))
                .execute();
            },
          );
          // Acknowledged only after commit: a line printed here must survive any crash.
          process.stdout.write(`ack ${index}\n`);
        }
      } finally {
        await ctx.close();
      }
    });
}
