/**
 * TLP 2.0 (FIRST, 2022) on the way out. Objects carry TLP as STIX marking-definition references
 * (`object_marking_refs`, and `granular_markings[].marking_ref`); the five TLP 2.0 definitions have
 * fixed ids (oasis-open/cti-stix-common-objects, extension-definition--60a3c5c5…), and the STIX 2.1
 * §7.2.1.4 TLP 1.0 ids are read too (WHITE as CLEAR).
 *
 * Rules: RED never leaves this member; AMBER and AMBER+STRICT go only to members whose right on the
 * collection reaches that level; GREEN to members with read access; CLEAR to anyone who may read the
 * collection. An object with several markings takes the most restrictive. An object with no TLP
 * marking is shared as AMBER (fail closed: nothing unmarked reaches the whole community by default),
 * except marking definitions themselves, which are CLEAR so that recipients can resolve markings.
 */
import { TLP_LEVELS, TLP_MARKING_IDS, type TlpLevel } from '../stix/tlp.ts';

/** The levels a member may be allowed to receive: RED is never one. */
export const SHAREABLE_TLP = ['clear', 'green', 'amber', 'amber+strict'] as const;
export type ShareableTlp = (typeof SHAREABLE_TLP)[number];

const BY_ID = new Map<string, TlpLevel>([
  ...TLP_LEVELS.map((level) => [TLP_MARKING_IDS[level], level] as const),
  // STIX 2.1 §7.2.1.4 (TLP 1.0)
  ['marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9', 'clear'],
  ['marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da', 'green'],
  ['marking-definition--f88d31f6-486f-44da-b317-01333bde0b82', 'amber'],
  ['marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed', 'red'],
]);

export function rank(level: TlpLevel): number {
  return TLP_LEVELS.indexOf(level);
}

export function isTlpLevel(s: string): s is TlpLevel {
  return (TLP_LEVELS as readonly string[]).includes(s);
}

export function isShareableTlp(s: string): s is ShareableTlp {
  return (SHAREABLE_TLP as readonly string[]).includes(s);
}

/** The TLP level an object is shared under (see the rules above). */
export function tlpOf(obj: Record<string, unknown>): TlpLevel {
  if (obj['type'] === 'marking-definition') return 'clear';
  const refs: unknown[] = [];
  if (Array.isArray(obj['object_marking_refs'])) refs.push(...obj['object_marking_refs']);
  if (Array.isArray(obj['granular_markings']))
    for (const g of obj['granular_markings'])
      if (g && typeof g === 'object') refs.push((g as Record<string, unknown>)['marking_ref']);
  let level: TlpLevel | undefined;
  for (const r of refs) {
    const l = typeof r === 'string' ? BY_ID.get(r) : undefined;
    if (l && (level === undefined || rank(l) > rank(level))) level = l;
  }
  return level ?? 'amber';
}

/** May an object at `level` go to a member whose right on the collection reaches `allowed`? */
export function mayShare(level: TlpLevel, allowed: ShareableTlp): boolean {
  if (level === 'red') return false;
  return rank(level) <= rank(allowed);
}

/** Every level at or below `allowed` (the SQL `IN` list for a member's reads). */
export function levelsUpTo(allowed: ShareableTlp): TlpLevel[] {
  return TLP_LEVELS.filter((l) => l !== 'red' && rank(l) <= rank(allowed));
}
