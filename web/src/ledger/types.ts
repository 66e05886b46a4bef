/** The ledger API's answers, as the console reads them (see src/ledger routes). */

export interface CheckpointDto {
  origin: string;
  size: number;
  /** Base64 root hash, as the server states it; the console trusts only the signed note. */
  root: string;
  /** The full signed note text. */
  note: string;
  time: string;
}

export interface LogKeyDto {
  origin: string;
  /** Verifier key `name+hash+base64`. */
  key: string;
}

export interface EntryDto {
  index: number;
  time: string;
  actor: string;
  action: string;
  subject: string;
  payload: unknown;
  /** The RFC 8785 canonical JSON that is the Merkle leaf data. */
  entry: string;
  /** Base64 leaf hash as the server recorded it. */
  leafHash: string;
}

export interface EntriesPageDto {
  /** Entries in the log now (not only in the latest checkpoint). */
  size: number;
  entries: EntryDto[];
}

export interface InclusionProofDto {
  index: number;
  size: number;
  leafHash: string;
  proof: string[];
}
