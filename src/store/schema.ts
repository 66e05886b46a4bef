/**
 * Row types of every table, for Kysely. Byte columns are BLOB on SQLite and BYTEA on PostgreSQL
 * (both arrive as Buffer); integers that can grow past 2^31 are BIGINT on PostgreSQL, parsed to
 * JS numbers (safe to 2^53) by the pg type parser installed in open.ts.
 */
import type { Generated } from 'kysely';

export interface LedgerHeadTable {
  id: number;
  size: number;
}

export interface LedgerEntryTable {
  /** Leaf index in the Merkle tree (0-based). */
  idx: number;
  time: string;
  actor: string;
  action: string;
  subject: string;
  /** The RFC 8785 canonical JSON of the entry: exactly the bytes hashed as the RFC 6962 leaf. */
  entry: string;
  /** Leaf hash followed by the hash of every complete subtree this leaf completes (32 bytes each). */
  hashes: Uint8Array;
}

export interface LedgerCheckpointTable {
  size: number;
  root: Uint8Array;
  /** The signed note (with witness cosignatures once gathered). */
  note: string;
  time: string;
  /** 1 when published: signed, and cosigned by the configured witness quorum. */
  published: number;
}

export interface WitnessStateTable {
  /** Origin of a log this instance witnesses. */
  origin: string;
  size: number;
  root: Uint8Array;
  note: string;
  updated_at: string;
}

export interface LedgerWitnessProgressTable {
  /** Name of a witness this log asks for cosignatures. */
  witness: string;
  /** Size of the last checkpoint that witness cosigned for us. */
  size: number;
}

export interface SettingTable {
  key: string;
  value: string;
  updated_at: string;
  updated_by: string;
  version: Generated<number>;
}

export interface CustodyWalletTable {
  chain_id: number;
  address: string;
  config: string;
  created_at: string;
  updated_at: string;
}

export interface ScreeningEntryTable {
  address: string;
  source: string;
  reason: string;
  added_at: string;
}

export interface CustodyRequestTable {
  id: string;
  chain_id: number;
  wallet: string;
  record: string;
  analysis: string;
  digest: string;
  decision: string;
  required_approvals: number;
  status: string;
  initiator: string;
  created_at: string;
  updated_at: string;
}

export interface CustodyApprovalTable {
  request_id: string;
  approver: string;
  digest: string;
  signature: string;
  created_at: string;
}

export interface CustodyOwnerSignatureTable {
  request_id: string;
  digest: string;
  owner: string;
  signature: string;
  created_at: string;
}

export interface CustodyApproverKeyTable {
  principal: string;
  public_key: string;
  added_at: string;
}

export interface ServiceKeyTable {
  key_id: string;
  service_id: string;
  public_key: string;
  permissions: string;
  created_at: string;
  revoked_at: string | null;
}

export interface RequestNonceTable {
  key_id: string;
  nonce: string;
  expires_at: string;
}

export interface CustodyPolicyTable {
  seq: number;
  digest: string;
  source: string;
  set_by: string;
  set_at: string;
}

/** Issue 7 (alliance TAXII, members, incidents): migration 0011-alliance-taxii. */
export interface TaxiiApiRootTable {
  name: string;
  title: string;
  description: string | null;
  max_content_length: number;
  created_at: string;
}
export interface TaxiiCollectionTable {
  id: string;
  api_root: string;
  title: string;
  description: string | null;
  alias: string | null;
  media_types: string;
  created_at: string;
}
export interface TaxiiObjectTable {
  collection_id: string;
  object_id: string;
  type: string;
  version: string;
  version_key: string;
  spec_version: string;
  date_added: string;
  tlp: string;
  added_by: string;
  object: string;
}
export interface TaxiiStatusTable {
  id: string;
  api_root: string;
  requester: string;
  resource: string;
  created_at: string;
}
export interface AllianceMemberTable {
  id: string;
  name: string;
  identity: string | null;
  password_hash: string | null;
  created_at: string;
  updated_at: string;
  removed_at: string | null;
}
export interface AllianceMemberRightTable {
  member_id: string;
  collection_id: string;
  can_read: number;
  can_write: number;
  tlp_max: string;
  updated_at: string;
}
export interface AllianceFeedTable {
  source: string;
  object_id: string;
  version_key: string;
  type: string;
  tlp: string;
  date_added: string;
  received_at: string;
  object: string;
}
export interface AllianceFollowCursorTable {
  source: string;
  url: string;
  collection_id: string;
  added_after: string | null;
  last_poll_at: string | null;
  last_error: string | null;
  failures: number;
}
export interface AllianceIncidentTable {
  id: string;
  origin: string;
  title: string;
  status: string;
  tlp: string;
  collection_id: string | null;
  detail: string;
  declared_at: string;
  updated_at: string;
  acknowledged_at: string | null;
}
export interface AllianceIncidentEventTable {
  incident_id: string;
  member: string;
  kind: string;
  at: string;
  detail: string;
}

/** Threshold signing (issue 6): migration 0014-signing, the coordinator's key registry. */
export interface SigningKeyTable {
  key_id: string;
  suite: string;
  threshold: number;
  max_signers: number;
  group_public_key: string;
  public_package: string;
  generation: number;
  created_at: string;
  updated_at: string;
}
export interface SigningKeyNodeTable {
  key_id: string;
  identifier: string;
  node_id: string;
  url: string;
  signing_public: string;
  box_public: string;
}
export interface SigningCeremonyTable {
  ceremony_id: string;
  key_id: string;
  kind: string;
  status: string;
  actor: string;
  participants: string;
  result: string | null;
  error: string | null;
  started_at: string;
  finished_at: string | null;
}

/** Reserve attestations (issue 8): migration 0013-reserves-attestations. */
export interface ReservesAttestationTable {
  seq: number;
  exchange: string;
  date: string;
  digest: string;
  statement: string;
  liabilities_root: string;
  ledger_index: number;
  published_at: string;
  published_by: string;
}
export interface ReservesAttestationAssetTable {
  seq: number;
  asset: string;
  reserves: string;
  liabilities: string;
  ratio: string | null;
}

/** Issue 7 (alliance screening set): migration 0010-alliance-screening. */
export interface AllianceScreeningEntryTable {
  address: string;
  source: string;
  chain: string;
  kind: string;
  reason: string;
  listed_by: string;
  confidence: number | null;
  tlp: string | null;
  object_id: string | null;
  first_seen: string;
  updated_at: string;
  removed_at: string | null;
  seq: number;
}
export interface AllianceScreeningHeadTable {
  id: number;
  seq: number;
}

/** Proof-of-liabilities builds (issue 8): migration 0012-reserves. */
export interface ReservesBuildTable {
  build_id: string;
  snapshot_time: string;
  assets: string;
  height: number;
  users: number;
  root_hash: string;
  totals: string;
  statement: string;
  ledger_index: number;
  published_at: string;
  published_by: string;
}

export interface Database {
  ledger_head: LedgerHeadTable;
  ledger_entries: LedgerEntryTable;
  ledger_checkpoints: LedgerCheckpointTable;
  ledger_witness_progress: LedgerWitnessProgressTable;
  witness_state: WitnessStateTable;
  settings: SettingTable;
  custody_wallets: CustodyWalletTable;
  screening_entries: ScreeningEntryTable;
  custody_requests: CustodyRequestTable;
  custody_approvals: CustodyApprovalTable;
  custody_owner_signatures: CustodyOwnerSignatureTable;
  custody_approver_keys: CustodyApproverKeyTable;
  service_keys: ServiceKeyTable;
  request_nonces: RequestNonceTable;
  custody_policies: CustodyPolicyTable;
  alliance_screening_entries: AllianceScreeningEntryTable;
  alliance_screening_head: AllianceScreeningHeadTable;
  reserves_attestations: ReservesAttestationTable;
  reserves_attestation_assets: ReservesAttestationAssetTable;
  signing_keys: SigningKeyTable;
  signing_key_nodes: SigningKeyNodeTable;
  signing_ceremonies: SigningCeremonyTable;
  taxii_api_roots: TaxiiApiRootTable;
  taxii_collections: TaxiiCollectionTable;
  taxii_objects: TaxiiObjectTable;
  taxii_statuses: TaxiiStatusTable;
  alliance_members: AllianceMemberTable;
  alliance_member_rights: AllianceMemberRightTable;
  alliance_feed: AllianceFeedTable;
  alliance_follow_cursors: AllianceFollowCursorTable;
  alliance_incidents: AllianceIncidentTable;
  alliance_incident_events: AllianceIncidentEventTable;
  reserves_builds: ReservesBuildTable;
}
