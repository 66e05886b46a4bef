/**
 * CSV address lists, header-aware (RFC 4180). The header names the columns:
 *   - the address: `address`, `addr`, `wallet` or `value` (required);
 *   - why: `reason`, else `role` and `note`/`description` joined (e.g. bybit-2025-address-roles.csv);
 *   - optional `confidence` (0..100), `tlp`, `first_seen`/`date`.
 * `where` keeps only rows whose column equals one of the values (`in_fbi_psa250226=yes`,
 * `role=attacker_eoa|laundering_tranche`): a roles file also lists the victims, who must not be
 * screened. Structural problems (no header, no address column, a row with the wrong number of
 * fields, an unknown `where` column) refuse the whole file; a bad address rejects its line only.
 */
import { InvalidInputError } from '../../core/index.ts';
import { checkAddress } from '../screening/address.ts';
import { parseTlp } from '../stix/tlp.ts';
import { parseCsv } from './csv.ts';
import type { ImportDefaults, ParsedImport } from './types.ts';

const ADDRESS_COLUMNS = ['address', 'addr', 'wallet', 'value'];

export function parseWhere(where: string): { column: string; values: string[] } {
  const m = /^([^=]+)=(.*)$/.exec(where);
  if (!m)
    throw new InvalidInputError(
      'IMPORT_WHERE_INVALID',
      `--where must be column=value[|value…], not "${where}"`,
    );
  return { column: m[1]!.trim().toLowerCase(), values: m[2]!.split('|').map((v) => v.trim()) };
}

export function parseAddressCsv(text: string, d: ImportDefaults, where?: string): ParsedImport {
  const records = parseCsv(text);
  const header = records.shift();
  if (!header) throw new InvalidInputError('IMPORT_CSV_INVALID', 'the CSV file is empty');
  const cols = header.fields.map((f) => f.trim().toLowerCase());
  const col = (...names: string[]) => names.map((n) => cols.indexOf(n)).find((i) => i >= 0) ?? -1;
  const addr = col(...ADDRESS_COLUMNS);
  if (addr < 0)
    throw new InvalidInputError(
      'IMPORT_CSV_INVALID',
      `line ${header.line}: no address column in the header (expected one of ${ADDRESS_COLUMNS.join(', ')}; found ${cols.join(', ')})`,
      { line: header.line },
    );
  const reasonCol = col('reason');
  const roleCol = col('role', 'category');
  const noteCol = col('note', 'description', 'label');
  const confCol = col('confidence');
  const tlpCol = col('tlp');
  const seenCol = col('first_seen', 'firstseen', 'date');
  const filter = where ? parseWhere(where) : undefined;
  const filterCol = filter ? cols.indexOf(filter.column) : -1;
  if (filter && filterCol < 0)
    throw new InvalidInputError(
      'IMPORT_WHERE_INVALID',
      `--where names column "${filter.column}", not in the header (${cols.join(', ')})`,
    );

  const out: ParsedImport = { format: 'csv', entries: [], rejected: [], skipped: 0 };
  for (const r of records) {
    if (r.fields.length !== cols.length)
      throw new InvalidInputError(
        'IMPORT_CSV_INVALID',
        `line ${r.line}: ${r.fields.length} fields, the header has ${cols.length}`,
        { line: r.line },
      );
    if (filter && !filter.values.includes(r.fields[filterCol]!.trim())) {
      out.skipped++;
      continue;
    }
    const input = r.fields[addr]!.trim();
    const c = checkAddress(input);
    if (!c.ok) {
      out.rejected.push({ line: r.line, input: input.slice(0, 120), reason: c.reason });
      continue;
    }
    const why =
      reasonCol >= 0
        ? r.fields[reasonCol]!.trim()
        : [roleCol >= 0 ? r.fields[roleCol]!.trim() : '', noteCol >= 0 ? r.fields[noteCol]!.trim() : '']
            .filter(Boolean)
            .join(': ');
    let confidence = d.confidence;
    if (confCol >= 0 && r.fields[confCol]!.trim() !== '') {
      const n = Number(r.fields[confCol]);
      if (!Number.isInteger(n) || n < 0 || n > 100) {
        out.rejected.push({
          line: r.line,
          input,
          reason: `confidence "${r.fields[confCol]}" is not an integer 0..100`,
        });
        continue;
      }
      confidence = n;
    }
    let tlp = d.tlp;
    if (tlpCol >= 0 && r.fields[tlpCol]!.trim() !== '') {
      const t = parseTlp(r.fields[tlpCol]!);
      if (!t) {
        out.rejected.push({
          line: r.line,
          input,
          reason: `TLP "${r.fields[tlpCol]}" is not a TLP 2.0 level`,
        });
        continue;
      }
      tlp = t;
    }
    let firstSeen: string | undefined;
    if (seenCol >= 0 && r.fields[seenCol]!.trim() !== '') {
      const t = Date.parse(r.fields[seenCol]!.trim());
      if (Number.isNaN(t)) {
        out.rejected.push({ line: r.line, input, reason: `date "${r.fields[seenCol]}" does not parse` });
        continue;
      }
      firstSeen = new Date(t).toISOString();
    }
    out.entries.push({
      address: c.address,
      reason: why ? `${d.reason}: ${why}`.slice(0, 500) : d.reason,
      confidence,
      tlp,
      ...(firstSeen ? { firstSeen } : {}),
    });
  }
  return out;
}
