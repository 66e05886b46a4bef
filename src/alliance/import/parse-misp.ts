/**
 * MISP events (JSON export: `{ "Event": … }`, a list of them, or a REST `{ "response": [...] }`)
 * with `coin-address` objects (MISP/misp-objects `coin-address` v7: `address` (btc),
 * `address-crypto` (other chains), `address-xmr`, `symbol`, `first-seen`). Reason = the event's
 * `info`; TLP = the event's `tlp:*` tag (MISP's `tlp:white` is TLP 2.0 CLEAR). The shape is checked
 * with zod (a malformed event refuses the file); an unusable address rejects its attribute only.
 */
import { z } from 'zod';
import { InvalidInputError } from '../../core/index.ts';
import { checkAddress } from '../screening/address.ts';
import { parseTlp, type TlpLevel } from '../stix/tlp.ts';
import type { ImportDefaults, ParsedImport } from './types.ts';

const attribute = z.object({
  object_relation: z.string().nullable().optional(),
  type: z.string(),
  value: z.string(),
});
const object = z.object({
  name: z.string(),
  uuid: z.string().optional(),
  Attribute: z.array(attribute).default([]),
});
const event = z.object({
  info: z.string(),
  uuid: z.string().optional(),
  Object: z.array(object).default([]),
  Tag: z.array(z.object({ name: z.string() })).default([]),
});
const ADDRESS_RELATIONS = new Set(['address', 'address-crypto', 'address-xmr']);

export function parseMispEvents(text: string, d: ImportDefaults): ParsedImport {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InvalidInputError('IMPORT_JSON_INVALID', `not JSON: ${(e as Error).message}`);
  }
  // `{ Event }`, `[{ Event }…]` or `{ response: [{ Event }…] }`
  const wrappers: unknown[] = Array.isArray(json)
    ? json
    : json && typeof json === 'object' && Array.isArray((json as { response?: unknown }).response)
      ? (json as { response: unknown[] }).response
      : [json];
  const events = wrappers.map((w, i) => {
    const at = wrappers.length > 1 || Array.isArray(json) ? `[${i}].` : '';
    if (!w || typeof w !== 'object' || !('Event' in w))
      throw new InvalidInputError(
        'IMPORT_MISP_INVALID',
        `not a MISP event export: ${at || '(top)'} has no "Event"`,
      );
    const r = event.safeParse((w as { Event: unknown }).Event);
    if (!r.success) {
      const is = r.error.issues[0]!;
      throw new InvalidInputError(
        'IMPORT_MISP_INVALID',
        `not a MISP event export: ${at}Event.${is.path.join('.')}: ${is.message}`,
      );
    }
    return { Event: r.data };
  });
  const out: ParsedImport = { format: 'misp', entries: [], rejected: [], skipped: 0 };
  events.forEach(({ Event: ev }, e) => {
    const tags = ev.Tag.map((t) => t.name.toLowerCase()).filter((t) => t.startsWith('tlp:'));
    const levels = tags
      .map((t) => (t === 'tlp:white' ? 'clear' : parseTlp(t)))
      .filter((t): t is TlpLevel => !!t);
    const order = ['clear', 'green', 'amber', 'amber+strict', 'red'];
    const tlp = levels.sort((a, b) => order.indexOf(b) - order.indexOf(a))[0] ?? d.tlp;
    ev.Object.forEach((o, k) => {
      if (o.name !== 'coin-address') return;
      const where = `event ${events.length > 1 ? `${e} ` : ''}${ev.uuid ?? ''} Object[${k}]${o.uuid ? ` ${o.uuid}` : ''}`;
      const seen = o.Attribute.find((a) => a.object_relation === 'first-seen')?.value;
      const firstSeen =
        seen && !Number.isNaN(Date.parse(seen)) ? new Date(Date.parse(seen)).toISOString() : undefined;
      const symbol = o.Attribute.find((a) => a.object_relation === 'symbol')?.value;
      for (const a of o.Attribute) {
        if (!a.object_relation || !ADDRESS_RELATIONS.has(a.object_relation)) continue;
        if (a.object_relation === 'address-xmr') {
          out.rejected.push({
            where,
            input: a.value.slice(0, 120),
            reason: 'Monero addresses are not screened',
          });
          continue;
        }
        const c = checkAddress(a.value);
        if (!c.ok) out.rejected.push({ where, input: a.value.slice(0, 120), reason: c.reason });
        else
          out.entries.push({
            address: c.address,
            reason: `${d.reason}: ${ev.info}${symbol ? ` (${symbol})` : ''}`.slice(0, 500),
            confidence: d.confidence,
            tlp,
            objectId: o.uuid ? `misp-object:${o.uuid}` : null,
            ...(firstSeen ? { firstSeen } : {}),
          });
      }
    });
  });
  return out;
}
