/** What screening one address answers (the API and CLI body). Pure. */
import { type AddressChain, type AddressKind, checkAddress, evmKeyInto, MAX_KEY_BYTES } from './address.ts';
import type { AddressTable, Listing } from './table.ts';

export interface ListingJson {
  source: string;
  reason: string;
  listedBy: string;
  confidence: number | null;
  tlp: string | null;
  objectId: string | null;
  firstSeen: string;
}

export type ScreenResult =
  | {
      input: string;
      valid: true;
      address: string;
      canonical: string;
      chain: AddressChain;
      kind: AddressKind;
      listed: boolean;
      listings: ListingJson[];
    }
  | { input: string; valid: false; listed: false; error: { code: 'ADDRESS_INVALID'; message: string } };

export function listingToJson(l: Listing): ListingJson {
  return {
    source: l.source,
    reason: l.reason,
    listedBy: l.listedBy,
    confidence: l.confidence,
    tlp: l.tlp,
    objectId: l.objectId,
    firstSeen: new Date(l.firstSeen).toISOString(),
  };
}

export function screenOne(table: AddressTable, input: string): ScreenResult {
  const c = checkAddress(input);
  if (!c.ok)
    return {
      input,
      valid: false,
      listed: false,
      error: {
        code: 'ADDRESS_INVALID',
        message: `"${input.slice(0, 100)}" is not a valid address: ${c.reason}`,
      },
    };
  const a = c.address;
  const row = table.find(a.key);
  const listings = row < 0 ? [] : table.listings(row).map(listingToJson);
  return {
    input,
    valid: true,
    address: a.display,
    canonical: a.canonical,
    chain: a.chain,
    kind: a.kind,
    listed: listings.length > 0,
    listings,
  };
}

const scratch = new Uint8Array(MAX_KEY_BYTES);
/**
 * Membership only, for the custody guard's hot loop: a 0x address in any case goes straight to its
 * key (custody already checked its syntax); anything else through full validation.
 */
export function isListedIn(table: AddressTable, address: string): boolean {
  if (evmKeyInto(address, scratch) === 21) return table.find(scratch, 21) >= 0;
  const c = checkAddress(address);
  return c.ok && table.find(c.address.key) >= 0;
}
