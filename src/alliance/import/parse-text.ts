/**
 * Plain address lists (e.g. the FBI IC3 PSA 250226 list): one address per line; blank lines and
 * `#` comments ignored; EVM and Bitcoin addresses may be mixed. A line that is not a valid address
 * is rejected with its line number and the reason; the other lines load.
 */
import { checkAddress } from '../screening/address.ts';
import type { ImportDefaults, ParsedImport } from './types.ts';

export function parseAddressText(text: string, d: ImportDefaults): ParsedImport {
  const out: ParsedImport = { format: 'txt', entries: [], rejected: [], skipped: 0 };
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    const c = checkAddress(line);
    if (c.ok)
      out.entries.push({ address: c.address, reason: d.reason, confidence: d.confidence, tlp: d.tlp });
    else out.rejected.push({ line: i + 1, input: line.slice(0, 120), reason: c.reason });
  });
  return out;
}
