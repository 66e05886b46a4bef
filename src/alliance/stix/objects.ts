/**
 * Builders for the STIX 2.1 objects exchanges share (STIX 2.1 §4 SDOs, §5 SROs, §8 bundle).
 * Every builder returns a plain JSON object with the common properties (§3.2) filled in: a fresh
 * UUIDv4 id, `created` = `modified` = now in STIX timestamp form, spec_version 2.1. Builders do not
 * validate; `validateStixObject` / `validateBundle` do (every object Rampart emits goes through them).
 */

import { scoId, stixId, stixTimestamp } from './ids.ts';
import { addressPattern } from './pattern.ts';
import { TLP_MARKING_IDS, type TlpLevel } from './tlp.ts';

export type StixObject = { type: string; id: string; [k: string]: unknown };

export interface ExternalReference {
  source_name: string;
  description?: string;
  url?: string;
  external_id?: string;
}

/** Common properties of SDOs/SROs (§3.2). */
export interface CommonOptions {
  now?: Date;
  createdBy?: string;
  /** A TLP 2.0 level (its fixed OASIS id) or marking-definition ids. */
  tlp?: TlpLevel;
  markings?: string[];
  labels?: string[];
  confidence?: number;
  externalReferences?: ExternalReference[];
  /** Explicit id (e.g. a new version of an existing object keeps its id). */
  id?: string;
  created?: string;
}

export function common(type: string, o: CommonOptions = {}): StixObject {
  const now = stixTimestamp(o.now ?? new Date());
  const markings = [...(o.tlp ? [TLP_MARKING_IDS[o.tlp]] : []), ...(o.markings ?? [])];
  return {
    type,
    spec_version: '2.1',
    id: o.id ?? stixId(type),
    created: o.created ?? now,
    modified: now,
    ...(o.createdBy ? { created_by_ref: o.createdBy } : {}),
    ...(o.labels?.length ? { labels: o.labels } : {}),
    ...(o.confidence !== undefined ? { confidence: o.confidence } : {}),
    ...(o.externalReferences?.length ? { external_references: o.externalReferences } : {}),
    ...(markings.length ? { object_marking_refs: [...new Set(markings)] } : {}),
  };
}

const opt = <T>(k: string, v: T | undefined) => (v === undefined ? {} : { [k]: v });

export function identity(
  o: CommonOptions & {
    name: string;
    identityClass?: 'individual' | 'group' | 'system' | 'organization' | 'class' | 'unknown';
    sectors?: string[];
    contact?: string;
    description?: string;
  },
): StixObject {
  return {
    ...common('identity', o),
    name: o.name,
    identity_class: o.identityClass ?? 'organization',
    ...opt('sectors', o.sectors),
    ...opt('contact_information', o.contact),
    ...opt('description', o.description),
  };
}

export function indicator(
  o: CommonOptions & {
    pattern: string;
    patternType?: string;
    name?: string;
    description?: string;
    indicatorTypes?: string[];
    validFrom?: string;
    validUntil?: string;
  },
): StixObject {
  const base = common('indicator', o);
  return {
    ...base,
    ...opt('name', o.name),
    ...opt('description', o.description),
    indicator_types: o.indicatorTypes ?? ['malicious-activity'],
    pattern: o.pattern,
    pattern_type: o.patternType ?? 'stix',
    pattern_version: '2.1',
    valid_from: o.validFrom ?? (base['created'] as string),
    ...opt('valid_until', o.validUntil),
  };
}

/** An indicator whose pattern lists cryptocurrency addresses (`[cryptocurrency-wallet:value = '…']`). */
export function addressIndicator(
  o: CommonOptions & {
    addresses: readonly string[];
    name?: string;
    description?: string;
    validUntil?: string;
  },
): StixObject {
  return indicator({
    ...o,
    pattern: addressPattern(o.addresses),
    name:
      o.name ?? (o.addresses.length === 1 ? `Address ${o.addresses[0]}` : `${o.addresses.length} addresses`),
    indicatorTypes: ['malicious-activity', 'attribution'],
  });
}

/** The cryptocurrency-wallet SCO (muchdogesec extension), with its deterministic UUIDv5 id. */
export const WALLET_EXTENSION_ID = 'extension-definition--be78509e-6958-51b1-8b26-d17ee0eba2d7';
export function cryptocurrencyWallet(value: string, holderRef?: string): StixObject {
  return {
    type: 'cryptocurrency-wallet',
    spec_version: '2.1',
    id: scoId('cryptocurrency-wallet', { value }),
    value,
    ...opt('holder_ref', holderRef),
    extensions: { [WALLET_EXTENSION_ID]: { extension_type: 'new-sco' } },
  };
}

export function threatActor(
  o: CommonOptions & {
    name: string;
    description?: string;
    aliases?: string[];
    threatActorTypes?: string[];
    sophistication?: string;
    primaryMotivation?: string;
  },
): StixObject {
  return {
    ...common('threat-actor', o),
    name: o.name,
    ...opt('description', o.description),
    threat_actor_types: o.threatActorTypes ?? ['crime-syndicate'],
    ...opt('aliases', o.aliases),
    ...opt('sophistication', o.sophistication),
    ...opt('primary_motivation', o.primaryMotivation),
  };
}

export function intrusionSet(
  o: CommonOptions & { name: string; description?: string; aliases?: string[]; goals?: string[] },
): StixObject {
  return {
    ...common('intrusion-set', o),
    name: o.name,
    ...opt('description', o.description),
    ...opt('aliases', o.aliases),
    ...opt('goals', o.goals),
  };
}

export function attackPattern(
  o: CommonOptions & { name: string; description?: string; aliases?: string[] },
): StixObject {
  return {
    ...common('attack-pattern', o),
    name: o.name,
    ...opt('description', o.description),
    ...opt('aliases', o.aliases),
  };
}

export function campaign(
  o: CommonOptions & {
    name: string;
    description?: string;
    firstSeen?: string;
    lastSeen?: string;
    objective?: string;
  },
): StixObject {
  return {
    ...common('campaign', o),
    name: o.name,
    ...opt('description', o.description),
    ...opt('first_seen', o.firstSeen),
    ...opt('last_seen', o.lastSeen),
    ...opt('objective', o.objective),
  };
}

export function malware(
  o: CommonOptions & { name: string; isFamily?: boolean; malwareTypes?: string[]; description?: string },
): StixObject {
  return {
    ...common('malware', o),
    name: o.name,
    is_family: o.isFamily ?? false,
    ...opt('malware_types', o.malwareTypes),
    ...opt('description', o.description),
  };
}

export function report(
  o: CommonOptions & {
    name: string;
    objectRefs: string[];
    published?: string;
    reportTypes?: string[];
    description?: string;
  },
): StixObject {
  const base = common('report', o);
  return {
    ...base,
    name: o.name,
    ...opt('description', o.description),
    report_types: o.reportTypes ?? ['threat-report'],
    published: o.published ?? (base['created'] as string),
    object_refs: o.objectRefs,
  };
}

export function relationship(
  o: CommonOptions & { relationshipType: string; sourceRef: string; targetRef: string; description?: string },
): StixObject {
  return {
    ...common('relationship', o),
    relationship_type: o.relationshipType,
    source_ref: o.sourceRef,
    target_ref: o.targetRef,
    ...opt('description', o.description),
  };
}

export function sighting(
  o: CommonOptions & {
    sightingOfRef: string;
    whereSightedRefs?: string[];
    observedDataRefs?: string[];
    count?: number;
    firstSeen?: string;
    lastSeen?: string;
    description?: string;
  },
): StixObject {
  return {
    ...common('sighting', o),
    sighting_of_ref: o.sightingOfRef,
    ...opt('where_sighted_refs', o.whereSightedRefs),
    ...opt('observed_data_refs', o.observedDataRefs),
    ...opt('count', o.count),
    ...opt('first_seen', o.firstSeen),
    ...opt('last_seen', o.lastSeen),
    ...opt('description', o.description),
  };
}

export function courseOfAction(o: CommonOptions & { name: string; description?: string }): StixObject {
  return { ...common('course-of-action', o), name: o.name, ...opt('description', o.description) };
}

export function note(
  o: CommonOptions & { content: string; objectRefs: string[]; abstract?: string; authors?: string[] },
): StixObject {
  return {
    ...common('note', o),
    ...opt('abstract', o.abstract),
    content: o.content,
    ...opt('authors', o.authors),
    object_refs: o.objectRefs,
  };
}

/** A new version of an object (§3.6): same id and created, a later modified, changed properties. */
export function newVersion<T extends StixObject>(obj: T, changes: Partial<T>, now: Date = new Date()): T {
  const prev = Date.parse(obj['modified'] as string);
  const at = Math.max(now.getTime(), prev + 1);
  return { ...obj, ...changes, id: obj.id, created: obj['created'], modified: stixTimestamp(new Date(at)) };
}

export interface Bundle {
  type: 'bundle';
  id: string;
  objects: StixObject[];
}

export function bundle(objects: StixObject[]): Bundle {
  return { type: 'bundle', id: stixId('bundle'), objects };
}
