import type { Ledger } from '../../ledger/index.ts';
import type { TaxiiObserver } from '../taxii/routes.ts';

export function incidentObserver(_ledger: Ledger): TaxiiObserver {
  return {};
}
