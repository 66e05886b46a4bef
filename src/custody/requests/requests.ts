/**
 * Custody requests: an operator submits a transaction; Rampart stores its own analysis; approvers
 * approve that analysis's digest; owner signatures are checked against the recomputed hash; the
 * execution bundle is exported only when the quorum and the signatures are complete and a fresh
 * analysis still has the approved digest. Every step is a ledger entry in the same transaction as
 * the change it records.
 */
import { randomUUID } from 'node:crypto';
import { getAddress, type Hex } from 'viem';
import { activeRolesOf } from '../../access/grants/index.ts';
import { InvalidInputError, NotFoundError, RampartError } from '../../core/index.ts';
import type { AuditedTx, Ledger } from '../../ledger/index.ts';
import type { Analysis } from '../analysis/analyze.ts';
import { encodeExecTransaction } from '../evm/exec-transaction.ts';
import { parseSafeTx } from '../evm/safe-tx.ts';
import { checkSafeSignatures } from '../evm/signatures.ts';
import { analyzeForWallet, jsonSafe } from '../registry/analyze-registered.ts';
import { getWallet } from '../registry/wallets.ts';
import { isUsableApproverKey, verifyApproval } from './approval.ts';
import { decideRequest, type PolicyOutcome, type RequestDecision } from './decision.ts';

export type RequestStatus = 'pending' | 'denied' | 'approved' | 'exported';

export interface CustodyRequest {
  id: string;
  chainId: number;
  wallet: string;
  status: RequestStatus;
  initiator: string;
  digest: string;
  decision: RequestDecision;
  analysis: Analysis;
  record: unknown;
  /** `via`: a passkey step-up (a person in the console) or a registered Ed25519 approval key. */
  approvals: Array<{ approver: string; digest: string; createdAt: string; via: 'passkey' | 'key' }>;
  ownerSignatures: Array<{ owner: string; createdAt: string }>;
  createdAt: string;
  updatedAt: string;
}

export type PolicyHook = (
  analysis: Analysis,
) => Promise<PolicyOutcome | undefined> | PolicyOutcome | undefined;

const conflict = (code: string, message: string, details?: Record<string, unknown>) =>
  new RampartError(code, message, { status: 409, details });
const forbidden = (code: string, message: string, details?: Record<string, unknown>) =>
  new RampartError(code, message, { status: 403, details });

async function analyseOne(
  ledger: Ledger,
  wallet: string,
  chainId: number | undefined,
  record: unknown,
): Promise<Analysis> {
  if (Array.isArray(record) || (typeof record === 'object' && record !== null && 'results' in record))
    throw new InvalidInputError(
      'REQUEST_ONE_TRANSACTION',
      'a request carries exactly one transaction, not a list',
    );
  const [entry] = await analyzeForWallet(ledger, { wallet, ...(chainId ? { chainId } : {}), input: record });
  if (!entry) throw new InvalidInputError('REQUEST_ONE_TRANSACTION', 'no transaction in the request');
  if (!('analysis' in entry))
    throw new InvalidInputError(entry.error.code, entry.error.message, entry.error.details);
  return jsonSafe(entry.analysis) as Analysis;
}

function summary(a: Analysis) {
  return {
    safeTxHash: a.safeTxHash,
    digest: a.digest,
    verdict: a.verdict,
    findings: a.findings.map((f) => (f.path ? `${f.code}@${f.path}` : f.code)),
    to: a.tx.to,
    value: a.tx.value,
    operation: a.tx.operation,
    nonce: a.tx.nonce,
  };
}

export async function submitRequest(
  ledger: Ledger,
  opts: { initiator: string; wallet: string; chainId?: number; transaction: unknown; policy?: PolicyHook },
): Promise<CustodyRequest> {
  const analysis = await analyseOne(ledger, opts.wallet, opts.chainId, opts.transaction);
  const decision = decideRequest(analysis, await opts.policy?.(analysis));
  const id = `req_${randomUUID()}`;
  const now = ledger.clock.now().toISOString();
  const status: RequestStatus = decision.decision === 'deny' ? 'denied' : 'pending';
  await ledger.transact(async (tx) => {
    await tx.db
      .insertInto('custody_requests')
      .values({
        id,
        chain_id: analysis.chainId,
        wallet: analysis.wallet.toLowerCase(),
        record: JSON.stringify(opts.transaction),
        analysis: JSON.stringify(analysis),
        digest: analysis.digest,
        decision: JSON.stringify(decision),
        required_approvals: decision.requiredApprovals,
        status,
        initiator: opts.initiator,
        created_at: now,
        updated_at: now,
      })
      .execute();
    tx.audit({
      actor: opts.initiator,
      action: status === 'denied' ? 'custody.request.denied' : 'custody.request.submitted',
      subject: id,
      payload: {
        wallet: `eip155:${analysis.chainId}:${analysis.wallet.toLowerCase()}`,
        ...summary(analysis),
        decision,
      },
    });
  });
  return getRequest(ledger, id);
}

/** Any change of the transaction (gas fields included) is a new analysis and a new digest: earlier approvals no longer count. */
export async function updateRequest(
  ledger: Ledger,
  opts: { id: string; actor: string; transaction: unknown; policy?: PolicyHook },
): Promise<CustodyRequest> {
  const current = await getRequest(ledger, opts.id);
  if (current.initiator !== opts.actor)
    throw forbidden('REQUEST_NOT_INITIATOR', 'only the initiator may change a request');
  if (current.status === 'exported')
    throw conflict('REQUEST_NOT_PENDING', `request ${opts.id} is ${current.status}`);
  const analysis = await analyseOne(ledger, current.wallet, current.chainId, opts.transaction);
  const decision = decideRequest(analysis, await opts.policy?.(analysis));
  const status: RequestStatus = decision.decision === 'deny' ? 'denied' : 'pending';
  await ledger.transact(async (tx) => {
    await tx.db
      .updateTable('custody_requests')
      .set({
        record: JSON.stringify(opts.transaction),
        analysis: JSON.stringify(analysis),
        digest: analysis.digest,
        decision: JSON.stringify(decision),
        required_approvals: decision.requiredApprovals,
        status,
        updated_at: ledger.clock.now().toISOString(),
      })
      .where('id', '=', opts.id)
      .execute();
    tx.audit({
      actor: opts.actor,
      action: 'custody.request.updated',
      subject: opts.id,
      payload: {
        previousDigest: current.digest,
        ...summary(analysis),
        decision,
        approvalsVoided: current.approvals.filter((a) => a.digest === current.digest).length,
      },
    });
  });
  return getRequest(ledger, opts.id);
}

export async function getRequest(ledger: Ledger, id: string): Promise<CustodyRequest> {
  const db = ledger.store.db;
  const r = await db.selectFrom('custody_requests').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw new NotFoundError('REQUEST_NOT_FOUND', `no custody request ${id}`, { id });
  const approvals = await db
    .selectFrom('custody_approvals')
    .selectAll()
    .where('request_id', '=', id)
    .orderBy('created_at')
    .execute();
  const sigs = await db
    .selectFrom('custody_owner_signatures')
    .selectAll()
    .where('request_id', '=', id)
    .where('digest', '=', r.digest)
    .orderBy('created_at')
    .execute();
  return {
    id: r.id,
    chainId: Number(r.chain_id),
    wallet: getAddress(r.wallet),
    status: r.status as RequestStatus,
    initiator: r.initiator,
    digest: r.digest,
    decision: JSON.parse(r.decision),
    analysis: JSON.parse(r.analysis),
    record: JSON.parse(r.record),
    approvals: approvals.map((a) => ({
      approver: a.approver,
      digest: a.digest,
      createdAt: a.created_at,
      via: a.signature.startsWith('passkey:') ? ('passkey' as const) : ('key' as const),
    })),
    ownerSignatures: sigs.map((s) => ({ owner: s.owner, createdAt: s.created_at })),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export async function listRequests(ledger: Ledger, status?: RequestStatus): Promise<CustodyRequest[]> {
  let q = ledger.store.db
    .selectFrom('custody_requests')
    .select('id')
    .orderBy('created_at', 'desc')
    .limit(200);
  if (status) q = q.where('status', '=', status);
  const ids = await q.execute();
  return Promise.all(ids.map((r) => getRequest(ledger, r.id)));
}

export async function addApproverKey(
  ledger: Ledger,
  opts: { principal: string; publicKey: string; actor: string },
): Promise<void> {
  if (!/^[A-Za-z0-9+/]{43}=$/.test(opts.publicKey) || !isUsableApproverKey(opts.publicKey))
    throw new InvalidInputError(
      'APPROVER_KEY_INVALID',
      'an approver key is a base64 Ed25519 public key (32 bytes, a valid point not of small order)',
    );
  await ledger.record(
    {
      actor: opts.actor,
      action: 'custody.approver_key.added',
      subject: opts.principal,
      payload: { publicKey: opts.publicKey },
    },
    async (db) => {
      await db
        .insertInto('custody_approver_keys')
        .values({
          principal: opts.principal,
          public_key: opts.publicKey,
          added_at: ledger.clock.now().toISOString(),
        })
        .onConflict((oc) => oc.columns(['principal', 'public_key']).doNothing())
        .execute();
    },
  );
}

/**
 * A person's approval in the console: a passkey step-up over exactly
 * { action: 'custody.request.approve', requestId, digest }, already verified by the access module.
 * `use` spends it inside the approval's own transaction; `evidence` (the assertion and the statement
 * it signed) is kept in the ledger entry so the approval can be re-verified later.
 */
export interface PasskeyApproval {
  stepUp: string;
  evidence: Record<string, unknown>;
  use(tx: AuditedTx): Promise<void>;
}

export async function approveRequest(
  ledger: Ledger,
  opts: { id: string; approver: string; digest: string } & (
    | { signature: string; passkey?: undefined }
    | { passkey: PasskeyApproval; signature?: undefined }
  ),
): Promise<CustodyRequest> {
  const req = await getRequest(ledger, opts.id);
  if (req.status !== 'pending' && req.status !== 'approved')
    throw conflict('REQUEST_NOT_PENDING', `request ${opts.id} is ${req.status}; it cannot be approved`, {
      status: req.status,
    });
  if (opts.digest !== req.digest)
    throw conflict(
      'APPROVAL_DIGEST_STALE',
      'the digest approved is not the digest of the current analysis: the request changed; review it again',
      {
        approved: opts.digest,
        current: req.digest,
      },
    );
  if (opts.approver === req.initiator)
    throw forbidden('SEPARATION_OF_DUTIES', 'the initiator of a request can never approve it');
  // The policy names the roles approvals must come from: the approver must hold one of them now
  // (an active, unexpired grant; src/access/grants). Fail closed: a role nobody holds blocks.
  if (req.decision.fromRoles.length > 0) {
    const held = await activeRolesOf(ledger, opts.approver);
    if (!req.decision.fromRoles.some((r) => held.includes(r)))
      throw forbidden(
        'APPROVER_ROLE_MISSING',
        `${opts.approver} holds none of the roles this request needs approvals from (${req.decision.fromRoles.join(', ')})`,
        { fromRoles: req.decision.fromRoles, held },
      );
  }
  if (!opts.passkey) {
    const keys = await ledger.store.db
      .selectFrom('custody_approver_keys')
      .select('public_key')
      .where('principal', '=', opts.approver)
      .execute();
    if (keys.length === 0)
      throw forbidden('APPROVER_NO_KEY', `${opts.approver} has no registered approval key`);
    if (!keys.some((k) => verifyApproval(k.public_key, req.id, req.digest, opts.signature)))
      throw forbidden(
        'APPROVAL_SIGNATURE_INVALID',
        'the approval signature does not verify over this request and digest with any key of the approver',
      );
  }
  const signature = opts.passkey ? `passkey:${opts.passkey.stepUp}` : opts.signature;
  if (req.approvals.some((a) => a.approver === opts.approver && a.digest === req.digest))
    throw conflict('APPROVAL_DUPLICATE', `${opts.approver} already approved this digest`);
  const count = req.approvals.filter((a) => a.digest === req.digest).length + 1;
  const status: RequestStatus = count >= req.decision.requiredApprovals ? 'approved' : 'pending';
  await ledger.transact(async (tx) => {
    await opts.passkey?.use(tx);
    await tx.db
      .insertInto('custody_approvals')
      .values({
        request_id: req.id,
        approver: opts.approver,
        digest: req.digest,
        signature,
        created_at: ledger.clock.now().toISOString(),
      })
      .execute();
    await tx.db
      .updateTable('custody_requests')
      .set({ status, updated_at: ledger.clock.now().toISOString() })
      .where('id', '=', req.id)
      .execute();
    tx.audit({
      actor: opts.approver,
      action: 'custody.request.approved',
      subject: req.id,
      payload: {
        digest: req.digest,
        signature,
        ...(opts.passkey ? { stepUp: opts.passkey.evidence } : {}),
        approvals: count,
        required: req.decision.requiredApprovals,
        status,
      },
    });
  });
  return getRequest(ledger, req.id);
}

/** An owner's signature from a hardware wallet: it must recover to an owner over the recomputed safeTxHash. */
export async function attachOwnerSignature(
  ledger: Ledger,
  opts: { id: string; actor: string; signature: string },
): Promise<CustodyRequest> {
  const req = await getRequest(ledger, opts.id);
  if (req.status === 'denied' || req.status === 'exported')
    throw conflict('REQUEST_NOT_PENDING', `request ${opts.id} is ${req.status}`, { status: req.status });
  if (!/^0x[0-9a-fA-F]{130}$/.test(opts.signature))
    throw new InvalidInputError('OWNER_SIGNATURE_INVALID', 'an owner signature is 65 bytes of hex (r, s, v)');
  const wallet = await getWallet(ledger, req.wallet, req.chainId);
  const check = checkSafeSignatures({
    hash: req.analysis.safeTxHash,
    signatures: opts.signature as Hex,
    owners: wallet.owners,
    threshold: 1,
  });
  const s = check.signatures[0];
  if (s?.status !== 'valid' || !s.signer)
    throw new RampartError(
      'OWNER_SIGNATURE_INVALID',
      `the signature ${s?.signer ? `recovers to ${s.signer}, which is not an owner` : 'does not recover to an owner'} over ${req.analysis.safeTxHash}${s?.reason ? ` (${s.reason})` : ''}`,
      { status: 422, details: { signer: s?.signer ?? null, status: s?.status ?? null } },
    );
  const owner = s.signer;
  await ledger.transact(async (tx) => {
    await tx.db
      .insertInto('custody_owner_signatures')
      .values({
        request_id: req.id,
        digest: req.digest,
        owner,
        signature: opts.signature.toLowerCase(),
        created_at: ledger.clock.now().toISOString(),
      })
      .onConflict((oc) =>
        oc
          .columns(['request_id', 'digest', 'owner'])
          .doUpdateSet({ signature: opts.signature.toLowerCase() }),
      )
      .execute();
    tx.audit({
      actor: opts.actor,
      action: 'custody.request.signature_attached',
      subject: req.id,
      payload: { owner, kind: s.kind, safeTxHash: req.analysis.safeTxHash },
    });
  });
  return getRequest(ledger, req.id);
}

export interface ExecutionBundle {
  chainId: number;
  safe: string;
  safeTxHash: string;
  digest: string;
  tx: Analysis['tx'];
  /** packed owner signatures, sorted by owner address as the Safe requires */
  signatures: Hex;
  /** calldata of execTransaction(…) to send to the Safe */
  execTransactionData: Hex;
}

export async function exportBundle(
  ledger: Ledger,
  opts: {
    id: string;
    actor: string;
    /** A person's passkey step-up for { action: 'custody.request.export', requestId }, spent with the export. */
    stepUp?: { id: string; use(tx: AuditedTx): Promise<void> };
  },
): Promise<ExecutionBundle> {
  const req = await getRequest(ledger, opts.id);
  if (req.status !== 'approved')
    throw conflict(
      'REQUEST_NOT_APPROVED',
      `request ${opts.id} is ${req.status}: it needs ${req.decision.requiredApprovals} approvals of its current digest`,
    );
  // Re-analyse from the stored raw transaction: the approved digest must still be what Rampart computes now.
  const fresh = await analyseOne(ledger, req.wallet, req.chainId, req.record);
  if (fresh.digest !== req.digest)
    throw conflict(
      'REQUEST_ANALYSIS_CHANGED',
      'a fresh analysis no longer has the approved digest (state, screening or registration changed); resubmit',
      {
        approved: req.digest,
        now: fresh.digest,
      },
    );
  if (fresh.verdict === 'deny') throw forbidden('REQUEST_DENIED', 'a fresh analysis denies this transaction');
  const wallet = await getWallet(ledger, req.wallet, req.chainId);
  const rows = await ledger.store.db
    .selectFrom('custody_owner_signatures')
    .select(['owner', 'signature'])
    .where('request_id', '=', req.id)
    .where('digest', '=', req.digest)
    .execute();
  const sorted = rows.sort((a, b) => (BigInt(a.owner) < BigInt(b.owner) ? -1 : 1)).slice(0, wallet.threshold);
  if (sorted.length < wallet.threshold)
    throw conflict(
      'OWNER_SIGNATURES_MISSING',
      `${sorted.length} of ${wallet.threshold} owner signatures are attached`,
    );
  const signatures = `0x${sorted.map((r) => r.signature.slice(2)).join('')}` as Hex;
  const check = checkSafeSignatures({
    hash: fresh.safeTxHash,
    signatures,
    owners: wallet.owners,
    threshold: wallet.threshold,
  });
  if (!check.thresholdMet)
    throw conflict(
      'OWNER_SIGNATURES_MISSING',
      `the attached signatures do not meet the threshold: ${check.problems.join('; ')}`,
    );
  const t = fresh.tx;
  const execTransactionData = encodeExecTransaction(parseSafeTx(t), signatures);
  const bundle: ExecutionBundle = {
    chainId: req.chainId,
    safe: req.wallet,
    safeTxHash: fresh.safeTxHash,
    digest: req.digest,
    tx: t,
    signatures,
    execTransactionData,
  };
  await ledger.transact(async (tx) => {
    await opts.stepUp?.use(tx);
    await tx.db
      .updateTable('custody_requests')
      .set({ status: 'exported', updated_at: ledger.clock.now().toISOString() })
      .where('id', '=', req.id)
      .execute();
    tx.audit({
      actor: opts.actor,
      action: 'custody.request.exported',
      subject: req.id,
      payload: {
        safeTxHash: fresh.safeTxHash,
        digest: req.digest,
        owners: sorted.map((r) => r.owner),
        ...(opts.stepUp ? { stepUp: opts.stepUp.id } : {}),
      },
    });
  });
  return bundle;
}
