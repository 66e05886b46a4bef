/** The Alliance page's calls: incidents, the feed, screening, declaring. */
import { getJson, isRecord, postJson } from '../api.ts';

export interface MemberAck {
  member: string;
  receivedAt: string | null;
  acknowledgedAt: string | null;
}

export interface Incident {
  id: string;
  origin: string;
  title: string;
  status: string;
  tlp: string;
  addresses: string[];
  description: string | null;
  declaredAt: string;
  updatedAt: string;
  acknowledgedAt: string | null;
  members: MemberAck[];
}

export interface FeedObject {
  source: string;
  id: string;
  type: string;
  tlp: string;
  receivedAt: string;
  name: string | null;
}

export interface FeedSource {
  source: string;
  url: string;
  lastPollAt: string | null;
  lastError: string | null;
  failures: number;
}

export interface ScreenResult {
  input: string;
  valid: boolean;
  listed: boolean;
  canonical?: string;
  chain?: string;
  listings?: {
    source: string;
    reason: string;
    listedBy: string;
    confidence: number | null;
    tlp: string | null;
  }[];
  error?: { code: string; message: string };
}

export async function fetchIncidents(signal?: AbortSignal): Promise<Incident[]> {
  const r = await getJson('/api/v1/alliance/incidents', signal);
  return isRecord(r) && Array.isArray(r['incidents']) ? (r['incidents'] as Incident[]) : [];
}

export async function fetchFeed(
  signal?: AbortSignal,
): Promise<{ objects: FeedObject[]; sources: FeedSource[] }> {
  const r = await getJson('/api/v1/alliance/feed?limit=50', signal);
  return isRecord(r)
    ? (r as unknown as { objects: FeedObject[]; sources: FeedSource[] })
    : { objects: [], sources: [] };
}

export async function declareIncident(body: {
  title: string;
  description?: string;
  addresses: string[];
  tlp: string;
}): Promise<Incident> {
  return (await postJson('/api/v1/alliance/incidents', body)) as Incident;
}

export async function screen(addresses: string[]): Promise<ScreenResult[]> {
  const r = await postJson('/api/v1/alliance/screen', { addresses });
  return isRecord(r) && Array.isArray(r['results']) ? (r['results'] as ScreenResult[]) : [];
}

/** Addresses typed or pasted: one per line, or separated by commas or spaces. */
export function parseAddresses(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,;]+/)
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
}
