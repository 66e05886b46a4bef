/**
 * `rampart alliance import` / the import API: parse a file in one of four formats, then list its
 * addresses under one source in one audited transaction.
 *
 * All or nothing for the file's structure: unreadable JSON, a STIX bundle with an invalid object,
 * a CSV row with the wrong number of fields refuse the whole file and nothing is listed. Address by
 * address for content: a line or attribute that is not a valid address is rejected with its line
 * number (or object) and the reason, and the rest loads — the MSMT Annex 6 list loads 148 and
 * reports line 69 — unless `strict` is set, when any rejected line refuses the file. A file that
 * yields no address at all is refused. The ledger entry records the source, format, counts, the
 * rejected lines and the addresses (or their digest).
 */
import { InvalidInputError } from '../../core/index.ts';
import type { ListResult, ScreeningSet } from '../screening/set.ts';
import type { TlpLevel } from '../stix/tlp.ts';
import { parseAddressCsv } from './parse-csv.ts';
import { parseMispEvents } from './parse-misp.ts';
import { parseStixBundle } from './parse-stix.ts';
import { parseAddressText } from './parse-text.ts';
import { IMPORT_FORMATS, type ImportFormat, type ParsedImport, type Rejected } from './types.ts';

export interface ImportRequest {
  text: string;
  format?: ImportFormat;
  /** For format detection and the ledger entry. */
  fileName?: string;
  source: string;
  reason?: string;
  confidence?: number | null;
  tlp?: TlpLevel | null;
  /** CSV only: `column=value[|value…]`. */
  where?: string;
  strict?: boolean;
  actor: string;
  now?: Date;
  onProgress?: (done: number, total: number) => void;
}

export interface ImportOutcome extends ListResult {
  format: ImportFormat;
  listed: number;
  rejected: Rejected[];
  skipped: number;
}

/** From the extension, else from the content (JSON bundle → stix, JSON with Event → misp). */
export function detectFormat(fileName: string | undefined, text: string): ImportFormat {
  const ext = fileName?.toLowerCase().match(/\.([a-z]+)$/)?.[1];
  if (ext === 'csv') return 'csv';
  if (ext === 'txt' || ext === 'lst' || ext === 'list') return 'txt';
  const head = text.trimStart().slice(0, 4096);
  if (head.startsWith('{') || head.startsWith('[')) {
    if (/"type"\s*:\s*"bundle"/.test(head)) return 'stix';
    if (/"(Event|response)"\s*:/.test(head)) return 'misp';
    throw new InvalidInputError(
      'IMPORT_FORMAT_UNKNOWN',
      'a JSON file that is neither a STIX bundle nor a MISP event: pass --format',
    );
  }
  return 'txt';
}

export function parseImport(req: Omit<ImportRequest, 'actor'>): ParsedImport {
  const format = req.format ?? detectFormat(req.fileName, req.text);
  if (!(IMPORT_FORMATS as readonly string[]).includes(format))
    throw new InvalidInputError(
      'IMPORT_FORMAT_UNKNOWN',
      `format must be one of ${IMPORT_FORMATS.join(', ')}`,
    );
  if (req.where && format !== 'csv')
    throw new InvalidInputError('IMPORT_WHERE_INVALID', '--where applies to CSV files only');
  if (
    req.confidence !== undefined &&
    req.confidence !== null &&
    !(Number.isInteger(req.confidence) && req.confidence >= 0 && req.confidence <= 100)
  )
    throw new InvalidInputError('IMPORT_CONFIDENCE_INVALID', 'confidence must be an integer 0..100');
  const d = { reason: req.reason ?? req.source, confidence: req.confidence ?? null, tlp: req.tlp ?? null };
  switch (format) {
    case 'txt':
      return parseAddressText(req.text, d);
    case 'csv':
      return parseAddressCsv(req.text, d, req.where);
    case 'stix':
      return parseStixBundle(req.text, d, req.now);
    case 'misp':
      return parseMispEvents(req.text, d);
  }
}

function describe(r: Rejected): string {
  return `${r.line !== undefined ? `line ${r.line}` : (r.where ?? '?')}: "${r.input}": ${r.reason}`;
}

export async function importList(set: ScreeningSet, req: ImportRequest): Promise<ImportOutcome> {
  const parsed = parseImport(req);
  if (req.strict && parsed.rejected.length)
    throw new InvalidInputError(
      'IMPORT_REJECTED',
      `${parsed.rejected.length} invalid address(es), nothing imported (--strict); first: ${describe(parsed.rejected[0]!)}`,
      { rejected: parsed.rejected.slice(0, 100) },
    );
  if (parsed.entries.length === 0)
    throw new InvalidInputError(
      'IMPORT_EMPTY',
      parsed.rejected.length
        ? `no valid address in the file; first problem: ${describe(parsed.rejected[0]!)}`
        : 'the file holds no address to import',
      { rejected: parsed.rejected.slice(0, 100), skipped: parsed.skipped },
    );
  const r = await set.list(parsed.entries, {
    source: req.source,
    actor: req.actor,
    action: 'alliance.screening.imported',
    ...(req.onProgress ? { onProgress: req.onProgress } : {}),
    details: {
      format: parsed.format,
      ...(req.fileName ? { file: req.fileName.split('/').pop()!.slice(0, 200) } : {}),
      rejected: parsed.rejected.length,
      skipped: parsed.skipped,
      rejectedLines: parsed.rejected.slice(0, 20).map(describe),
    },
  });
  return {
    ...r,
    format: parsed.format,
    listed: parsed.entries.length,
    rejected: parsed.rejected,
    skipped: parsed.skipped,
  };
}

export { describe as describeRejected };
