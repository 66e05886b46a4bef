/**
 * Everything issue 7 serves over HTTP, as one plugin for the server to register: the TAXII 2.1
 * server (/taxii2/), alliance members (/api/v1/alliance/members) and incidents
 * (/api/v1/alliance/incidents). The incidents module observes TAXII traffic to record deliveries
 * and acknowledgements.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Ledger } from '../../ledger/index.ts';
import { incidentObserver } from '../incidents/observer.ts';
import { incidentRoutes } from '../incidents/routes.ts';
import { memberRoutes } from '../members/routes.ts';
import { stixValidator } from '../stix/index.ts';
import { taxiiRoutes } from './routes.ts';
import { defaultStixValidator, installStixValidator } from './validator.ts';

// Every object accepted over TAXII is checked against the OASIS STIX 2.1 schemas (Ajv).
installStixValidator((o) =>
  stixValidator()
    .check(o)
    .map((i) => i.message),
);

export const allianceTaxiiHttp: FastifyPluginAsync<{ ledger: Ledger }> = async (app, { ledger }) => {
  await app.register(taxiiRoutes, {
    prefix: '/taxii2',
    ledger,
    validate: defaultStixValidator(),
    observer: incidentObserver(ledger),
  });
  await app.register(memberRoutes, { ledger });
  await app.register(incidentRoutes, { ledger });
};
