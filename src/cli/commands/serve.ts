import type { Command } from 'commander';
import { enrollmentLink, firstAdminEnrollmentIfNeeded } from '../../access/people/index.ts';
import { createRampart } from '../../server/app.ts';
import { seedDemoStore } from '../../server/demo-store.ts';
import { configFrom, type GlobalOptions } from '../context.ts';
import { parseIntArg } from '../output.ts';

export function serveCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('serve')
    .description('start Rampart: the API, the ledger tlog-tiles and witness endpoints, and the console')
    .option('--host <host>', 'address to listen on (default 127.0.0.1)')
    .option('--port <port>', 'port (default 8080)')
    .option('--demo', 'seed demo data into an empty store')
    .action(async (o: { host?: string; port?: string; demo?: boolean }) => {
      const config = configFrom(globals(), {
        'server.host': o.host,
        'server.port': parseIntArg('--port', o.port),
        demo: o.demo ? true : undefined,
      });
      const app = await createRampart(config, { logger: true });
      if (config.demo) {
        const seeded = await seedDemoStore(app.ledger, config.dataDir);
        if (seeded)
          app.http.log.info(
            `${seeded.resumed ? 'finished the interrupted demo' : 'seeded the demo'}: ${seeded.entries} ledger entries written, a demo proof of reserves (${seeded.users} users, ${seeded.attestations} attestations)`,
          );
      }
      const address = await app.http.listen({ host: config.server.host, port: config.server.port });
      const shown = config.server.publicUrl ?? address.replace('127.0.0.1', 'localhost');
      process.stderr.write(
        `\nRampart is running: console ${shown}/  ·  API ${shown}/api/v1/openapi.json  ·  store ${app.store.location}\n\n`,
      );
      // Nobody enrolled yet: a one-time link for the first administrator (a new one at every start).
      const enrollment = await firstAdminEnrollmentIfNeeded(app.access);
      if (enrollment)
        process.stderr.write(
          `Nobody is enrolled yet. The first administrator registers a passkey here (one use, until ${enrollment.expiresAt}):\n  ${enrollmentLink(app.baseUrl(), enrollment.token)}\n\n`,
        );
      let closing = false;
      const shutdown = (signal: string) => {
        if (closing) return;
        closing = true;
        app.http.log.info(`${signal}: finishing in-flight requests and checkpoints`);
        app.close().then(
          () => process.exit(0),
          (e) => {
            process.stderr.write(`shutdown failed: ${(e as Error).message}\n`);
            process.exit(1);
          },
        );
      };
      process.on('SIGINT', () => shutdown('SIGINT'));
      process.on('SIGTERM', () => shutdown('SIGTERM'));
    });
}
