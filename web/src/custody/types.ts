/**
 * The shapes of `POST /api/v1/custody/analyze` and `GET /api/v1/custody/wallets` as the console
 * reads them (plain JSON: integers as decimal strings, bytes as 0x hex). Declared here rather than
 * imported so the page checks what it is given instead of assuming it.
 */

export type Verdict = 'deny' | 'review' | 'allow';
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';

export interface Finding {
  code: string;
  severity: Severity;
  message: string;
  /** null: the transaction as a whole; '': the top call; '0.2': call 2 of the batch in call 0 */
  path: string | null;
}

export interface DecodedCall {
  path: string;
  to: string;
  value: string;
  operation: number;
  data: string;
  selector: string | null;
  function: {
    name: string;
    signature: string;
    standard: string;
    kind: string;
    changes?: string[];
  } | null;
  args: Array<{ name: string; type: string; value: unknown }> | null;
  children: DecodedCall[];
  error?: string;
}

export interface BalanceChange {
  address: string;
  asset: string;
  delta: string;
  tokenId?: string;
}

export interface ApprovalEffect {
  token: string;
  owner: string;
  spender: string;
  amount: string;
  standard: string;
}

export interface WalletStorageWrite {
  slot: string;
  before: string;
  after: string;
  kind: string;
  key?: string;
}

export interface Effects {
  balanceChanges: BalanceChange[];
  approvals: ApprovalEffect[];
  walletStorageWrites: WalletStorageWrite[];
}

export interface SimulationSummary {
  executed: boolean;
  success: boolean;
  gasUsed: string;
  revertReason?: string;
  missingCode: string[];
  contractSafeTxHash?: string;
}

export interface SafeSignature {
  index: number;
  kind: string;
  signer: string | null;
  isOwner: boolean;
  status: string;
  reason?: string;
}

export interface SignatureCheck {
  signatures: SafeSignature[];
  validOwners: string[];
  unverifiedOwners?: string[];
  thresholdMet: boolean;
  problems: string[];
}

export interface SafeTxJson {
  to: string;
  value: string;
  data: string;
  operation: number;
  safeTxGas: string;
  baseGas: string;
  gasPrice: string;
  gasToken: string;
  refundReceiver: string;
  nonce: string;
}

export interface Analysis {
  index: number;
  chainId: number;
  wallet: string;
  version: string;
  tx: SafeTxJson;
  safeTxHash: string;
  domainHash: string;
  messageHash: string;
  decoded: DecodedCall;
  effects: Effects | null;
  simulation?: SimulationSummary | null;
  simulationError?: { code: string; message: string };
  signatures: SignatureCheck | null;
  findings: Finding[];
  verdict: Verdict;
  requiredApprovals: number;
  digest: string;
}

export interface RecordError {
  index: number;
  error: { code: string; message: string; details?: unknown };
}

export type AnalysisResult = Analysis | RecordError;

export interface AnalyzeResponse {
  denied: boolean;
  results: AnalysisResult[];
}

export interface AddressBookEntry {
  address: string;
  label: string;
  category?: string;
}

export interface Wallet {
  chainId: number;
  address: string;
  version: string;
  owners: string[];
  threshold: number;
  addressBook?: AddressBookEntry[];
}

export function isRecordError(r: AnalysisResult): r is RecordError {
  return 'error' in r;
}
