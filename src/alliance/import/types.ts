/** What every import parser yields: listings to add, and the lines/objects it could not use. */
import type { NewListing } from '../screening/set.ts';

export const IMPORT_FORMATS = ['txt', 'csv', 'stix', 'misp'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export interface Rejected {
  /** 1-based line of the file (txt, csv). */
  line?: number;
  /** Where in a JSON document (`objects[3]`, `Event.Object[2]`) and the STIX/MISP id. */
  where?: string;
  input: string;
  reason: string;
}

export interface ParsedImport {
  format: ImportFormat;
  entries: NewListing[];
  rejected: Rejected[];
  /** Items deliberately not imported (victims in a roles CSV, revoked indicators…), with why. */
  skipped: number;
}

/** Defaults a file does not say itself (from the command line or API body). */
export interface ImportDefaults {
  reason: string;
  confidence: number | null;
  tlp: import('../stix/tlp.ts').TlpLevel | null;
}
