/**
 * TLP 2.0 marking definitions (FIRST TLP 2.0; OASIS cti-stix-common-objects). The five ids and
 * objects are fixed by OASIS: every member refers to the same ids, so a marking is recognised by id
 * alone (STIX 2.1 §7.2.1.4 for the TLP 1.0 analogue).
 */
export const TLP_EXTENSION_ID = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';

export const TLP_LEVELS = ['clear', 'green', 'amber', 'amber+strict', 'red'] as const;
export type TlpLevel = (typeof TLP_LEVELS)[number];

export const TLP_MARKING_IDS: Readonly<Record<TlpLevel, string>> = {
  clear: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  green: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  amber: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'amber+strict': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  red: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
};

export interface TlpMarkingDefinition {
  [k: string]: unknown;
  type: 'marking-definition';
  spec_version: '2.1';
  id: string;
  created: string;
  name: string;
  extensions: Record<string, { extension_type: 'property-extension'; tlp_2_0: TlpLevel }>;
}

/** The OASIS object for a TLP 2.0 level, exactly as published (created 2022-10-01). */
export function tlpMarking(level: TlpLevel): TlpMarkingDefinition {
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: TLP_MARKING_IDS[level],
    created: '2022-10-01T00:00:00.000Z',
    name: `TLP:${level.toUpperCase()}`,
    extensions: { [TLP_EXTENSION_ID]: { extension_type: 'property-extension', tlp_2_0: level } },
  };
}

/** `TLP:AMBER+STRICT`, `amber+strict`, `AMBER_STRICT`… → the level, or undefined. */
export function parseTlp(s: string): TlpLevel | undefined {
  const v = s
    .trim()
    .toLowerCase()
    .replace(/^tlp:/, '')
    .replace(/[_ ]strict$/, '+strict');
  return (TLP_LEVELS as readonly string[]).includes(v) ? (v as TlpLevel) : undefined;
}

/** The TLP level a marking-definition id stands for, or undefined if it is not a TLP 2.0 id. */
export function tlpOfMarkingId(id: string): TlpLevel | undefined {
  for (const l of TLP_LEVELS) if (TLP_MARKING_IDS[l] === id) return l;
  return undefined;
}

/** Most restrictive first: when an object carries several TLP markings, the strictest wins. */
export function strictestTlp(levels: Iterable<TlpLevel>): TlpLevel | undefined {
  let best = -1;
  for (const l of levels) best = Math.max(best, TLP_LEVELS.indexOf(l));
  return best < 0 ? undefined : TLP_LEVELS[best];
}
