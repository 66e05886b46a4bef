import type { Migration } from 'kysely';
import type { Dialect } from '../dialect.ts';
import { ledgerMigration } from './0001-ledger.ts';
import { settingsMigration } from './0002-settings.ts';
import { accessMigration } from './0003-access.ts';
import { custodyMigration } from './0004-custody.ts';
import { custodyRequestsMigration } from './0005-custody-requests.ts';
import { servicesMigration } from './0006-services.ts';
import { custodyPolicyMigration } from './0007-custody-policy.ts';
import { accessGrantsMigration } from './0008-access-grants.ts';
import { accessStepUpMigration } from './0009-access-stepup.ts';
import { allianceScreeningMigration } from './0010-alliance-screening.ts';
import { allianceTaxiiMigration } from './0011-alliance-taxii.ts';
import { reservesMigration } from './0012-reserves.ts';
import { reservesAttestationsMigration } from './0013-reserves-attestations.ts';
import { signingMigration } from './0014-signing.ts';

/**
 * Every migration, in order. Names are permanent: a released migration is never edited,
 * only followed by a new one. Later modules append theirs here.
 */
export function allMigrations(dialect: Dialect): Record<string, Migration> {
  return {
    '0001-ledger': ledgerMigration(dialect),
    '0002-settings': settingsMigration(dialect),
    '0003-access': accessMigration(dialect),
    '0004-custody': custodyMigration(dialect),
    '0005-custody-requests': custodyRequestsMigration(dialect),
    '0006-services': servicesMigration(dialect),
    '0007-custody-policy': custodyPolicyMigration(dialect),
    '0014-signing': signingMigration(dialect),
    '0008-access-grants': accessGrantsMigration(dialect),
    '0011-alliance-taxii': allianceTaxiiMigration(dialect),
    '0009-access-stepup': accessStepUpMigration(dialect),
    '0010-alliance-screening': allianceScreeningMigration(dialect),
    '0013-reserves-attestations': reservesAttestationsMigration(dialect),
    '0012-reserves': reservesMigration(dialect),
  };
}
