/**
 * STIX 2.1 bundles: indicators whose pattern lists cryptocurrency-wallet addresses become
 * listings (reason = the indicator's name, confidence = its confidence, TLP = its strictest TLP 2.0
 * marking, first seen = valid_from, object = its id). The whole bundle is validated first (schemas
 * and rules, see stix/validate.ts): one invalid object refuses the file, naming the object. Inside
 * valid indicators, an address that does not validate is rejected on its own.
 * Not imported (counted as skipped): revoked indicators, expired ones (valid_until passed), and
 * indicators of other observables. `fromStixObjects` is the same for objects pulled over TAXII.
 */
import { InvalidInputError } from '../../core/index.ts';
import { checkAddress } from '../screening/address.ts';
import type { StixObject } from '../stix/objects.ts';
import { addressesOfPattern } from '../stix/pattern.ts';
import { strictestTlp, type TlpLevel, tlpOfMarkingId } from '../stix/tlp.ts';
import { stixValidator } from '../stix/validate.ts';
import type { ImportDefaults, ParsedImport } from './types.ts';

export function tlpOfObject(o: StixObject): TlpLevel | undefined {
  const refs = Array.isArray(o['object_marking_refs']) ? (o['object_marking_refs'] as unknown[]) : [];
  return strictestTlp(
    refs.map((r) => tlpOfMarkingId(String(r))).filter((t): t is TlpLevel => t !== undefined),
  );
}

/** Listings from already-validated STIX objects. */
export function fromStixObjects(
  objects: readonly StixObject[],
  d: ImportDefaults,
  now: Date = new Date(),
): ParsedImport {
  const out: ParsedImport = { format: 'stix', entries: [], rejected: [], skipped: 0 };
  objects.forEach((o, i) => {
    if (o.type !== 'indicator' || o['pattern_type'] !== 'stix' || typeof o['pattern'] !== 'string') return;
    const where = `objects[${i}] ${o.id}`;
    const p = addressesOfPattern(o['pattern']);
    if (!p) {
      out.skipped++;
      return;
    }
    if (
      o['revoked'] === true ||
      (typeof o['valid_until'] === 'string' && Date.parse(o['valid_until']) <= now.getTime())
    ) {
      out.skipped++;
      return;
    }
    if (!p.screenable) {
      out.rejected.push({
        where,
        input: o['pattern'].slice(0, 120),
        reason:
          'the pattern combines wallets with AND, FOLLOWEDBY, NOT or qualifiers: not a list of addresses',
      });
      return;
    }
    const name = typeof o['name'] === 'string' ? o['name'] : o.id;
    const confidence = typeof o['confidence'] === 'number' ? o['confidence'] : d.confidence;
    const tlp = tlpOfObject(o) ?? d.tlp;
    const firstSeen =
      typeof o['valid_from'] === 'string' ? new Date(Date.parse(o['valid_from'])).toISOString() : undefined;
    for (const a of p.addresses) {
      const c = checkAddress(a);
      if (!c.ok) out.rejected.push({ where, input: a.slice(0, 120), reason: c.reason });
      else
        out.entries.push({
          address: c.address,
          reason: `${d.reason}: ${name}`.slice(0, 500),
          confidence,
          tlp,
          objectId: o.id,
          ...(firstSeen ? { firstSeen } : {}),
        });
    }
  });
  return out;
}

export function parseStixBundle(text: string, d: ImportDefaults, now: Date = new Date()): ParsedImport {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new InvalidInputError('IMPORT_JSON_INVALID', `not JSON: ${(e as Error).message}`);
  }
  // Addresses are checked one by one below (a bad one rejects itself, not the bundle).
  stixValidator().validateBundle(doc, { strictAddresses: false });
  return fromStixObjects(((doc as { objects?: StixObject[] }).objects ?? []) as StixObject[], d, now);
}
